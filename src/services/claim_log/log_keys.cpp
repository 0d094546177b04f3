#include "services/claim_log/log_keys.h"

namespace artdag::services::claim_log {

LogIdentity::LogIdentity(std::string domain, crypto::Ed25519Key log_key,
                         crypto::Ed25519Key witness_key)
    : origin(domain + "/log"),
      signer(origin, log_key),
      verifier_key(tlog::format_verifier_key(signer.verifier_key())),
      witness_name(domain + "/witness"),
      witness(witness_name, witness_key),
      witness_verifier_key(tlog::format_verifier_key(witness.verifier_key())) {}

LogIdentity load_log_identity(const std::string& domain, const std::filesystem::path& keys_dir) {
  return LogIdentity(domain, crypto::Ed25519Key::load_or_create(keys_dir / "log.ed25519"),
                     crypto::Ed25519Key::load_or_create(keys_dir / "witness.ed25519"));
}

}  // namespace artdag::services::claim_log
