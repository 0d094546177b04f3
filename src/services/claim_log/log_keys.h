#pragma once
// The claim log's identity: its origin (`{domain}/log`), the Ed25519 key that signs its
// checkpoints and the one that cosigns other logs as a witness (`{domain}/witness`). Both
// live in $ARTDAG_DATA/log-keys/ (a folder no username can name), made on first start, 0600,
// never overwritten.
#include <filesystem>
#include <string>

#include "crypto/ed25519_key.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"

namespace artdag::services::claim_log {

struct LogIdentity {
  LogIdentity(std::string domain, crypto::Ed25519Key log_key, crypto::Ed25519Key witness_key);

  std::string origin;        // "{domain}/log": the checkpoint's first line and the key name
  tlog::NoteSigner signer;   // signs checkpoints
  std::string verifier_key;  // "<origin>+<hex id>+<base64(0x01 || key)>"
  std::string witness_name;  // "{domain}/witness"
  tlog::CosignatureSigner witness;
  std::string witness_verifier_key;
};

// Loads both keys from `keys_dir` (log.ed25519, witness.ed25519), creating what is missing.
// Throws crypto::CryptoError when a key file is unusable.
LogIdentity load_log_identity(const std::string& domain, const std::filesystem::path& keys_dir);

}  // namespace artdag::services::claim_log
