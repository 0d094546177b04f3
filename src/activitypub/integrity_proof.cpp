#include "activitypub/integrity_proof.h"

#include <stdexcept>

#include "activitypub/jcs.h"
#include "crypto/hash.h"
#include "util/base58.h"

namespace artdag::activitypub {

namespace {

constexpr const char* kProofType = "DataIntegrityProof";
constexpr const char* kCryptosuite = "eddsa-jcs-2022";
constexpr const char* kProofPurpose = "assertionMethod";

ProofVerification fail(ProofStatus status, std::string detail, std::string method = {}) {
  return ProofVerification{status, std::move(detail), std::move(method)};
}

const std::string* string_member(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

// Section 3.3.2 step: the document's @context must start with the proof's, in order.
bool context_starts_with(const nlohmann::json& document_context,
                         const nlohmann::json& proof_context) {
  const nlohmann::json doc =
      document_context.is_array() ? document_context : nlohmann::json::array({document_context});
  const nlohmann::json proof =
      proof_context.is_array() ? proof_context : nlohmann::json::array({proof_context});
  if (proof.size() > doc.size()) return false;
  for (std::size_t i = 0; i < proof.size(); ++i)
    if (doc[i] != proof[i]) return false;
  return true;
}

}  // namespace

ProofVerification verify_activity_proof(const nlohmann::json& activity,
                                        const ProofKeyResolver& resolve_key) {
  if (!activity.is_object() || !activity.contains("signature"))
    return verify_integrity_proof(activity, resolve_key);
  nlohmann::json without_signature = activity;
  without_signature.erase("signature");
  return verify_integrity_proof(without_signature, resolve_key);
}

std::optional<std::string> integrity_proof_hash_data(const nlohmann::json& proof_config,
                                                     const nlohmann::json& document) {
  const auto canonical_config = jcs(proof_config);
  const auto canonical_document = jcs(document);
  if (!canonical_config || !canonical_document) return std::nullopt;
  return crypto::sha256(*canonical_config) + crypto::sha256(*canonical_document);
}

nlohmann::json make_integrity_proof(const nlohmann::json& document, const crypto::Ed25519Key& key,
                                    const ProofOptions& options) {
  if (!document.is_object()) throw std::invalid_argument("integrity proof: not a JSON object");
  nlohmann::json unsecured = document;
  unsecured.erase("proof");
  nlohmann::json proof = {{"type", kProofType},
                          {"cryptosuite", kCryptosuite},
                          {"verificationMethod", options.verification_method},
                          {"proofPurpose", kProofPurpose},
                          {"created", options.created}};
  if (options.copy_document_context && unsecured.contains("@context"))
    proof["@context"] = unsecured["@context"];
  const auto hash_data = integrity_proof_hash_data(proof, unsecured);
  if (!hash_data) throw std::invalid_argument("integrity proof: document has no JCS form");
  proof["proofValue"] = "z" + base58btc_encode(key.sign(*hash_data));
  return proof;
}

nlohmann::json add_integrity_proof(nlohmann::json document, const crypto::Ed25519Key& key,
                                   const ProofOptions& options) {
  nlohmann::json proof = make_integrity_proof(document, key, options);
  document["proof"] = std::move(proof);
  return document;
}

ProofVerification verify_integrity_proof(const nlohmann::json& document,
                                         const ProofKeyResolver& resolve_key) {
  if (!document.is_object() || !document.contains("proof"))
    return fail(ProofStatus::no_proof, "no integrity proof");
  const nlohmann::json* proof = &document["proof"];
  if (proof->is_array() && proof->size() == 1) proof = &(*proof)[0];
  if (!proof->is_object()) return fail(ProofStatus::malformed, "malformed integrity proof");

  const std::string* type = string_member(*proof, "type");
  const std::string* suite = string_member(*proof, "cryptosuite");
  const std::string* method = string_member(*proof, "verificationMethod");
  const std::string* purpose = string_member(*proof, "proofPurpose");
  const std::string* value = string_member(*proof, "proofValue");
  if (!type || !suite || !method || !purpose || !value || method->empty())
    return fail(ProofStatus::malformed, "malformed integrity proof");
  if (proof->contains("created") && !(*proof)["created"].is_string())
    return fail(ProofStatus::malformed, "malformed integrity proof", *method);
  if (*type != kProofType || *suite != kCryptosuite)
    return fail(ProofStatus::unsupported, "unsupported integrity proof type or cryptosuite",
                *method);
  if (*purpose != kProofPurpose)
    return fail(ProofStatus::wrong_purpose, "integrity proof purpose is not assertionMethod",
                *method);
  std::optional<std::string> signature;
  if (value->size() > 1 && value->front() == 'z') signature = base58btc_decode(value->substr(1));
  if (!signature || signature->size() != 64)
    return fail(ProofStatus::malformed, "malformed integrity proof value", *method);

  nlohmann::json unsecured = document;
  unsecured.erase("proof");
  nlohmann::json config = *proof;
  config.erase("proofValue");
  if (config.contains("@context")) {
    if (!unsecured.contains("@context") ||
        !context_starts_with(unsecured["@context"], config["@context"]))
      return fail(ProofStatus::context_mismatch,
                  "integrity proof @context does not match the document's", *method);
    unsecured["@context"] = config["@context"];
  }
  const auto hash_data = integrity_proof_hash_data(config, unsecured);
  if (!hash_data)
    return fail(ProofStatus::malformed, "document has no canonical JSON form", *method);

  const auto key = resolve_key(*method);
  if (!key) return fail(ProofStatus::unknown_key, "unknown integrity proof key", *method);
  if (!crypto::ed25519_verify(*key, *hash_data, *signature))
    return fail(ProofStatus::bad_signature, "integrity proof does not verify", *method);
  return ProofVerification{ProofStatus::valid, {}, *method};
}

}  // namespace artdag::activitypub
