// RFC 9421 HTTP Message Signatures: the RFC's Appendix B.2 and section 4.3 examples with
// its keys (tests/data/rfc9421), our outgoing signatures round-tripping through the
// incoming check, one failing request per policy rule, and Accept-Signature.
#include "activitypub/message_signature.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "activitypub/content_digest.h"
#include "crypto/hash.h"
#include "util/time.h"

namespace ap = artdag::activitypub;
namespace sig = artdag::activitypub::rfc9421;
using artdag::crypto::base64_decode;
using sig::Reason;

namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/rfc9421/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kDigest512 =
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWX"
    "vJwew==:";

// A request and its header lines, owned; view() borrows them.
struct Request {
  std::string method = "POST";
  std::string scheme = "https";
  std::string authority = "example.com";
  std::string target = "/foo?param=Value&Pet=dog";
  std::string body = "{\"hello\": \"world\"}";
  ap::HeaderFields fields;
  std::optional<int> status;
  sig::MessageView view() const {
    return {method, scheme, authority, target, ap::lookup_in(fields), body, status};
  }
};

// RFC 9421 Appendix B.2's request (section 2.1, with the Content-Digest of B.2.3).
Request rfc_request() {
  Request r;
  r.fields = {{"Host", "example.com"},
              {"Date", "Tue, 20 Apr 2021 02:07:55 GMT"},
              {"Content-Type", "application/json"},
              {"Content-Digest", kDigest512},
              {"Content-Length", "18"}};
  return r;
}

// Parses the pair, builds the base for its only signature.
std::pair<std::string, std::string> base_and_signature(const Request& r, const std::string& input,
                                                       const std::string& signature) {
  auto parsed = sig::parse_signatures(input, signature);
  EXPECT_TRUE(parsed) << parsed.detail;
  if (!parsed) return {};
  const sig::MessageSignature& s = parsed.value->front();
  auto base = sig::signature_base(r.view(), s.components, s.input);
  EXPECT_TRUE(base) << base.detail;
  return {base.value.value_or(""), s.signature};
}

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
PKey public_pem(const std::string& name) {
  const std::string pem = read(name);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PKey key(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr), EVP_PKEY_free);
  BIO_free(bio);
  return key;
}

// RSASSA-PSS with SHA-512 and a 64-byte salt (RFC 9421 section 3.3.1), test-only.
bool verify_pss(const std::string& base, const std::string& signature) {
  PKey key = public_pem("test-key-rsa-pss-public.pem");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = key && EVP_DigestVerifyInit(ctx, &pctx, EVP_sha512(), nullptr, key.get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 64) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(base.data()),
                             base.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// ECDSA P-256 with SHA-256, r || s (RFC 9421 section 3.3.4), test-only.
bool verify_ecdsa(const std::string& base, const std::string& signature) {
  if (signature.size() != 64) return false;
  PKey key = public_pem("test-key-ecc-p256-public.pem");
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(
      sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr),
      BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_size = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = key && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
            EVP_DigestVerify(ctx, der, der_size,
                             reinterpret_cast<const unsigned char*>(base.data()), base.size()) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  return ok;
}

const artdag::crypto::RsaKey& rsa_private() {
  static const auto key =
      artdag::crypto::RsaKey::from_private_pem(read("test-key-rsa-private.pem"));
  return key;
}

// The seed is the last 32 bytes of the PKCS#8 DER of test-key-ed25519.
const artdag::crypto::Ed25519Key& ed25519_private() {
  static const auto key = [] {
    const std::string pem = read("test-key-ed25519-private.pem");
    const auto begin = pem.find('\n') + 1;
    const auto der = base64_decode(pem.substr(begin, pem.find("-----END") - begin - 1));
    return artdag::crypto::Ed25519Key::from_seed(der->substr(der->size() - 32));
  }();
  return key;
}

TEST(Rfc9421Vectors, B21Minimal) {
  const auto [base, signature] = base_and_signature(
      rfc_request(),
      R"(sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd")",
      "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/"
      "lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+"
      "oxNFlD4dzVuwe8DhTSja8xxbR/"
      "Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+"
      "O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/"
      "SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:");
  EXPECT_EQ(
      base,
      R"("@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd")");
  EXPECT_TRUE(verify_pss(base, signature));
  EXPECT_FALSE(verify_pss(base + " ", signature));
}

