#include "crypto/jwt.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "crypto/hash.h"
#include "util/json.h"

namespace artdag::crypto {
namespace {

constexpr char kSecret[] = "test-secret";
constexpr int64_t kIssuedAt = 1700000000;
constexpr int64_t kExpires = 1700003600;
constexpr int64_t kNow = 1700001000;  // between the two

JwtClaims sample_claims() {
  return JwtClaims{"giles", "4f1c9a", kIssuedAt, kExpires, "", ""};
}

// Builds a token from raw JSON text, signed (validly) with `secret`, bypassing the encoder.
std::string make_token(const std::string& header_json, const std::string& payload_json,
                       std::string_view secret = kSecret) {
  const std::string signing_input =
      base64url_encode(header_json) + "." + base64url_encode(payload_json);
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";
const std::string kPayload = R"({"sub":"giles","jti":"4f1c9a","iat":1700000000,"exp":1700003600})";

void expect_error(const JwtResult& result, const std::string& error) {
  EXPECT_FALSE(result.claims.has_value());
  EXPECT_EQ(result.error, error);
}

TEST(Jwt, RoundTrip) {
  const std::string token = jwt_encode_hs256(sample_claims(), kSecret);
  const JwtResult result = jwt_decode_hs256(token, kSecret, kNow);
  ASSERT_TRUE(result.claims.has_value()) << result.error;
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.claims->sub, "giles");
  EXPECT_EQ(result.claims->jti, "4f1c9a");
  EXPECT_EQ(result.claims->iat, kIssuedAt);
  EXPECT_EQ(result.claims->exp, kExpires);
}

TEST(Jwt, AudienceAndScopeRoundTripAndAreAbsentFromSessionTokens) {
  JwtClaims c{"alice", "j1", 1000, 2000, "https://l1.example.com", "l1-verify"};
  auto r = jwt_decode_hs256(jwt_encode_hs256(c, kSecret), kSecret, 1500);
  ASSERT_TRUE(r.claims) << r.error;
  EXPECT_EQ(r.claims->aud, "https://l1.example.com");
  EXPECT_EQ(r.claims->scope, "l1-verify");
  auto session = jwt_decode_hs256(jwt_encode_hs256({"alice", "j2", 1000, 2000, "", ""}, kSecret),
                                  kSecret, 1500);
  ASSERT_TRUE(session.claims);
  EXPECT_EQ(session.claims->aud, "");
  EXPECT_EQ(session.claims->scope, "");
}

TEST(Jwt, EncodesAStandardHs256Token) {
  const std::string token = jwt_encode_hs256(sample_claims(), kSecret);
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  ASSERT_NE(second_dot, std::string::npos);
  EXPECT_EQ(token.find('.', second_dot + 1), std::string::npos);
  const Json header = Json::parse(*base64url_decode(token.substr(0, first_dot)));
  EXPECT_EQ(header, Json::parse(kHeader));
  const Json payload =
      Json::parse(*base64url_decode(token.substr(first_dot + 1, second_dot - first_dot - 1)));
  EXPECT_EQ(payload, Json::parse(kPayload));
  EXPECT_EQ(*base64url_decode(token.substr(second_dot + 1)),
            hmac_sha256(kSecret, token.substr(0, second_dot)));
}

TEST(Jwt, DecodesATokenMadeElsewhere) {
  // Made with Python's hmac/base64/json modules (see the commit that added this test).
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJzdWIiOiJnaWxlcyIsImp0aSI6IjRmMWM5YSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwfQ."
      "TslzIq7E8hu8hlWqC9UfNWpFu3u_GNIJpTHvipwE_rQ";
  const JwtResult result = jwt_decode_hs256(token, kSecret, kNow);
  ASSERT_TRUE(result.claims.has_value()) << result.error;
  EXPECT_EQ(result.claims->sub, "giles");
  EXPECT_EQ(make_token(kHeader, kPayload), token);
}

TEST(Jwt, TypIsOptional) {
  const JwtResult result =
      jwt_decode_hs256(make_token(R"({"alg":"HS256"})", kPayload), kSecret, kNow);
  EXPECT_TRUE(result.claims.has_value()) << result.error;
}

TEST(Jwt, RejectsAlgNone) {
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
    const std::string unsigned_token =
        base64url_encode(header) + "." + base64url_encode(kPayload) + ".";
    expect_error(jwt_decode_hs256(unsigned_token, kSecret, kNow), "unsupported alg");
    // Even with a valid HMAC attached, the alg is wrong.
    expect_error(jwt_decode_hs256(make_token(header, kPayload), kSecret, kNow), "unsupported alg");
  }
}

TEST(Jwt, RejectsRs256AndEveryOtherAlg) {
  // RS256 "signed" with the HMAC secret is the classic key-confusion attack.
  for (const char* header :
       {R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"HS512"})", R"({"alg":"HS384"})",
        R"({"alg":"ES256"})", R"({"alg":"hs256"})", R"({"alg":"HS256 "})", R"({"typ":"JWT"})",
        R"({"alg":null})", R"({"alg":["HS256"]})", R"({"alg":256})"}) {
    expect_error(jwt_decode_hs256(make_token(header, kPayload), kSecret, kNow), "unsupported alg");
  }
}

