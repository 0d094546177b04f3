#pragma once
// Submits our checkpoints to the witnesses in ARTDAG_WITNESSES (c2sp.org/tlog-witness), in a
// thread of its own, never on the claim path. Each witness gets the newest checkpoint with a
// consistency proof from the size it last cosigned (unknown at first: it says, with a 409);
// a failing witness (no answer, 404, anything but 200/409) is tried again every 5 s while it
// is behind. A cosignature is checked against the witness's key before it is stored; the
// checkpoint is then served with it (ClaimLogService::checkpoint).
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "services/claim_log/stored_tiles.h"
#include "store/log_store.h"
#include "tlog/note.h"

namespace artdag::services::claim_log {

struct WitnessTarget {
  tlog::VerifierKey key;  // the witness's cosigner key (type 0x04)
  std::string url;        // its prefix: we POST to url + "/add-checkpoint"
};

class WitnessSubmitter {
 public:
  static constexpr int64_t kRetrySeconds = 5;

  WitnessSubmitter(store::LogStore& store, TileRoots& roots, net::OutboundPolicy policy,
                   std::vector<WitnessTarget> witnesses);
  ~WitnessSubmitter();  // stop()

  // ARTDAG_WITNESSES: "KEY URL" pairs separated by commas, KEY a cosigner verifier key and
  // URL the witness's http(s) prefix. Throws ConfigError naming the entry that is wrong.
  static std::vector<WitnessTarget> parse_witnesses(std::string_view setting);

  // One round at `now`: every witness that is behind and due gets the latest checkpoint.
  void submit_once(int64_t now);
  void start();  // no thread when there are no witnesses
  void stop();

  struct WitnessStatus {
    std::string name;
    std::optional<std::uint64_t> cosigned_size;  // as far as this process knows
    std::string last_error;
  };
  std::vector<WitnessStatus> status() const;

 private:
  struct Known {
    std::optional<std::uint64_t> size;  // the size this witness last cosigned
    int64_t retry_at = 0;
    std::string last_error;
  };
  void submit_to(std::size_t i, const store::LogCheckpoint& latest, int64_t now);
  void run();

  store::LogStore& store_;
  TileRoots& roots_;
  net::HttpClient client_;
  std::vector<WitnessTarget> witnesses_;
  mutable std::mutex mutex_;
  std::vector<Known> known_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace artdag::services::claim_log