TEST(Rfc9421Vectors, B22SelectiveComponents) {
  const auto [base, signature] = base_and_signature(
      rfc_request(),
      R"(sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example")",
      "sig-b22=:"
      "LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7"
      "KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/"
      "2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+"
      "H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//"
      "0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:");
  EXPECT_EQ(
      base,
      "\"@authority\": example.com\n\"content-digest\": " + kDigest512 +
          "\n\"@query-param\";name=\"Pet\": dog\n"
          R"("@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example")");
  EXPECT_TRUE(verify_pss(base, signature));
}

TEST(Rfc9421Vectors, B23FullCoverage) {
  const auto [base, signature] = base_and_signature(
      rfc_request(),
      R"(sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss")",
      "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/"
      "5MR6fb0Kh1rIRASVxFkeGt683+"
      "qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/"
      "yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/"
      "CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+"
      "QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:");
  EXPECT_EQ(
      base,
      "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n"
      "\"@query\": ?param=Value&Pet=dog\n\"@authority\": example.com\n"
      "\"content-type\": application/json\n\"content-digest\": " +
          kDigest512 +
          "\n\"content-length\": 18\n"
          R"("@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss")");
  EXPECT_TRUE(verify_pss(base, signature));
}

TEST(Rfc9421Vectors, B24Response) {
  Request response;
  response.status = 200;
  response.fields = {
      {"Date", "Tue, 20 Apr 2021 02:07:56 GMT"},
      {"Content-Type", "application/json"},
      {"Content-Digest",
       "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymy"
       "U0rjJuahq4l5aGgfLQ==:"},
      {"Content-Length", "23"}};
  const auto [base, signature] = base_and_signature(
      response,
      R"(sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256")",
      "sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+"
      "32oiasw==:");
  EXPECT_EQ(base.substr(0, 47), "\"@status\": 200\n\"content-type\": application/json");
  EXPECT_TRUE(verify_ecdsa(base, signature));
  EXPECT_FALSE(verify_ecdsa(base + "x", signature));
}

TEST(Rfc9421Vectors, B25Hmac) {
  const auto [base, signature] = base_and_signature(
      rfc_request(),
      R"(sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret")",
      "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:");
  std::string secret_b64 = read("test-shared-secret");
  while (!secret_b64.empty() && (secret_b64.back() == '\n' || secret_b64.back() == '\r'))
    secret_b64.pop_back();
  EXPECT_EQ(artdag::crypto::hmac_sha256(*base64_decode(secret_b64), base), signature);
}

const char* kB26Input =
    R"(sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519")";
const char* kB26Signature =
    "sig-b26=:"
    "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";

TEST(Rfc9421Vectors, B26Ed25519ByteForByte) {
  const auto [base, signature] = base_and_signature(rfc_request(), kB26Input, kB26Signature);
  EXPECT_EQ(
      base,
      "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n"
      "\"@authority\": example.com\n\"content-type\": application/json\n"
      "\"content-length\": 18\n"
      R"("@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519")");
  EXPECT_EQ(ed25519_private().sign(base), signature);
  sig::CheckedSignature checked{"sig-b26", "test-key-ed25519", "", base, signature, 1618884473};
  EXPECT_TRUE(sig::verify_with_key(checked, ed25519_private().public_key()).ok);
  checked.base += " ";
  EXPECT_EQ(sig::verify_with_key(checked, ed25519_private().public_key()).reason,
            Reason::bad_signature);
}