TEST(Jwt, RejectsCriticalHeaderExtensions) {
  expect_error(
      jwt_decode_hs256(make_token(R"({"alg":"HS256","crit":["exp"]})", kPayload), kSecret, kNow),
      "malformed token");
}

TEST(Jwt, RejectsTamperedPayload) {
  const std::string token = jwt_encode_hs256(sample_claims(), kSecret);
  const auto first_dot = token.find('.');
  const auto second_dot = token.rfind('.');
  const std::string forged_payload =
      base64url_encode(R"({"sub":"admin","jti":"4f1c9a","iat":1700000000,"exp":1700003600})");
  const std::string forged =
      token.substr(0, first_dot + 1) + forged_payload + token.substr(second_dot);
  expect_error(jwt_decode_hs256(forged, kSecret, kNow), "bad signature");
  // A later expiry, same signature.
  const std::string extended =
      token.substr(0, first_dot + 1) +
      base64url_encode(R"({"sub":"giles","jti":"4f1c9a","iat":1700000000,"exp":9999999999})") +
      token.substr(second_dot);
  expect_error(jwt_decode_hs256(extended, kSecret, kNow), "bad signature");
}

TEST(Jwt, RejectsTamperedSignature) {
  const std::string token = jwt_encode_hs256(sample_claims(), kSecret);
  const auto second_dot = token.rfind('.');
  std::string signature = *base64url_decode(token.substr(second_dot + 1));
  for (std::size_t i = 0; i < signature.size(); ++i) {
    std::string flipped = signature;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    expect_error(jwt_decode_hs256(token.substr(0, second_dot + 1) + base64url_encode(flipped),
                                  kSecret, kNow),
                 "bad signature");
  }
  expect_error(
      jwt_decode_hs256(token.substr(0, second_dot + 1) + base64url_encode(signature.substr(0, 31)),
                       kSecret, kNow),
      "bad signature");
  expect_error(jwt_decode_hs256(token.substr(0, second_dot + 1), kSecret, kNow), "bad signature");
}

TEST(Jwt, RejectsAnotherSecret) {
  const std::string token = jwt_encode_hs256(sample_claims(), kSecret);
  expect_error(jwt_decode_hs256(token, "other-secret", kNow), "bad signature");
}

TEST(Jwt, RejectsExpiredTokens) {
  const std::string token = jwt_encode_hs256(sample_claims(), kSecret);
  EXPECT_TRUE(jwt_decode_hs256(token, kSecret, kExpires - 1).claims.has_value());
  expect_error(jwt_decode_hs256(token, kSecret, kExpires), "token expired");  // exp <= now
  expect_error(jwt_decode_hs256(token, kSecret, kExpires + 1), "token expired");
}

