#pragma once
// Integration: turning sequenced activities into the Merkle tree and a signed checkpoint.
// One integrator at a time across processes (a lease in the database); a step writes leaf
// hashes and full tiles (idempotent: the same entries always give the same bytes), checks
// that the new tree is consistent with the latest checkpoint, and publishes the new one with
// a compare-and-swap. A crash anywhere leaves at worst tiles ahead of the checkpoint, which
// the next step finds as they must be.
#include <cstdint>
#include <string>

#include "services/claim_log/log_keys.h"
#include "services/claim_log/stored_tiles.h"
#include "store/log_store.h"

namespace artdag::services::claim_log {

// The bytes of entry i: canon(activity i), the activity exactly as signed and served.
std::string log_entry(const std::string& stored_json);

class Integrator {
 public:
  static constexpr int64_t kLeaseSeconds = 10;
  // Checkpoints no witness cosigned are kept this long, then thinned to one per level-0 tile
  // once that tile is full (LogStore::purge_uncosigned_checkpoints), at most once a minute:
  // a log publishing several checkpoints a second stores about one per 256 entries, not
  // hundreds of thousands a day. Cosigned ones (the evidence) and the latest always stay.
  static constexpr int64_t kKeepUncosignedSeconds = 300;
  static constexpr int64_t kPurgeEverySeconds = 60;

  Integrator(store::LogStore& store, TileRoots& roots, const LogIdentity& identity,
             std::string owner);

  struct Step {
    int64_t size = 0;        // of the latest checkpoint after the step
    bool published = false;  // this step published it
    bool leased = false;     // this process held the lease
  };
  // Integrates up to `max_entries` new entries. Throws when the stored tree is inconsistent
  // with the latest checkpoint (nothing is published then) or the store fails.
  Step integrate_once(int64_t now, int64_t max_entries = 100000);

 private:
  store::LogStore& store_;
  TileRoots& roots_;
  const LogIdentity& identity_;
  std::string owner_;
  // Until when this process is known to hold the lease: it is renewed (a write) only when
  // less than half of it is left, not on every step. The lease only saves work; the
  // checkpoint's compare-and-swap is what keeps two integrators from forking the log.
  int64_t lease_until_ = 0;
  int64_t next_purge_at_ = 0;
};

}  // namespace artdag::services::claim_log