// Section 4.3: the proxy's rsa-v1_5-sha256 signature with test-key-rsa over the request it
// forwards to the origin, reproduced (PKCS#1 v1.5 is deterministic).
TEST(Rfc9421Vectors, Section43RsaV15ByteForByte) {
  Request r = rfc_request();
  r.authority = "origin.host.internal.example";
  r.fields.emplace_back("Forwarded", "for=192.0.2.123;host=example.com;proto=https");
  const auto [base, signature] = base_and_signature(
      r,
      R"(proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540)",
      "proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/"
      "fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+"
      "MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+"
      "Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+"
      "7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/"
      "vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:");
  EXPECT_EQ(rsa_private().sign_sha256(base), signature);
  const auto public_key = artdag::crypto::RsaKey::from_public_pem(read("test-key-rsa-public.pem"));
  sig::CheckedSignature checked{"proxy_sig", "test-key-rsa", "rsa-v1_5-sha256",
                                base,        signature,      1618884480};
  EXPECT_TRUE(sig::verify_with_key(checked, public_key).ok);
  EXPECT_EQ(sig::verify_with_key(checked, ed25519_private().public_key()).reason,
            Reason::key_type_mismatch);
}

TEST(Rfc9421Base, RefusesWhatItCannotDerive) {
  const Request r = rfc_request();
  auto base_of = [&](const std::string& input) {
    auto parsed = sig::parse_signatures(input, "s=:AA==:");
    EXPECT_TRUE(parsed) << input;
    const auto& s = parsed.value->front();
    return sig::signature_base(r.view(), s.components, s.input);
  };
  EXPECT_EQ(base_of(R"(s=("content-type";sf))").reason, Reason::unsupported_component);
  EXPECT_EQ(base_of(R"(s=("@method";req))").reason, Reason::unsupported_component);
  EXPECT_EQ(base_of(R"(s=("@status"))").reason, Reason::unsupported_component);
  EXPECT_EQ(base_of(R"(s=("@nonsense"))").reason, Reason::unsupported_component);
  EXPECT_EQ(base_of(R"(s=("x-missing"))").reason, Reason::component_missing);
  EXPECT_EQ(base_of(R"(s=("@query-param";name="nope"))").reason, Reason::component_missing);
  EXPECT_EQ(base_of(R"(s=("date" "date"))").reason, Reason::malformed_signature);
  EXPECT_EQ(*base_of(R"(s=("@target-uri" "@scheme" "@request-target"))").value,
            "\"@target-uri\": https://example.com/foo?param=Value&Pet=dog\n\"@scheme\": https\n"
            "\"@request-target\": /foo?param=Value&Pet=dog\n"
            R"("@signature-params": ("@target-uri" "@scheme" "@request-target"))");
}

TEST(Rfc9421Parse, RefusesMalformedPairs) {
  auto reason = [](const std::string& input, const std::string& signature) {
    return sig::parse_signatures(input, signature).reason;
  };
  EXPECT_EQ(reason("", "a=:AA==:"), Reason::missing_signature);
  EXPECT_EQ(reason("a=(\"@method\"", "a=:AA==:"), Reason::malformed_signature);   // sf syntax
  EXPECT_EQ(reason("a=(\"@method\")", "b=:AA==:"), Reason::malformed_signature);  // unpaired
  EXPECT_EQ(reason("a=\"@method\"", "a=:AA==:"), Reason::malformed_signature);    // not a list
  EXPECT_EQ(reason("a=(@method)", "a=:AA==:"), Reason::malformed_signature);      // token
  EXPECT_EQ(reason("a=();created=\"1\"", "a=:AA==:"), Reason::malformed_signature);
  EXPECT_EQ(reason("a=();keyid=k", "a=:AA==:"), Reason::malformed_signature);
  EXPECT_EQ(reason("a=()", "a=\"AA==\""), Reason::malformed_signature);
  auto good = sig::parse_signatures(
      R"(a=("@method");created=1;expires=2;keyid="k";alg="ed25519";nonce="n";tag="t";x=1)",
      "a=:AAE=:");
  ASSERT_TRUE(good);
  const auto& s = good.value->front();
  EXPECT_EQ(s.label, "a");
  EXPECT_EQ(s.components, (std::vector<sig::Component>{{"@method", {}}}));
  EXPECT_EQ(*s.created, 1);
  EXPECT_EQ(*s.expires, 2);
  EXPECT_EQ(*s.key_id, "k");
  EXPECT_EQ(*s.alg, "ed25519");
  EXPECT_EQ(*s.nonce, "n");
  EXPECT_EQ(*s.tag, "t");
  EXPECT_EQ(s.signature, std::string("\0\1", 2));
}

