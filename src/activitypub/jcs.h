#pragma once
// RFC 8785 JSON Canonicalization Scheme (JCS) over nlohmann::json: no whitespace, object
// members sorted by their names' UTF-16 code units, strings with only the escapes the RFC
// requires, numbers as ECMAScript's Number.prototype.toString writes them. Used by the
// eddsa-jcs-2022 integrity proofs. Not the claim canon (activitypub/canon.h), which is
// Python's json.dumps.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace artdag::activitypub {

// std::nullopt when the value has no JCS form: a NaN or infinite number, an integer
// beyond 2^53 in magnitude that an IEEE-754 double would change (2^53 + 1; one it holds, or
// whose digits are already its double's form, is written as that double), a string or name
// that is not valid UTF-8, binary values, or nesting deeper than kMaxJcsDepth.
std::optional<std::string> jcs(const nlohmann::json& value);

// The ECMAScript form of one finite double ("1e+21", "0.000001", "5e-324"; -0 is "0").
// std::nullopt for NaN and infinities.
std::optional<std::string> jcs_number(double value);

inline constexpr int kMaxJcsDepth = 128;

}  // namespace artdag::activitypub
