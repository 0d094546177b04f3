// FEP-8b32 integrity proofs with eddsa-jcs-2022: the W3C vc-di-eddsa vector
// (tests/data/eddsa-jcs-2022) and an ActivityPub one, both reproduced byte for byte (Ed25519
// is deterministic), and documents that must not verify.
#include "activitypub/integrity_proof.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "activitypub/jcs.h"
#include "activitypub/multikey.h"
#include "crypto/hash.h"

namespace ap = artdag::activitypub;
using nlohmann::json;

namespace {

std::string read(const std::string& name) {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/eddsa-jcs-2022/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

const artdag::crypto::Ed25519Key& vector_key() {
  static const auto key = artdag::crypto::Ed25519Key::from_seed(
      from_hex("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"));
  return key;
}

ap::ProofKeyResolver resolver_for(std::string method) {
  return [method](std::string_view asked) -> std::optional<artdag::crypto::Ed25519PublicKey> {
    if (asked != method) return std::nullopt;
    return vector_key().public_key();
  };
}

const char* kDidKeyMethod =
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#"
    "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

TEST(IntegrityProof, W3cVectorIntermediateValues) {
  const json unsigned_doc = json::parse(read("unsigned.json"));
  const json config = json::parse(read("proofConfigJCS.json"));
  EXPECT_EQ(*ap::jcs(unsigned_doc), read("canonDocJCS.txt"));
  EXPECT_EQ(*ap::jcs(config), read("proofCanonJCS.txt"));
  EXPECT_EQ(artdag::crypto::hex_encode(*ap::integrity_proof_hash_data(config, unsigned_doc)),
            read("combinedHashJCS.txt"));
}

TEST(IntegrityProof, ReproducesTheW3cVector) {
  const json unsigned_doc = json::parse(read("unsigned.json"));
  const json signed_doc =
      ap::add_integrity_proof(unsigned_doc, vector_key(), {kDidKeyMethod, "2023-02-24T23:36:38Z"});
  EXPECT_EQ(signed_doc, json::parse(read("signedJCS.json")));
  EXPECT_EQ(signed_doc["proof"]["proofValue"], read("sigBTC58JCS.txt"));
}

TEST(IntegrityProof, VerifiesTheW3cVector) {
  const json signed_doc = json::parse(read("signedJCS.json"));
  const auto result = ap::verify_integrity_proof(signed_doc, resolver_for(kDidKeyMethod));
  EXPECT_TRUE(result.ok()) << result.detail;
  EXPECT_EQ(result.verification_method, kDidKeyMethod);
}

// FEP-8b32's ActivityPub example: a Create whose proof carries no @context of its own.
const char* kActivity =
    R"({"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/data-integrity/v1"],"type":"Create","actor":"https://server.example/users/alice","object":{"type":"Note","content":"Hello world"}})";
const char* kActivityMethod = "https://server.example/users/alice#ed25519-key";
const char* kActivityProofValue =
    "z3sXaxjKs4M3BRicwWA9peyNPJvJqxtGsDmpt1jjoHCjgeUf71TRFz56osPSfDErszyLp5Ks1EhYSgpDaNM977Rg2";

TEST(IntegrityProof, ReproducesTheFep8b32Example) {
  ap::ProofOptions options{kActivityMethod, "2023-02-24T23:36:38Z", false};
  const json proof = ap::make_integrity_proof(json::parse(kActivity), vector_key(), options);
  EXPECT_EQ(proof["proofValue"], kActivityProofValue);
  EXPECT_FALSE(proof.contains("@context"));
  EXPECT_EQ(proof["type"], "DataIntegrityProof");
  EXPECT_EQ(proof["cryptosuite"], "eddsa-jcs-2022");
  EXPECT_EQ(proof["proofPurpose"], "assertionMethod");

  json signed_doc = json::parse(kActivity);
  signed_doc["proof"] = proof;
  EXPECT_TRUE(ap::verify_integrity_proof(signed_doc, resolver_for(kActivityMethod)).ok());
  // With the document's @context copied in (the cryptosuite's default) it verifies as well.
  options.copy_document_context = true;
  const json with_context = ap::add_integrity_proof(json::parse(kActivity), vector_key(), options);
  EXPECT_TRUE(with_context["proof"].contains("@context"));
  EXPECT_NE(with_context["proof"]["proofValue"], kActivityProofValue);
  EXPECT_TRUE(ap::verify_integrity_proof(with_context, resolver_for(kActivityMethod)).ok());
}

TEST(IntegrityProof, AnActorsMultikeyResolvesTheProof) {
  const json actor = {
      {"id", "https://server.example/users/alice"},
      {"assertionMethod", json::array({ap::ed25519_multikey_entry(
                              "https://server.example/users/alice", vector_key().public_key())})}};
  const json signed_doc = ap::add_integrity_proof(json::parse(kActivity), vector_key(),
                                                  {kActivityMethod, "2023-02-24T23:36:38Z"});
  const auto result = ap::verify_integrity_proof(signed_doc, [&](std::string_view method) {
    return ap::find_ed25519_assertion_key(actor, method);
  });
  EXPECT_TRUE(result.ok()) << result.detail;
}

TEST(IntegrityProof, TamperedDocumentsFail) {
  const json good = json::parse(read("signedJCS.json"));
  const auto resolve = resolver_for(kDidKeyMethod);
  auto status = [&](const json& doc) { return ap::verify_integrity_proof(doc, resolve).status; };

  json changed = good;
  changed["name"] = "Alumni Credential!";
  EXPECT_EQ(status(changed), ap::ProofStatus::bad_signature);
  changed = good;
  changed["proof"]["created"] = "2023-02-24T23:36:39Z";
  EXPECT_EQ(status(changed), ap::ProofStatus::bad_signature);
  changed = good;
  changed["proof"]["proofValue"] = "z" + std::string(87, '2');
  EXPECT_NE(status(changed), ap::ProofStatus::valid);
  changed = good;
  changed["@context"] = json::array({"https://www.w3.org/ns/credentials/v2"});
  EXPECT_EQ(status(changed), ap::ProofStatus::context_mismatch);
  changed = good;
  changed["proof"]["cryptosuite"] = "eddsa-rdfc-2022";
  EXPECT_EQ(status(changed), ap::ProofStatus::unsupported);
  changed = good;
  changed["proof"]["proofPurpose"] = "authentication";
  EXPECT_EQ(status(changed), ap::ProofStatus::wrong_purpose);
  changed = good;
  changed["proof"]["verificationMethod"] = "https://evil.example/key";
  EXPECT_EQ(status(changed), ap::ProofStatus::unknown_key);
  changed = good;
  changed["proof"]["proofValue"] = 7;
  EXPECT_EQ(status(changed), ap::ProofStatus::malformed);
  changed = good;
  changed["proof"]["proofValue"] = "u" + good["proof"]["proofValue"].get<std::string>().substr(1);
  EXPECT_EQ(status(changed), ap::ProofStatus::malformed);
  changed = good;
  changed["proof"] = json::array({good["proof"], good["proof"]});
  EXPECT_EQ(status(changed), ap::ProofStatus::malformed);
  changed = good;
  changed.erase("proof");
  EXPECT_EQ(status(changed), ap::ProofStatus::no_proof);
  changed = good;
  changed["extra"] = std::numeric_limits<double>::infinity();
  EXPECT_EQ(status(changed), ap::ProofStatus::malformed);
  EXPECT_EQ(status(json::array()), ap::ProofStatus::no_proof);
}

TEST(IntegrityProof, RefusesDocumentsWithoutAJcsForm) {
  json doc = {{"n", (int64_t{1} << 53) + 1}};
  EXPECT_THROW(ap::make_integrity_proof(doc, vector_key(), {kActivityMethod, "x"}),
               std::invalid_argument);
  EXPECT_THROW(ap::make_integrity_proof(json::array(), vector_key(), {kActivityMethod, "x"}),
               std::invalid_argument);
}

}  // namespace
