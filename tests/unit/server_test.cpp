// The listener's pure parts: the key its per-client connection cap counts by.
#include "http/server.h"

#include <gtest/gtest.h>

namespace artdag::http {
namespace {

TEST(ConnectionKey, IPv4AsIsIPv6ByItsSlash64) {
  EXPECT_EQ(connection_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(connection_key("::ffff:192.0.2.7"), "192.0.2.7");
  // Every address of one /64 is one client: a host usually holds the whole /64.
  EXPECT_EQ(connection_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(connection_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_NE(connection_key("2001:db8:1:3::1"), connection_key("2001:db8:1:2::1"));
  EXPECT_EQ(connection_key("not an address"), "not an address");
}

}  // namespace
}  // namespace artdag::http
