#pragma once
// The claim log's own tables: the leaf hash of every integrated entry, the full tiles, every
// published checkpoint and the integrator's lease (docs/protocol.md "The claim log").
// Part of the store (store.h composes the areas). Hashes and tiles are lowercase hex text,
// so both backends store them the same way.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace artdag::store {

struct LogCheckpoint {
  int64_t size = 0;
  std::string root_hex;      // 64 hex characters
  std::string note;          // the signed note as served (cosignatures added later are kept apart)
  int64_t published_at = 0;  // unix seconds
};

// What this server's witness last cosigned for one log (c2sp.org/tlog-witness).
struct WitnessedCheckpoint {
  std::string origin;
  int64_t size = 0;
  std::string root_hex;
  std::string note;  // the checkpoint as received
  int64_t cosigned_at = 0;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // How many activities the log holds (the next index), integrated or not.
  virtual int64_t log_length() = 0;
  // The stored JSON of the activities [start, start + count) that exist, in index order.
  virtual std::vector<std::string> activity_json_range(int64_t start, int count) = 0;
  // The index of the activity with this `id`, looked up among the ids stored with each
  // activity (UUID ids; an index id is its own index).
  virtual std::optional<int64_t> activity_index_of(const std::string& activity_id) = 0;

  // Leaf hashes, written by the integrator; writing one again with the same value is a no-op.
  virtual void put_leaf_hashes(int64_t start, const std::vector<std::string>& hashes_hex) = 0;
  virtual std::vector<std::string> leaf_hashes(int64_t start, int count) = 0;
  // Full tiles (256 hashes, as 16,384 hex characters) never change once written.
  virtual void put_tile(int level, int64_t index, const std::string& data_hex) = 0;
  virtual std::optional<std::string> tile(int level, int64_t index) = 0;
  // The full tiles [start, start + count) of a level that exist, in order.
  virtual std::vector<std::string> tiles(int level, int64_t start, int count) = 0;

  virtual std::optional<LogCheckpoint> latest_checkpoint() = 0;
  // Publishes `next` if the latest checkpoint still has `expected_size` (0 for none): a
  // compare-and-swap, so two integrators can never both publish on top of one checkpoint.
  virtual bool publish_checkpoint(int64_t expected_size, const LogCheckpoint& next) = 0;
  // Whether some checkpoint ever published (and kept) has a size in [min_size, max_size).
  virtual bool checkpoint_in_range(int64_t min_size, int64_t max_size) = 0;
  // Deletes the checkpoints below `below_size` published before `published_before` that no
  // witness cosigned and that a larger kept checkpoint shares a level-0 tile with (sizes
  // S and S' with S / 256 == S' / 256): the largest of each such group stays, and with it
  // every partial tile above level 0 that the deleted ones had. Returns how many went.
  virtual int64_t purge_uncosigned_checkpoints(int64_t below_size, int64_t published_before) = 0;

  // The witness's memory, per log origin. Replaced only when it is still `expected` (size
  // and root hex; nullopt: nothing stored yet): a compare-and-swap across processes.
  virtual std::optional<WitnessedCheckpoint> witnessed_checkpoint(const std::string& origin) = 0;
  virtual bool replace_witnessed_checkpoint(
      const std::optional<std::pair<int64_t, std::string>>& expected,
      const WitnessedCheckpoint& next) = 0;

  // Cosignatures of our checkpoints by the witnesses we submit to: one line per witness and
  // size (a second one for the same pair is ignored).
  virtual void add_cosignature(int64_t size, const std::string& witness, const std::string& line,
                               int64_t cosigned_at) = 0;
  virtual std::vector<std::string> cosignatures(int64_t size) = 0;  // ordered by witness name
  // Per witness that ever cosigned: the largest size it cosigned and when (for /metrics).
  struct WitnessProgress {
    std::string witness;
    int64_t size = 0;
    int64_t cosigned_at = 0;
  };
  virtual std::vector<WitnessProgress> witness_progress() = 0;
  // The smallest size at least `min_size` that has a cosignature, with its checkpoint.
  virtual std::optional<LogCheckpoint> first_cosigned_checkpoint(int64_t min_size) = 0;

  // The integrator's lease: taken (or renewed) by `owner` until `until` when it is free,
  // expired, or already theirs. One integrator at a time across processes.
  virtual bool take_integrator_lease(const std::string& owner, int64_t now, int64_t until) = 0;
};

}  // namespace artdag::store
