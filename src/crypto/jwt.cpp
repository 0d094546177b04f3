#include "crypto/jwt.h"

#include <limits>
#include <stdexcept>

#include "crypto/hash.h"
#include "util/json.h"

namespace artdag::crypto {

namespace {

constexpr std::size_t kMaxTokenLength = 8 * 1024;

constexpr char kMalformed[] = "malformed token";
constexpr char kUnsupportedAlg[] = "unsupported alg";
constexpr char kBadSignature[] = "bad signature";
constexpr char kExpired[] = "token expired";

JwtResult failure(const char* reason) {
  return JwtResult{std::nullopt, reason};
}

std::string signature_for(std::string_view signing_input, std::string_view secret) {
  return hmac_sha256(secret, signing_input);
}

// Parses a base64url segment holding a JSON object; nullopt for anything else.
std::optional<Json> decode_json_segment(std::string_view segment) {
  auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  Json value = Json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) return std::nullopt;  // also catches the parser's "discarded"
  return value;
}

std::optional<int64_t> int64_claim(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    auto value = it->get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(value);
  }
  if (it->is_number_integer()) return it->get<int64_t>();
  return std::nullopt;
}

std::optional<std::string> string_claim(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::string jwt_encode_hs256(const JwtClaims& claims, std::string_view secret) {
  if (secret.empty()) throw std::invalid_argument("JWT secret must not be empty");
  const Json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  Json payload = {
      {"sub", claims.sub}, {"jti", claims.jti}, {"iat", claims.iat}, {"exp", claims.exp}};
  if (!claims.aud.empty()) payload["aud"] = claims.aud;
  if (!claims.scope.empty()) payload["scope"] = claims.scope;
  std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  std::string signature = base64url_encode(signature_for(signing_input, secret));
  return signing_input + "." + signature;
}

JwtResult jwt_decode_hs256(std::string_view token, std::string_view secret, int64_t now) {
  if (secret.empty()) throw std::invalid_argument("JWT secret must not be empty");
  if (token.size() > kMaxTokenLength) return failure(kMalformed);

  // Exactly three segments: header.payload.signature.
  const auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return failure(kMalformed);
  const auto second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos)
    return failure(kMalformed);
  const std::string_view header_segment = token.substr(0, first_dot);
  const std::string_view payload_segment = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_segment = token.substr(second_dot + 1);

  auto header = decode_json_segment(header_segment);
  if (!header) return failure(kMalformed);
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256")
    return failure(kUnsupportedAlg);
  if (auto typ = header->find("typ"); typ != header->end() && !typ->is_string())
    return failure(kMalformed);
  // We implement no JWS extensions, and RFC 7515 requires refusing tokens that name any.
  if (header->contains("crit")) return failure(kMalformed);

  auto signature = base64url_decode(signature_segment);
  if (!signature) return failure(kMalformed);
  const std::string_view signing_input = token.substr(0, second_dot);
  if (!constant_time_equal(*signature, signature_for(signing_input, secret)))
    return failure(kBadSignature);

  // Only now, with the signature checked, is the payload worth reading.
  auto payload = decode_json_segment(payload_segment);
  if (!payload) return failure(kMalformed);
  auto sub = string_claim(*payload, "sub");
  auto jti = string_claim(*payload, "jti");
  auto iat = int64_claim(*payload, "iat");
  auto exp = int64_claim(*payload, "exp");
  if (!sub || !jti || !iat || !exp) return failure(kMalformed);
  if (*exp <= now) return failure(kExpired);
  JwtClaims claims{std::move(*sub), std::move(*jti), *iat, *exp, "", ""};
  for (auto [name, field] : {std::pair{"aud", &claims.aud}, std::pair{"scope", &claims.scope}}) {
    if (!payload->contains(name)) continue;
    auto value = string_claim(*payload, name);
    if (!value) return failure(kMalformed);
    *field = std::move(*value);
  }
  return JwtResult{std::move(claims), ""};
}

}  // namespace artdag::crypto
