#pragma once
// FEP-8b32 Object Integrity Proofs with the eddsa-jcs-2022 cryptosuite (W3C Data Integrity
// EdDSA Cryptosuites v1.0, section 3.3):
//   hashData   = SHA-256(JCS(proof config)) || SHA-256(JCS(document without "proof"))
//   proofValue = "z" + base58btc(Ed25519 signature of hashData)
// The proof config is the proof without proofValue. Pure code: no I/O; the caller resolves
// verificationMethod to a key (for activities: a Multikey in the actor's assertionMethod,
// see multikey.h, whose actor must be the activity's actor).
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519_key.h"

namespace artdag::activitypub {

struct ProofOptions {
  std::string verification_method;  // e.g. "<actor>#ed25519-key"
  std::string created;              // "2023-02-24T23:36:38Z" (util/time.h iso8601_utc)
  // Copy the document's @context into the proof, as the cryptosuite's createProof says
  // (section 3.3.1). FEP-8b32's examples leave it out; verification accepts both.
  bool copy_document_context = true;
};

// The `proof` object for `document` (a JSON object; any "proof" member it has is ignored):
// type DataIntegrityProof, cryptosuite eddsa-jcs-2022, verificationMethod, proofPurpose
// assertionMethod, created, [@context], proofValue. Throws std::invalid_argument when the
// document is not an object or has no JCS form (floats that are not finite, integers
// beyond 2^53, invalid UTF-8).
nlohmann::json make_integrity_proof(const nlohmann::json& document, const crypto::Ed25519Key& key,
                                    const ProofOptions& options);

// `document` with `"proof": make_integrity_proof(...)` set.
nlohmann::json add_integrity_proof(nlohmann::json document, const crypto::Ed25519Key& key,
                                   const ProofOptions& options);

enum class ProofStatus {
  valid,
  no_proof,          // no "proof" member
  malformed,         // proof not an object (or a one-element array of one), members
                     // missing or not strings, proofValue not z-base58btc of 64 bytes,
                     // or the document has no JCS form
  unsupported,       // type not DataIntegrityProof or cryptosuite not eddsa-jcs-2022
  wrong_purpose,     // proofPurpose is not assertionMethod
  context_mismatch,  // the proof's @context is not a prefix of the document's
  unknown_key,       // the resolver had no key for verificationMethod
  bad_signature,
};

// The key for a verificationMethod id, or std::nullopt.
using ProofKeyResolver =
    std::function<std::optional<crypto::Ed25519PublicKey>(std::string_view verification_method)>;

struct ProofVerification {
  ProofStatus status = ProofStatus::malformed;
  std::string detail;               // for a 401 body or a log line; empty when valid
  std::string verification_method;  // as the proof names it, when it could be read
  bool ok() const { return status == ProofStatus::valid; }
};

// Verifies the single proof of `document` (vc-di-eddsa section 3.3.2). The resolver is
// called at most once, after every check that needs no key. Never throws unless the
// resolver does.
ProofVerification verify_integrity_proof(const nlohmann::json& document,
                                         const ProofKeyResolver& resolve_key);

// An activity's proof: with an LD signature present (a `signature` member, as every Art DAG
// claim has), the proof was made first, so the signature is stripped before the proof is
// checked (what Fedify, Mitra and the others that emit both do). Otherwise the same as
// verify_integrity_proof.
ProofVerification verify_activity_proof(const nlohmann::json& activity,
                                        const ProofKeyResolver& resolve_key);

// The bytes that are signed, exposed for tests and tools: SHA-256(JCS(proof_config)) ||
// SHA-256(JCS(document)). std::nullopt when either has no JCS form.
std::optional<std::string> integrity_proof_hash_data(const nlohmann::json& proof_config,
                                                     const nlohmann::json& document);

}  // namespace artdag::activitypub
