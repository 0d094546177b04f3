#include "util/net.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace artdag {

std::optional<IpAddress> parse_ip(std::string_view text) {
  std::string s(text);
  IpAddress addr;
  if (inet_pton(AF_INET, s.c_str(), addr.bytes.data()) == 1) return addr;
  addr.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), addr.bytes.data()) == 1) return addr;
  return std::nullopt;
}

bool Cidr::contains(const IpAddress& addr) const {
  if (addr.v6 != network.v6) return false;
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(addr.bytes.data(), network.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (addr.bytes[full] & mask) == (network.bytes[full] & mask);
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  auto slash = text.find('/');
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  int max_prefix = ip->v6 ? 128 : 32;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty() || prefix < 0 ||
        prefix > max_prefix)
      return std::nullopt;
  }
  return Cidr{*ip, prefix};
}

std::optional<std::vector<Cidr>> parse_cidr_list(std::string_view text) {
  std::vector<Cidr> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    auto cidr = parse_cidr(item);
    if (!cidr) return std::nullopt;
    out.push_back(*cidr);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool is_non_public(const IpAddress& addr) {
  static const char* const kRanges[] = {
      "0.0.0.0/8",     "10.0.0.0/8",      "100.64.0.0/10", "127.0.0.0/8",  "169.254.0.0/16",
      "172.16.0.0/12", "192.0.0.0/24",    "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
      "240.0.0.0/4",   "::/128",          "::1/128",       "fc00::/7",     "fe80::/10",
      "ff00::/8",      "64:ff9b::/96",    "2001:db8::/32"};
  static const std::vector<Cidr> ranges = [] {
    std::vector<Cidr> v;
    for (auto r : kRanges) v.push_back(*parse_cidr(r));
    return v;
  }();
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (addr.v6 && std::memcmp(addr.bytes.data(), kMapped, 12) == 0) {
    IpAddress v4;
    std::memcpy(v4.bytes.data(), addr.bytes.data() + 12, 4);
    return is_non_public(v4);
  }
  for (const auto& r : ranges)
    if (r.contains(addr)) return true;
  return false;
}

}  // namespace artdag