// --- The incoming policy, on requests signed as we sign (sign_request) or by hand. ---

constexpr int64_t kNow = 1748341414;
const char* kInbox = "https://example.com/users/giles/inbox";
const char* kKeyId = "https://remote.example/actor#main-key";
const char* kActivity = R"({"type":"Follow"})";

Request inbox_request(const sig::SignedRequest& signed_request, std::string body = kActivity) {
  Request r;
  r.target = "/users/giles/inbox";
  r.body = std::move(body);
  r.fields = signed_request.fields();
  r.fields.emplace_back("Host", "example.com");
  return r;
}

// Signs the first member (sig1) of `input` over `r` with test-key-rsa.
void sign_by_hand(Request& r, const std::string& input) {
  auto parsed = sig::parse_signatures(input, "sig1=:AA==:, sig2=:AA==:");
  ASSERT_TRUE(parsed) << input;
  const auto& s = parsed.value->front();
  auto base = sig::signature_base(r.view(), s.components, s.input);
  ASSERT_TRUE(base) << base.detail;
  std::erase_if(r.fields, [](const auto& f) {
    return f.first == "Signature-Input" || f.first == "Signature";
  });
  r.fields.emplace_back("Signature-Input", input);
  r.fields.emplace_back(
      "Signature",
      "sig1=:" + artdag::crypto::base64_encode(rsa_private().sign_sha256(*base.value)) +
          ":, sig2=:AA==:");
}

Reason check(const Request& r, int64_t now = kNow) {
  return sig::check_incoming(r.view(), now, "example.com").reason;
}

