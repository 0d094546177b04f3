#pragma once
// The claim log, served: the checkpoint, the verifier key, tiles and entry bundles, and
// tlog-proofs of single entries (docs/protocol.md "The claim log"); and, in `serve`, the
// background integrator that keeps every acknowledged entry in a published checkpoint
// within a second.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "activitypub/uris.h"
#include "services/claim_log/integrator.h"
#include "services/claim_log/log_keys.h"
#include "store/log_store.h"
#include "util/json.h"

namespace artdag::services::claim_log {

class ClaimLogService {
 public:
  ClaimLogService(store::LogStore& store, LogIdentity identity, const activitypub::Uris& uris);
  ~ClaimLogService();  // stop()
  ClaimLogService(const ClaimLogService&) = delete;
  ClaimLogService& operator=(const ClaimLogService&) = delete;

  const LogIdentity& identity() const { return identity_; }
  std::string prefix() const;  // BASE/log
  // NodeInfo `metadata.claimLog`: prefix, origin, key, witness_key.
  Json metadata() const;

  // The latest checkpoint note with every cosignature received for it; ApiError 503 before
  // the first one is published.
  std::string checkpoint();
  // A tile or entry bundle by its path after `tile/` … as C2SP tlog-tiles names it
  // ("0/x001/234.p/5", "entries/000"). ApiError 400 for a path that is not one, 404 for a
  // tile beyond the latest checkpoint or a partial width no checkpoint had.
  struct TileAnswer {
    std::string bytes;
    bool immutable = false;  // a full tile or bundle: cache it for ever
  };
  TileAnswer tile(std::string_view path);
  // The c2sp.org/tlog-proof@v1 of entry `index` against the latest checkpoint; ApiError 404
  // (with Retry-After while it is waiting for integration).
  std::string proof(int64_t index);
  // The same for an activity id (a UUID id or an index URL of this server).
  std::string proof_for_id(const std::string& activity_id);
  std::string proof_url(int64_t index) const;
  // Evidence: the tlog-proof of entry `index` against the first checkpoint containing it that
  // a witness cosigned, with its cosignatures. It only ever moves to an earlier checkpoint
  // (a witness that was behind may cosign an older one late). ApiError 404 until then.
  std::string evidence(int64_t index);
  std::string evidence_for_id(const std::string& activity_id);
  // Where entry `index` is: the latest checkpoint size when it is in it.
  std::optional<int64_t> checkpoint_size_containing(int64_t index);
  // The latest checkpoint (size, root as hex, note, time), if one was published.
  std::optional<store::LogCheckpoint> latest_checkpoint() { return store_.latest_checkpoint(); }

  // The integrator: start() runs steps in a thread of its own until stop(), woken by
  // notify() after every new entry and every 200 ms (other processes' entries). Under a
  // steady stream of claims a step runs at most every kMinStepInterval, so each checkpoint
  // takes in a batch of entries (a step costs a few reads, writes and a signature).
  static constexpr std::chrono::milliseconds kMinStepInterval{100};
  void start();
  void stop();
  void notify();
  TileRoots& tile_roots() { return tile_roots_; }

 private:
  void run();
  std::string entry_bundle(uint64_t index, unsigned width);
  // The tlog-proof of entry `index` in the tree of `size` under the `checkpoint` note.
  std::string proof_at(int64_t index, int64_t size, std::string checkpoint);
  int64_t index_of(const std::string& activity_id);  // ApiError 404 when it is not ours

  store::LogStore& store_;
  LogIdentity identity_;
  const activitypub::Uris& uris_;
  TileRoots tile_roots_;
  Integrator integrator_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace artdag::services::claim_log
