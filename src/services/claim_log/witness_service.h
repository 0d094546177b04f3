#pragma once
// The witness (c2sp.org/tlog-witness): cosigns checkpoints of the logs it was told to trust
// (ARTDAG_WITNESS_FOR: their verifier keys), each only when it extends the last checkpoint
// it cosigned for that log. That state is in the database and replaced by compare-and-swap,
// so restarts, crashes and several processes on one database never cosign two inconsistent
// checkpoints of one log.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/log_store.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"

namespace artdag::services::claim_log {

class WitnessService {
 public:
  WitnessService(store::LogStore& store, const tlog::CosignatureSigner& signer,
                 std::vector<tlog::VerifierKey> trusted_logs);

  // ARTDAG_WITNESS_FOR: verifier keys separated by commas or white space. Throws ConfigError
  // naming the first one that does not parse or is not an Ed25519 note key.
  static std::vector<tlog::VerifierKey> parse_trusted_logs(std::string_view setting);

  struct Answer {
    int status = 200;
    std::string content_type;  // text/plain; charset=utf-8, or text/x.tlog.size for a 409
    std::string body;          // the cosignature line, the stored size, or the reason
  };
  // POST add-checkpoint with `body` at `now` (seconds): C2SP's checks in its order, then the
  // cosignature and the new state, or the refusal.
  Answer add_checkpoint(std::string_view body, int64_t now);

  const std::vector<tlog::VerifierKey>& trusted_logs() const { return trusted_; }

 private:
  store::LogStore& store_;
  const tlog::CosignatureSigner& signer_;
  std::vector<tlog::VerifierKey> trusted_;
};

}  // namespace artdag::services::claim_log