TEST(Rfc9421Policy, OurRsaSignaturePassesAndVerifies) {
  const auto signed_request =
      sig::sign_request("POST", kInbox, std::string_view(kActivity), rsa_private(), kKeyId, kNow);
  EXPECT_EQ(
      signed_request.signature_input,
      R"(sig1=("@method" "@target-uri" "@authority" "content-digest");created=1748341414;keyid="https://remote.example/actor#main-key";alg="rsa-v1_5-sha256")");
  EXPECT_EQ(signed_request.content_digest, ap::make_content_digest(kActivity));
  const Request r = inbox_request(signed_request);
  auto checked = sig::check_incoming(r.view(), kNow + 60, "Example.COM:443");
  ASSERT_TRUE(checked) << checked.detail;
  EXPECT_EQ(checked.value->key_id, kKeyId);
  EXPECT_EQ(checked.value->base.substr(0, 60),
            "\"@method\": POST\n\"@target-uri\": https://example.com/users/gil");
  const auto public_key = artdag::crypto::RsaKey::from_public_pem(read("test-key-rsa-public.pem"));
  EXPECT_TRUE(sig::verify_with_key(*checked.value, public_key).ok);
  const auto other = artdag::crypto::RsaKey::from_public_pem(read("test-key-rsa-pss-public.pem"));
  EXPECT_EQ(sig::verify_with_key(*checked.value, other).reason, Reason::bad_signature);
}

TEST(Rfc9421Policy, OurEd25519SignatureOnAGetPasses) {
  const auto signed_request = sig::sign_request("GET", "https://example.com/users/giles?page=2#x",
                                                std::nullopt, ed25519_private(), kKeyId, kNow);
  EXPECT_TRUE(signed_request.content_digest.empty());
  EXPECT_EQ(signed_request.fields().size(), 2u);
  Request r = inbox_request(signed_request, "");
  r.method = "GET";
  r.target = "/users/giles?page=2";
  auto checked = sig::check_incoming(r.view(), kNow, "example.com");
  ASSERT_TRUE(checked) << checked.detail;
  EXPECT_EQ(checked.value->alg, "ed25519");
  EXPECT_TRUE(sig::verify_with_key(*checked.value, ed25519_private().public_key()).ok);
  const auto rsa = artdag::crypto::RsaKey::from_public_pem(read("test-key-rsa-public.pem"));
  EXPECT_EQ(sig::verify_with_key(*checked.value, rsa).reason, Reason::key_type_mismatch);
  EXPECT_THROW(
      sig::sign_request("GET", "ftp://example.com/", std::nullopt, rsa_private(), kKeyId, kNow),
      std::invalid_argument);
  EXPECT_THROW(sig::sign_request("GET", "/relative", std::nullopt, rsa_private(), kKeyId, kNow),
               std::invalid_argument);
}

TEST(Rfc9421Policy, EachRuleRefuses) {
  const Request good = inbox_request(
      sig::sign_request("POST", kInbox, std::string_view(kActivity), rsa_private(), kKeyId, kNow));
  ASSERT_EQ(check(good), Reason::ok);
  const std::string covered = R"(("@method" "@target-uri" "@authority" "content-digest"))";
  const std::string params = R"(;created=1748341414;keyid="k")";
  auto by_hand = [&](const std::string& input) {
    Request r = good;
    sign_by_hand(r, "sig1=" + input);
    return check(r);
  };
  EXPECT_EQ(by_hand(covered + params), Reason::ok);
  EXPECT_EQ(by_hand(covered + R"(;keyid="k")"), Reason::missing_created);
  EXPECT_EQ(check(good, kNow + ap::kMaxSignatureAgeSeconds + 1), Reason::signature_too_old);
  EXPECT_EQ(check(good, kNow - ap::kMaxSignatureFutureSeconds - 1), Reason::created_in_future);
  EXPECT_EQ(by_hand(covered + params + ";expires=1748341415"), Reason::ok);
  EXPECT_EQ(by_hand(covered + params + ";expires=1748341413"), Reason::signature_expired);
  EXPECT_EQ(by_hand(covered + ";created=1748341414"), Reason::missing_key_id);
  EXPECT_EQ(by_hand(covered + params + R"(;alg="rsa-v1_5-sha256")"), Reason::ok);
  EXPECT_EQ(by_hand(covered + params + R"(;alg="rsa-pss-sha512")"), Reason::unsupported_algorithm);
  EXPECT_EQ(by_hand(covered + params + R"(;alg="hs2019")"), Reason::unsupported_algorithm);
  EXPECT_EQ(by_hand(R"(("@target-uri" "content-digest"))" + params), Reason::method_not_covered);
  EXPECT_EQ(by_hand(R"(("@method" "@authority" "content-digest"))" + params),
            Reason::target_not_covered);
  EXPECT_EQ(by_hand(R"(("@method" "@authority" "@path" "content-digest"))" + params), Reason::ok);
  EXPECT_EQ(by_hand(R"(("@method" "@target-uri"))" + params), Reason::content_digest_not_covered);
  EXPECT_EQ(by_hand(covered + params + R"(, sig2=("@method");created=1;keyid="k")"),
            Reason::multiple_signatures);

  Request query = good;  // the URL has a query: @query must be covered when @path is
  query.target += "?a=1";
  sign_by_hand(query, R"(sig1=("@method" "@authority" "@path" "content-digest"))" + params);
  EXPECT_EQ(check(query), Reason::query_not_covered);
  sign_by_hand(query,
               R"(sig1=("@method" "@authority" "@path" "@query" "content-digest"))" + params);
  EXPECT_EQ(check(query), Reason::ok);

  Request tampered = good;  // the body changed after signing
  tampered.body = R"({"type":"Undo"})";
  EXPECT_EQ(check(tampered), Reason::content_digest_mismatch);
  Request no_digest = good;
  std::erase_if(no_digest.fields, [](const auto& f) { return f.first == "Content-Digest"; });
  EXPECT_EQ(check(no_digest), Reason::missing_content_digest);
  Request bad_digest = good;
  bad_digest.fields.emplace_back("Content-Digest", "sha-256=nope");
  EXPECT_EQ(check(bad_digest), Reason::malformed_content_digest);

  Request elsewhere = good;  // signed for another server
  elsewhere.authority = "other.example";
  EXPECT_EQ(check(elsewhere), Reason::wrong_authority);

  Request garbled = good;  // sf syntax
  garbled.fields[0].second = R"(sig1=("@method" "@target-uri")";
  EXPECT_EQ(check(garbled), Reason::malformed_signature);
  Request unsigned_request = good;
  unsigned_request.fields.clear();
  EXPECT_EQ(check(unsigned_request), Reason::missing_signature);
  Request missing_header = good;
  sign_by_hand(missing_header, "sig1=" + covered + params);
  missing_header.fields.emplace_back("X-Late", "1");
  EXPECT_EQ(check(missing_header), Reason::ok);
  sign_by_hand(missing_header,
               R"(sig1=("@method" "@target-uri" "content-digest" "x-late"))" + params);
  std::erase_if(missing_header.fields, [](const auto& f) { return f.first == "X-Late"; });
  EXPECT_EQ(check(missing_header), Reason::component_missing);
  EXPECT_EQ(sig::reason_name(Reason::query_not_covered), "query_not_covered");
}

TEST(Rfc9421AcceptSignature, FormatsAndParses) {
  EXPECT_EQ(sig::make_accept_signature(),
            R"(sig1=("@method" "@target-uri" "@authority" "content-digest");created;keyid)");
  EXPECT_EQ(sig::make_accept_signature(false),
            R"(sig1=("@method" "@target-uri" "@authority");created;keyid)");
  // RFC 9421 section 5.1's example.
  auto asked = sig::parse_accept_signature(
      R"(sig1=("@method" "@target-uri" "@authority" "content-digest" "cache-control");keyid="test-key-rsa-pss";created;tag="app-123")");
  ASSERT_TRUE(asked);
  ASSERT_EQ(asked->size(), 1u);
  EXPECT_EQ((*asked)[0].label, "sig1");
  EXPECT_EQ((*asked)[0].components.size(), 5u);
  EXPECT_EQ((*asked)[0].components[4].name, "cache-control");
  EXPECT_EQ(*artdag::sf::find_parameter((*asked)[0].params, "keyid"),
            artdag::sf::BareItem{std::string("test-key-rsa-pss")});
  EXPECT_EQ(*artdag::sf::find_parameter((*asked)[0].params, "created"), artdag::sf::BareItem{true});
  EXPECT_EQ(sig::parse_accept_signature(sig::make_accept_signature())->front().components.size(),
            4u);
  EXPECT_FALSE(sig::parse_accept_signature("sig1=\"@method\""));
  EXPECT_FALSE(sig::parse_accept_signature("sig1=(@method)"));
  EXPECT_FALSE(sig::parse_accept_signature("sig1=("));
}

// --- Answering an Accept-Signature challenge (sign_as_requested, fulfils). ---

sig::SignatureRequest asked(const std::string& accept_signature) {
  auto parsed = sig::parse_accept_signature(accept_signature);
  EXPECT_TRUE(parsed && parsed->size() == 1) << accept_signature;
  return parsed && !parsed->empty() ? parsed->front() : sig::SignatureRequest{};
}

const ap::HeaderFields kContentType{{"Content-Type", "application/activity+json"}};

sig::Result<sig::SignedRequest> answer(const std::string& accept_signature,
                                       const char* url = kInbox) {
  return sig::sign_as_requested(asked(accept_signature), "POST", url, std::string_view(kActivity),
                                kContentType, rsa_private(), kKeyId, kNow);
}

// The request as sent: the signed fields, the caller's own, and the Host curl would add.
Request sent_request(const sig::SignedRequest& signed_request) {
  Request r;
  r.target = "/users/giles/inbox";
  r.body = kActivity;
  r.fields = signed_request.fields();
  r.fields.insert(r.fields.end(), kContentType.begin(), kContentType.end());
  const bool has_host = std::any_of(r.fields.begin(), r.fields.end(),
                                    [](const auto& f) { return f.first == "Host"; });
  if (!has_host) r.fields.emplace_back("Host", "example.com");
  return r;
}

TEST(Rfc9421Requested, SignsExactlyWhatIsAskedAndVerifies) {
  auto signed_request = answer(
      R"(req=("@method" "@path" "@authority" "content-digest" "date" "content-type");created;keyid;nonce="abc";tag="app")");
  ASSERT_TRUE(signed_request) << signed_request.detail;
  EXPECT_EQ(
      signed_request.value->signature_input,
      R"(req=("@method" "@path" "@authority" "content-digest" "date" "content-type");created=1748341414;keyid="https://remote.example/actor#main-key";nonce="abc";tag="app")");
  EXPECT_EQ(signed_request.value->signature.rfind("req=:", 0), 0u);
  // Date is covered, so it is sent; Host is not asked for, so curl's own goes.
  EXPECT_EQ(signed_request.value->covered_fields,
            (ap::HeaderFields{{"Date", artdag::http_date(kNow)}}));
  EXPECT_EQ(signed_request.value->content_digest, ap::make_content_digest(kActivity));
  ASSERT_EQ(signed_request.value->fields().size(), 4u);
  EXPECT_EQ(signed_request.value->fields()[0].first, "Date");

  const Request r = sent_request(*signed_request.value);
  auto checked = sig::check_incoming(r.view(), kNow + 5, "example.com");
  ASSERT_TRUE(checked) << checked.detail;
  EXPECT_EQ(checked.value->label, "req");
  EXPECT_EQ(checked.value->alg, "");  // not asked for, not sent
  const auto public_key = artdag::crypto::RsaKey::from_public_pem(read("test-key-rsa-public.pem"));
  EXPECT_TRUE(sig::verify_with_key(*checked.value, public_key).ok);
  auto parsed = sig::parse_signatures(r.fields[1].second, r.fields[2].second);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed.value->front().nonce, "abc");
  EXPECT_EQ(*parsed.value->front().tag, "app");
}

TEST(Rfc9421Requested, HonoursGivenValuesAndFillsInBareOnes) {
  auto given = answer(
      R"(sig1=("@method" "@target-uri" "host" "content-digest");created=1748340000;expires=1748349999;keyid="https://remote.example/actor#main-key";alg="rsa-v1_5-sha256")");
  ASSERT_TRUE(given) << given.detail;
  EXPECT_EQ(
      given.value->signature_input,
      R"(sig1=("@method" "@target-uri" "host" "content-digest");created=1748340000;expires=1748349999;keyid="https://remote.example/actor#main-key";alg="rsa-v1_5-sha256")");
  EXPECT_EQ(given.value->covered_fields, (ap::HeaderFields{{"Host", "example.com"}}));
  const Request r = sent_request(*given.value);
  auto checked = sig::check_incoming(r.view(), kNow, "example.com");
  ASSERT_TRUE(checked) << checked.detail;
  EXPECT_EQ(checked.value->created, 1748340000);

  auto bare = answer(
      R"(sig1=("@method" "@scheme" "@request-target" "@authority" "@path" "@query" "content-digest");alg;expires;created)");
  ASSERT_TRUE(bare) << bare.detail;
  EXPECT_EQ(
      bare.value->signature_input,
      R"(sig1=("@method" "@scheme" "@request-target" "@authority" "@path" "@query" "content-digest");alg="rsa-v1_5-sha256";expires=1748341714;created=1748341414)");
  EXPECT_TRUE(bare.value->covered_fields.empty());
  // The port and case of the authority as the base writes it.
  auto port = answer(R"(sig1=("@authority" "host");created)", "https://Example.COM:8443/inbox");
  ASSERT_TRUE(port) << port.detail;
  EXPECT_EQ(port.value->covered_fields, (ap::HeaderFields{{"Host", "example.com:8443"}}));
}

TEST(Rfc9421Requested, RefusesWhatItCannotProduce) {
  auto reason = [](const std::string& accept_signature) { return answer(accept_signature).reason; };
  const std::string covered = R"(sig1=("@method" "@target-uri" "content-digest"))";
  EXPECT_EQ(reason(covered + ";created;keyid"), Reason::ok);
  EXPECT_EQ(reason(R"(sig1=("@method" "@status"))"), Reason::unsupported_component);
  EXPECT_EQ(reason(R"(sig1=("@method" "@query-param";name="a"))"), Reason::unsupported_component);
  EXPECT_EQ(reason(R"(sig1=("@method" "@unknown"))"), Reason::unsupported_component);
  EXPECT_EQ(reason(R"(sig1=("@method" "cache-control"))"), Reason::unsupported_component);
  EXPECT_EQ(reason(R"(sig1=("@method" "content-length"))"), Reason::unsupported_component);
  EXPECT_EQ(reason(R"(sig1=("@method" "content-type";sf))"), Reason::unsupported_component);
  EXPECT_EQ(reason(R"(sig1=("@method" "Content-Type"))"), Reason::unsupported_component);
  EXPECT_EQ(reason(R"(sig1=("@method" "@method"))"), Reason::malformed_signature);
  EXPECT_EQ(reason(covered + R"(;keyid="https://other.example/actor#main-key")"),
            Reason::unsupported_parameter);
  EXPECT_EQ(reason(covered + R"(;alg="rsa-pss-sha512")"), Reason::unsupported_algorithm);
  EXPECT_EQ(reason(covered + R"(;alg="ed25519")"), Reason::unsupported_algorithm);
  EXPECT_EQ(reason(covered + ";nonce"), Reason::unsupported_parameter);
  EXPECT_EQ(reason(covered + ";tag"), Reason::unsupported_parameter);
  EXPECT_EQ(reason(covered + R"(;created="now")"), Reason::unsupported_parameter);
  EXPECT_EQ(reason(covered + ";wimse-aud=\"x\""), Reason::unsupported_parameter);
  EXPECT_EQ(reason(covered + R"(;nonce="caf\"e")"), Reason::ok);
  // No body, no content-digest.
  EXPECT_EQ(sig::sign_as_requested(asked(R"(sig1=("@method" "content-digest"))"), "GET", kInbox,
                                   std::nullopt, {}, rsa_private(), kKeyId, kNow)
                .reason,
            Reason::unsupported_component);
  EXPECT_THROW(sig::sign_as_requested(asked(covered), "POST", "/relative",
                                      std::string_view(kActivity), {}, rsa_private(), kKeyId, kNow),
               std::invalid_argument);
  EXPECT_EQ(sig::reason_name(Reason::unsupported_parameter), "unsupported_parameter");
}

TEST(Rfc9421Requested, FulfilsComparesLabelComponentsAndAskedValues) {
  const std::string ours =
      sig::sign_request("POST", kInbox, std::string_view(kActivity), rsa_private(), kKeyId, kNow)
          .signature_input;
  // What our own inbox asks for: met by what sign_request sends.
  EXPECT_TRUE(sig::fulfils(ours, asked(sig::make_accept_signature())));
  EXPECT_TRUE(
      sig::fulfils(ours, asked(R"(sig1=("@method" "@target-uri" "@authority" "content-digest"))")));
  EXPECT_TRUE(sig::fulfils(
      ours,
      asked(
          R"(sig1=("@method" "@target-uri" "@authority" "content-digest");created=1748341414;alg="rsa-v1_5-sha256")")));
  EXPECT_FALSE(
      sig::fulfils(ours, asked(R"(sig2=("@method" "@target-uri" "@authority" "content-digest"))")));
  EXPECT_FALSE(
      sig::fulfils(ours, asked(R"(sig1=("@method" "@authority" "@target-uri" "content-digest"))")));
  EXPECT_FALSE(sig::fulfils(ours, asked(R"(sig1=("@method" "@target-uri" "@authority"))")));
  EXPECT_FALSE(sig::fulfils(
      ours, asked(R"(sig1=("@method" "@target-uri" "@authority" "content-digest");nonce="abc")")));
  EXPECT_FALSE(sig::fulfils(
      ours, asked(R"(sig1=("@method" "@target-uri" "@authority" "content-digest");created=1)")));
  EXPECT_FALSE(sig::fulfils("garbage(", asked(sig::make_accept_signature())));
  // An answer fulfils its own request.
  const std::string challenge = R"(req=("@method" "@path" "@authority" "date");created;nonce="n")";
  EXPECT_TRUE(sig::fulfils(answer(challenge).value->signature_input, asked(challenge)));
}

}  // namespace
