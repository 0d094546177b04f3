#pragma once
// IP address ranges (CIDR) for the outbound allow-list and the private-address check.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace artdag {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4
};

std::optional<IpAddress> parse_ip(std::string_view text);

struct Cidr {
  IpAddress network;
  int prefix = 0;
  bool contains(const IpAddress& addr) const;
};

std::optional<Cidr> parse_cidr(std::string_view text);  // "127.0.0.0/8", "::1/128", "10.0.0.1"
// Comma-separated list; nullopt if any entry is malformed.
std::optional<std::vector<Cidr>> parse_cidr_list(std::string_view text);

// Loopback, private (RFC 1918, fc00::/7), link-local, unspecified, CGNAT, multicast,
// IPv4-mapped forms of those: everything an outbound fetch must not reach by default.
bool is_non_public(const IpAddress& addr);

}  // namespace artdag