TEST(Jwt, RejectsMissingClaims) {
  const Json full = Json::parse(kPayload);
  for (const char* claim : {"sub", "jti", "iat", "exp"}) {
    Json payload = full;
    payload.erase(claim);
    expect_error(jwt_decode_hs256(make_token(kHeader, payload.dump()), kSecret, kNow),
                 "malformed token");
  }
}

TEST(Jwt, RejectsWrongTypedClaims) {
  const std::pair<const char*, const char*> wrong[] = {
      {"sub", "5"},
      {"sub", "null"},
      {"sub", R"(["giles"])"},
      {"jti", "7"},
      {"jti", "{}"},
      {"iat", R"("1700000000")"},
      {"iat", "1.7e9"},
      {"exp", R"("9999999999")"},
      {"exp", "9999999999.5"},
      {"exp", "true"},
      {"exp", "18446744073709551615"},
  };
  for (const auto& [claim, value] : wrong) {
    Json payload = Json::parse(kPayload);
    payload[claim] = Json::parse(value);
    SCOPED_TRACE(std::string(claim) + "=" + value);
    expect_error(jwt_decode_hs256(make_token(kHeader, payload.dump()), kSecret, kNow),
                 "malformed token");
  }
}

TEST(Jwt, RejectsGarbage) {
  const std::string valid = jwt_encode_hs256(sample_claims(), kSecret);
  const std::string valid_payload_segment = base64url_encode(kPayload);
  const std::string garbage[] = {
      "",
      ".",
      "..",
      "...",
      "abc",
      "a.b",
      "a.b.c",
      valid + ".",
      valid + ".extra",
      "." + valid,
      " " + valid,
      valid + " ",
      valid + "=",
      base64url_encode(kHeader) + "==." + valid_payload_segment + ".AAAA",
      "!!!." + valid_payload_segment + ".AAAA",
      base64url_encode("not json") + "." + valid_payload_segment + ".AAAA",
      base64url_encode("[\"HS256\"]") + "." + valid_payload_segment + ".AAAA",
      base64url_encode("\"HS256\"") + "." + valid_payload_segment + ".AAAA",
      std::string(10000, 'a') + "." + valid_payload_segment + ".AAAA",
  };
  for (const std::string& token : garbage) {
    const JwtResult result = jwt_decode_hs256(token, kSecret, kNow);
    EXPECT_FALSE(result.claims.has_value()) << token;
    EXPECT_FALSE(result.error.empty()) << token;
  }
  // A properly signed payload that is not a JSON object.
  for (const char* payload : {"not json", "[]", "42", R"("giles")", "{\"sub\":"}) {
    expect_error(jwt_decode_hs256(make_token(kHeader, payload), kSecret, kNow), "malformed token");
  }
  // Invalid UTF-8 inside an otherwise valid payload.
  expect_error(
      jwt_decode_hs256(
          make_token(kHeader, "{\"sub\":\"\xff\",\"jti\":\"a\",\"iat\":1,\"exp\":9999999999}"),
          kSecret, kNow),
      "malformed token");
}

TEST(Jwt, RefusesAnEmptySecret) {
  EXPECT_THROW(jwt_encode_hs256(sample_claims(), ""), std::invalid_argument);
  EXPECT_THROW(jwt_decode_hs256(jwt_encode_hs256(sample_claims(), kSecret), "", kNow),
               std::invalid_argument);
}

TEST(Jwt, NonAsciiSubjectRoundTrips) {
  JwtClaims claims = sample_claims();
  claims.sub = "caf\xc3\xa9";
  const JwtResult result = jwt_decode_hs256(jwt_encode_hs256(claims, kSecret), kSecret, kNow);
  ASSERT_TRUE(result.claims.has_value()) << result.error;
  EXPECT_EQ(result.claims->sub, claims.sub);
}

}  // namespace
}  // namespace artdag::crypto
