#include "activitypub/ld_signature.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "activitypub/canon.h"
#include "crypto/hash.h"

namespace artdag::activitypub {
namespace {

// tests/data/claim-vector was produced by Python's json.dumps and `openssl dgst -sign`
// (see its README.md), independently of this code.
std::string vector_file(const std::string& name, const std::string& dir = "claim-vector") {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/" + dir + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ClaimVector {
  Json activity = Json::parse(vector_file("activity.json"));
  Json claim = Json::parse(vector_file("claim.json"));
  std::string creator = claim.at("creator").get<std::string>();
  std::string created = claim.at("created").get<std::string>();
  crypto::RsaKey private_key = crypto::RsaKey::from_private_pem(vector_file("private-key.pem"));
  crypto::RsaKey public_key = crypto::RsaKey::from_public_pem(vector_file("public-key.pem"));
  Json signed_activity = Json::parse(vector_file("signed-activity.json"));
};

const ClaimVector& claim_vector() {
  static const ClaimVector vector;
  return vector;
}

TEST(LdSignature, VectorCanonicalFormsMatchPython) {
  const ClaimVector& v = claim_vector();
  const Json options = {{"@context", "https://w3id.org/security/v1"},
                        {"type", "RsaSignature2017"},
                        {"creator", v.creator},
                        {"created", v.created}};
  EXPECT_EQ(canonical_json(options), vector_file("options.canon"));
  EXPECT_EQ(canonical_json(v.activity), vector_file("document.canon"));
}

TEST(LdSignature, VectorSigningInputMatches) {
  const ClaimVector& v = claim_vector();
  const std::string to_sign = claim_signing_input(v.activity, v.creator, v.created);
  EXPECT_EQ(to_sign.size(), 64u);
  EXPECT_EQ(crypto::hex_encode(to_sign), vector_file("to-sign.hex"));
}

TEST(LdSignature, VectorSignatureReproducedByteForByte) {
  const ClaimVector& v = claim_vector();
  const Json signature = make_claim_signature(v.activity, v.private_key, v.creator, v.created);
  EXPECT_EQ(signature, (Json{{"type", "RsaSignature2017"},
                             {"creator", v.creator},
                             {"created", v.created},
                             {"signatureValue", vector_file("signature-value.txt")}}));
  EXPECT_EQ(sign_activity(v.activity, v.private_key, v.creator, v.created), v.signed_activity);
}

// The same claim with the UUID id every claim has since the claim log (claim-vector-uuid),
// reproduced byte for byte from its independent generation.
TEST(LdSignature, UuidIdVectorReproducedByteForByte) {
  const std::string dir = "claim-vector-uuid";
  const Json activity = Json::parse(vector_file("activity.json", dir));
  const Json claim = Json::parse(vector_file("claim.json", dir));
  const std::string creator = claim.at("creator"), created = claim.at("created");
  const auto key = crypto::RsaKey::from_private_pem(vector_file("private-key.pem", dir));
  EXPECT_EQ(canonical_json(activity), vector_file("document.canon", dir));
  EXPECT_EQ(crypto::hex_encode(claim_signing_input(activity, creator, created)),
            vector_file("to-sign.hex", dir));
  const Json signed_activity = sign_activity(activity, key, creator, created);
  EXPECT_EQ(signed_activity, Json::parse(vector_file("signed-activity.json", dir)));
  EXPECT_EQ(signed_activity["signature"]["signatureValue"], vector_file("signature-value.txt", dir));
  EXPECT_TRUE(verify_claim(signed_activity,
                           crypto::RsaKey::from_public_pem(vector_file("public-key.pem", dir)))
                  .valid);
}

TEST(LdSignature, VectorVerifies) {
  const ClaimVector& v = claim_vector();
  const ClaimVerification result = verify_claim(v.signed_activity, v.public_key);
  EXPECT_TRUE(result.valid) << result.reason;
  EXPECT_EQ(result.reason, "");
  // The private key's public half verifies too.
  EXPECT_TRUE(verify_claim(v.signed_activity, v.private_key).valid);
}

TEST(LdSignature, VerificationIgnoresFormattingAndMemberOrder) {
  const ClaimVector& v = claim_vector();
  // The file on disk is pretty-printed with keys in arbitrary order; what is signed is the
  // canonical form, so any re-serialisation of the same JSON verifies.
  const Json reparsed = Json::parse(v.signed_activity.dump(4, ' ', true));
  EXPECT_TRUE(verify_claim(reparsed, v.public_key).valid);
}

TEST(LdSignature, SignAndVerifyRoundTripWithAFreshKey) {
  const ClaimVector& v = claim_vector();
  const crypto::RsaKey key = crypto::RsaKey::generate();
  const Json signed_activity = sign_activity(
      v.activity, key, "https://example.org/users/ann#main-key", "2026-02-01T00:00:00Z");
  const crypto::RsaKey public_key = crypto::RsaKey::from_public_pem(key.public_pem());
  EXPECT_TRUE(verify_claim(signed_activity, public_key).valid);
  // And not with anyone else's key.
  const ClaimVerification other = verify_claim(signed_activity, v.public_key);
  EXPECT_FALSE(other.valid);
  EXPECT_EQ(other.reason, "signature does not match");
}

TEST(LdSignature, AnExistingSignatureMemberIsNotSigned) {
  const ClaimVector& v = claim_vector();
  Json with_old_signature = v.activity;
  with_old_signature["signature"] = {{"type", "RsaSignature2017"}, {"signatureValue", "old"}};
  EXPECT_EQ(make_claim_signature(with_old_signature, v.private_key, v.creator, v.created),
            v.signed_activity.at("signature"));
  EXPECT_EQ(sign_activity(with_old_signature, v.private_key, v.creator, v.created),
            v.signed_activity);
}

// Changes one leaf value to a different value of a plausible kind.
Json altered(const Json& leaf) {
  switch (leaf.type()) {
    case Json::value_t::string:
      return leaf.get<std::string>() + "x";
    case Json::value_t::boolean:
      return !leaf.get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return leaf.get<int64_t>() + 1;
    case Json::value_t::null:
      return "";
    default:
      return nullptr;
  }
}

TEST(LdSignature, ChangingAnyLeafBreaksVerification) {
  const ClaimVector& v = claim_vector();
  const Json leaves = v.signed_activity.flatten();  // JSON pointer -> leaf value
  ASSERT_GT(leaves.size(), 30u);
  for (const auto& [pointer_text, leaf] : leaves.items()) {
    Json tampered = v.signed_activity;
    tampered[Json::json_pointer(pointer_text)] = altered(leaf);
    const ClaimVerification result = verify_claim(tampered, v.public_key);
    EXPECT_FALSE(result.valid) << "changing " << pointer_text << " went unnoticed";
    if (pointer_text.rfind("/signature/", 0) != 0) {
      EXPECT_EQ(result.reason, "signature does not match") << pointer_text;
    }
  }
}

TEST(LdSignature, SubtleChangesBreakVerification) {
  const ClaimVector& v = claim_vector();
  const auto fails = [&](const Json& tampered) {
    return !verify_claim(tampered, v.public_key).valid;
  };
  Json tampered = v.signed_activity;
  tampered["object"]["name"] = "Cafe \u2014 \u65e5\u672c \U0001F3A8";  // é -> e
  EXPECT_TRUE(fails(tampered));
  tampered = v.signed_activity;
  tampered["object"]["provenance"]["frames"] = "240";  // same digits, a string
  EXPECT_TRUE(fails(tampered));
  tampered = v.signed_activity;
  tampered["object"]["tag"][0].swap(tampered["object"]["tag"][1]);  // array order matters
  EXPECT_TRUE(fails(tampered));
  tampered = v.signed_activity;
  tampered["object"]["provenance"]["license"] = Json::object();
  EXPECT_TRUE(fails(tampered));
}

TEST(LdSignature, RemovingOrAddingAnyMemberBreaksVerification) {
  const ClaimVector& v = claim_vector();
  // Every object inside the document (the signature block aside), by JSON pointer.
  std::vector<Json::json_pointer> objects = {Json::json_pointer("")};
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const Json& object = v.signed_activity.at(objects[i]);
    for (const auto& [key, member] : object.items()) {
      if (objects[i].empty() && key == "signature") continue;
      if (member.is_object()) objects.push_back(objects[i] / key);
      if (member.is_array())
        for (std::size_t k = 0; k < member.size(); ++k)
          if (member[k].is_object()) objects.push_back(objects[i] / key / k);
    }
  }
  ASSERT_GE(objects.size(), 7u);  // root, object, contentHash, provenance, three tags
  for (const auto& pointer : objects) {
    for (const auto& [key, member] : v.signed_activity.at(pointer).items()) {
      if (pointer.empty() && key == "signature") continue;
      Json tampered = v.signed_activity;
      tampered.at(pointer).erase(key);
      EXPECT_FALSE(verify_claim(tampered, v.public_key).valid)
          << "removing " << pointer.to_string() << "/" << key << " went unnoticed";
    }
    Json tampered = v.signed_activity;
    tampered.at(pointer)["injected"] = "x";
    EXPECT_FALSE(verify_claim(tampered, v.public_key).valid)
        << "adding a member to " << pointer.to_string() << " went unnoticed";
  }
}

TEST(LdSignature, ReasonsForMalformedSignatureBlocks) {
  const ClaimVector& v = claim_vector();
  const auto reason = [&](const Json& activity) {
    const ClaimVerification result = verify_claim(activity, v.public_key);
    EXPECT_FALSE(result.valid);
    return result.reason;
  };
  const auto with_signature_change = [&](auto change) {
    Json activity = v.signed_activity;
    change(activity["signature"]);
    return activity;
  };

  EXPECT_EQ(reason(v.activity), "no signature block");
  EXPECT_EQ(reason(Json::array()), "activity is not a JSON object");
  Json not_an_object = v.signed_activity;
  not_an_object["signature"] = "abc";
  EXPECT_EQ(reason(not_an_object), "no signature block");

  const std::string unsupported = "unsupported signature type (expected RsaSignature2017)";
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["type"] = "Ed25519Signature2018"; })),
            unsupported);
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s.erase("type"); })), unsupported);
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["type"] = 2017; })), unsupported);

  EXPECT_EQ(reason(with_signature_change([](Json& s) { s.erase("creator"); })),
            "signature is missing creator");
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["creator"] = nullptr; })),
            "signature is missing creator");
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s.erase("created"); })),
            "signature is missing created");
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["created"] = 1768480496; })),
            "signature is missing created");
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s.erase("signatureValue"); })),
            "signature is missing signatureValue");
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["signatureValue"] = Json::array(); })),
            "signature is missing signatureValue");

  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["signatureValue"] = "not base64!"; })),
            "signatureValue is not base64");
  EXPECT_EQ(reason(with_signature_change([](Json& s) {
              s["signatureValue"] = s["signatureValue"].get<std::string>() + "\n";
            })),
            "signatureValue is not base64");
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["signatureValue"] = "AAAA"; })),
            "signature does not match");
  EXPECT_EQ(reason(with_signature_change([](Json& s) { s["signatureValue"] = ""; })),
            "signature does not match");

  Json with_float = v.signed_activity;
  with_float["object"]["ratio"] = 1.5;
  EXPECT_EQ(reason(with_float).rfind("activity cannot be canonicalised", 0), 0u);
}

TEST(LdSignature, ExtraSignatureMembersAreIgnored) {
  // Only type, creator, created and signatureValue take part; other members (a nonce a
  // foreign implementation adds, say) do not change the outcome.
  Json activity = claim_vector().signed_activity;
  activity["signature"]["nonce"] = "abc";
  EXPECT_TRUE(verify_claim(activity, claim_vector().public_key).valid);
}

TEST(LdSignature, SigningRefusesNonObjectsAndFloats) {
  const ClaimVector& v = claim_vector();
  EXPECT_THROW(make_claim_signature(Json::array(), v.private_key, v.creator, v.created),
               std::invalid_argument);
  Json with_float = v.activity;
  with_float["object"]["ratio"] = 0.5;
  EXPECT_THROW(make_claim_signature(with_float, v.private_key, v.creator, v.created),
               std::invalid_argument);
  EXPECT_THROW(make_claim_signature(v.activity, v.public_key, v.creator, v.created),
               crypto::CryptoError);
}

}  // namespace
}  // namespace artdag::activitypub
