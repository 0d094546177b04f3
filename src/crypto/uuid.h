#pragma once
// UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits. Activity ids use
// them: chosen before signing, unique without asking the database, and sortable by time.
#include <cstdint>
#include <string>
#include <string_view>

namespace artdag::crypto {

// Lowercase, hyphenated: "0190f5c8-8b3a-7c1e-9a2b-3c4d5e6f7a8b".
std::string uuid_v7(int64_t unix_ms);
std::string uuid_v7();  // now
// True for a lowercase hyphenated UUID of version 7 and the RFC 9562 variant.
bool is_uuid_v7(std::string_view text);

}  // namespace artdag::crypto
