#pragma once
// HS256 JSON Web Tokens. Only HS256 is accepted: `none`, RS256 and every other alg fail.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace artdag::crypto {

struct JwtClaims {
  std::string sub;  // username
  std::string jti;  // unique token id (used for revocation)
  int64_t iat = 0;
  int64_t exp = 0;
  // Set only on tokens for one purpose (an L1's single-use attach token): the audience
  // (the L1's URL) and the scope ("l1-verify"). Session tokens have neither.
  std::string aud;
  std::string scope;
};

std::string jwt_encode_hs256(const JwtClaims& claims, std::string_view secret);

struct JwtResult {
  std::optional<JwtClaims> claims;  // set when valid
  std::string error;  // why not, when invalid ("malformed token", "unsupported alg", "bad
                      // signature", "token expired")
};

// Checks structure, header alg == HS256 (typ optional), signature (constant time), and that
// exp > now; sub, jti, iat and exp must all be present with the right JSON types.
JwtResult jwt_decode_hs256(std::string_view token, std::string_view secret, int64_t now);

}  // namespace artdag::crypto
