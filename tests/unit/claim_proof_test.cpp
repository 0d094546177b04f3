// A claim's two signatures (docs/protocol.md "The ownership signature"): the FEP-8b32 proof
// first, then the RsaSignature2017 over the document that holds it. tests/data/claim-vector-proof
// was made by its generate.py with Python and the openssl tool, independently of this code;
// sign_for_log reproduces it byte for byte (Ed25519 and PKCS#1 v1.5 are deterministic).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "activitypub/canon.h"
#include "activitypub/integrity_proof.h"
#include "activitypub/jcs.h"
#include "activitypub/ld_signature.h"
#include "crypto/hash.h"
#include "services/claim_log/log_activity.h"
#include "util/error.h"

namespace artdag::services::claim_log {
namespace {

std::string vector_file(const std::string& name) {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/claim-vector-proof/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

struct ProofVector {
  Json activity = Json::parse(vector_file("activity.json"));
  Json claim = Json::parse(vector_file("claim.json"));
  std::string created = claim.at("created");
  ActorSigner signer{crypto::RsaKey::from_private_pem(vector_file("private-key.pem")),
                     claim.at("creator"),
                     crypto::Ed25519Key::from_seed(from_hex(vector_file("ed25519-seed.hex"))),
                     "https://artdag.rose-ash.com/users/giles#ed25519-key"};
  Json signed_activity = Json::parse(vector_file("signed-activity.json"));

  activitypub::ProofKeyResolver resolver() const {
    return [this](std::string_view id) -> std::optional<crypto::Ed25519PublicKey> {
      if (id == signer.proof_key_id) return signer.ed25519.public_key();
      return std::nullopt;
    };
  }
};

const ProofVector& proof_vector() {
  static const ProofVector vector;
  return vector;
}

TEST(ClaimProof, IntermediateFormsMatchTheVector) {
  const ProofVector& v = proof_vector();
  EXPECT_EQ(activitypub::jcs(v.activity).value(), vector_file("document.jcs"));
  Json config = v.signed_activity.at("proof");
  config.erase("proofValue");
  EXPECT_EQ(activitypub::jcs(config).value(), vector_file("proof-config.jcs"));
  EXPECT_EQ(crypto::hex_encode(activitypub::integrity_proof_hash_data(config, v.activity).value()),
            vector_file("hash-data.hex"));
}

TEST(ClaimProof, SignForLogReproducesTheVectorByteForByte) {
  const ProofVector& v = proof_vector();
  const SignedActivity out =
      sign_for_log(v.activity, v.signer, "giles", std::string(64, 'a'), v.created);
  EXPECT_EQ(out.document, v.signed_activity);
  EXPECT_EQ(out.document["proof"]["proofValue"], vector_file("proof-value.txt"));
  EXPECT_EQ(out.document["signature"]["signatureValue"], vector_file("signature-value.txt"));
  // The RSA signature covers the proof: the Art DAG canon of the document that holds it.
  Json with_proof = out.document;
  with_proof.erase("signature");
  EXPECT_EQ(activitypub::canonical_json(with_proof), vector_file("document.canon"));
  EXPECT_EQ(out.sequenced.json, activitypub::canonical_json(out.document));
}

TEST(ClaimProof, BothSignaturesVerifyAndEachCatchesTampering) {
  const ProofVector& v = proof_vector();
  const auto rsa_public = crypto::RsaKey::from_public_pem(v.signer.rsa.public_pem());
  EXPECT_TRUE(activitypub::verify_claim(v.signed_activity, rsa_public).valid);
  const auto proof = activitypub::verify_activity_proof(v.signed_activity, v.resolver());
  EXPECT_TRUE(proof.ok()) << proof.detail;
  EXPECT_EQ(proof.verification_method, v.signer.proof_key_id);
  // Checked over the whole document with the signature in it, the proof does not hold: the
  // signature came after it.
  EXPECT_EQ(activitypub::verify_integrity_proof(v.signed_activity, v.resolver()).status,
            activitypub::ProofStatus::bad_signature);

  Json tampered = v.signed_activity;
  tampered["object"]["name"] = "Someone else's";
  EXPECT_FALSE(activitypub::verify_claim(tampered, rsa_public).valid);
  EXPECT_EQ(activitypub::verify_activity_proof(tampered, v.resolver()).status,
            activitypub::ProofStatus::bad_signature);
  // Swapping the proof's time breaks both: the RSA signature covers the proof too.
  Json moved = v.signed_activity;
  moved["proof"]["created"] = "2020-01-01T00:00:00Z";
  EXPECT_FALSE(activitypub::verify_claim(moved, rsa_public).valid);
  EXPECT_FALSE(activitypub::verify_activity_proof(moved, v.resolver()).ok());
}

TEST(ClaimProof, AnOversizedClaimIsRefusedWith422) {
  const ProofVector& v = proof_vector();
  Json big = v.activity;
  big["object"]["description"] = std::string(70000, 'x');
  try {
    sign_for_log(big, v.signer, "giles", std::string(64, 'a'), v.created);
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 422);
  }
}

}  // namespace
}  // namespace artdag::services::claim_log
