#include "store/sql_log.h"

#include <algorithm>

namespace artdag::store::sql {

namespace {

constexpr int kMaxRange = 4096;

constexpr std::string_view kLogLength = "SELECT next_index FROM activity_counter WHERE id = 1";
constexpr std::string_view kActivityRange =
    "SELECT json FROM activities WHERE idx >= $1 AND idx < $2 ORDER BY idx";
constexpr std::string_view kIndexOfId = "SELECT idx FROM activities WHERE activity_id = $1";
constexpr std::string_view kPutLeaf =
    "INSERT INTO log_leaves (idx, hash) VALUES ($1, $2) ON CONFLICT (idx) DO NOTHING";
constexpr std::string_view kLeafRange =
    "SELECT hash FROM log_leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx";
constexpr std::string_view kPutTile =
    "INSERT INTO log_tiles (level, idx, data) VALUES ($1, $2, $3) "
    "ON CONFLICT (level, idx) DO NOTHING";
constexpr std::string_view kTile = "SELECT data FROM log_tiles WHERE level = $1 AND idx = $2";
constexpr std::string_view kTileRange =
    "SELECT data FROM log_tiles WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx";
constexpr std::string_view kLatestCheckpoint =
    "SELECT c.size, c.root, c.note, c.published_at FROM log_state s "
    "JOIN log_checkpoints c ON c.size = s.size WHERE s.id = 1";
constexpr std::string_view kAdvanceState =
    "UPDATE log_state SET size = $1 WHERE id = 1 AND size = $2";
constexpr std::string_view kInsertCheckpoint =
    "INSERT INTO log_checkpoints (size, root, note, published_at) VALUES ($1, $2, $3, $4)";
constexpr std::string_view kCheckpointInRange =
    "SELECT 1 FROM log_checkpoints WHERE size >= $1 AND size < $2 LIMIT 1";
constexpr std::string_view kPurgeUncosigned =
    "DELETE FROM log_checkpoints WHERE size < $1 AND published_at < $2 "
    "AND NOT EXISTS (SELECT 1 FROM log_cosignatures s WHERE s.size = log_checkpoints.size) "
    "AND EXISTS (SELECT 1 FROM log_checkpoints d WHERE d.size > log_checkpoints.size "
    "AND d.size < (log_checkpoints.size / 256 + 1) * 256)";
constexpr std::string_view kTakeLease =
    "UPDATE log_state SET lease_owner = $1, lease_until = $2 "
    "WHERE id = 1 AND (lease_owner = $1 OR lease_until < $3)";

constexpr std::string_view kWitnessed =
    "SELECT origin, size, root, note, cosigned_at FROM witness_states WHERE origin = $1";
constexpr std::string_view kFirstWitnessed =
    "INSERT INTO witness_states (origin, size, root, note, cosigned_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (origin) DO NOTHING";
constexpr std::string_view kReplaceWitnessed =
    "UPDATE witness_states SET size = $2, root = $3, note = $4, cosigned_at = $5 "
    "WHERE origin = $1 AND size = $6 AND root = $7";
constexpr std::string_view kAddCosignature =
    "INSERT INTO log_cosignatures (size, witness, line, cosigned_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (size, witness) DO NOTHING";
constexpr std::string_view kCosignatures =
    "SELECT line FROM log_cosignatures WHERE size = $1 ORDER BY witness";
constexpr std::string_view kWitnessProgress =
    "SELECT witness, MAX(size), MAX(cosigned_at) FROM log_cosignatures GROUP BY witness "
    "ORDER BY witness";
constexpr std::string_view kFirstCosigned =
    "SELECT c.size, c.root, c.note, c.published_at FROM log_checkpoints c WHERE c.size = "
    "(SELECT MIN(size) FROM log_cosignatures WHERE size >= $1)";

}  // namespace

std::optional<WitnessedCheckpoint> SqlLogArea::witnessed_checkpoint(const std::string& origin) {
  std::optional<WitnessedCheckpoint> out;
  db_.read([&](Conn& c) {
    out.reset();
    c.exec(kWitnessed, {origin}, [&](const Row& r) {
      out = WitnessedCheckpoint{r.str(0), r.int64(1), r.str(2), r.str(3), r.int64(4)};
    });
  });
  return out;
}

bool SqlLogArea::replace_witnessed_checkpoint(
    const std::optional<std::pair<int64_t, std::string>>& expected,
    const WitnessedCheckpoint& next) {
  bool replaced = false;
  db_.write([&](Conn& c) {
    replaced =
        expected
            ? c.exec(kReplaceWitnessed, {next.origin, next.size, next.root_hex, next.note,
                                         next.cosigned_at, expected->first, expected->second}) == 1
            : c.exec(kFirstWitnessed,
                     {next.origin, next.size, next.root_hex, next.note, next.cosigned_at}) == 1;
  });
  return replaced;
}

void SqlLogArea::add_cosignature(int64_t size, const std::string& witness, const std::string& line,
                                 int64_t cosigned_at) {
  db_.write([&](Conn& c) { c.exec(kAddCosignature, {size, witness, line, cosigned_at}); });
}

std::vector<std::string> SqlLogArea::cosignatures(int64_t size) {
  std::vector<std::string> out;
  db_.read([&](Conn& c) {
    out.clear();
    c.exec(kCosignatures, {size}, [&](const Row& r) { out.push_back(r.str(0)); });
  });
  return out;
}

std::vector<LogStore::WitnessProgress> SqlLogArea::witness_progress() {
  std::vector<WitnessProgress> out;
  db_.read([&](Conn& c) {
    out.clear();
    c.exec(kWitnessProgress, {}, [&](const Row& r) {
      out.push_back({r.str(0), r.int64(1), r.int64(2)});
    });
  });
  return out;
}

std::optional<LogCheckpoint> SqlLogArea::first_cosigned_checkpoint(int64_t min_size) {
  std::optional<LogCheckpoint> out;
  db_.read([&](Conn& c) {
    out.reset();
    c.exec(kFirstCosigned, {min_size}, [&](const Row& r) {
      out = LogCheckpoint{r.int64(0), r.str(1), r.str(2), r.int64(3)};
    });
  });
  return out;
}

int64_t SqlLogArea::log_length() {
  int64_t length = 0;
  db_.read([&](Conn& c) { length = c.query_int(kLogLength, {}).value_or(0); });
  return length;
}

std::vector<std::string> SqlLogArea::activity_json_range(int64_t start, int count) {
  std::vector<std::string> out;
  count = std::clamp(count, 0, kMaxRange);
  db_.read([&](Conn& c) {
    out.clear();
    c.exec(kActivityRange, {start, start + count}, [&](const Row& r) { out.push_back(r.str(0)); });
  });
  return out;
}

std::optional<int64_t> SqlLogArea::activity_index_of(const std::string& activity_id) {
  std::optional<int64_t> index;
  db_.read([&](Conn& c) { index = c.query_int(kIndexOfId, {activity_id}); });
  return index;
}

void SqlLogArea::put_leaf_hashes(int64_t start, const std::vector<std::string>& hashes_hex) {
  if (hashes_hex.empty()) return;
  db_.write([&](Conn& c) {
    for (std::size_t i = 0; i < hashes_hex.size(); ++i)
      c.exec(kPutLeaf, {start + static_cast<int64_t>(i), hashes_hex[i]});
  });
}

std::vector<std::string> SqlLogArea::leaf_hashes(int64_t start, int count) {
  std::vector<std::string> out;
  count = std::clamp(count, 0, kMaxRange);
  db_.read([&](Conn& c) {
    out.clear();
    c.exec(kLeafRange, {start, start + count}, [&](const Row& r) { out.push_back(r.str(0)); });
  });
  return out;
}

void SqlLogArea::put_tile(int level, int64_t index, const std::string& data_hex) {
  db_.write([&](Conn& c) { c.exec(kPutTile, {level, index, data_hex}); });
}

std::optional<std::string> SqlLogArea::tile(int level, int64_t index) {
  std::optional<std::string> out;
  db_.read([&](Conn& c) {
    out.reset();
    c.exec(kTile, {level, index}, [&](const Row& r) { out = r.str(0); });
  });
  return out;
}

std::vector<std::string> SqlLogArea::tiles(int level, int64_t start, int count) {
  std::vector<std::string> out;
  count = std::clamp(count, 0, kMaxRange);
  db_.read([&](Conn& c) {
    out.clear();
    c.exec(kTileRange, {level, start, start + count},
           [&](const Row& r) { out.push_back(r.str(0)); });
  });
  return out;
}

std::optional<LogCheckpoint> SqlLogArea::latest_checkpoint() {
  std::optional<LogCheckpoint> out;
  db_.read([&](Conn& c) {
    out.reset();
    c.exec(kLatestCheckpoint, {}, [&](const Row& r) {
      out = LogCheckpoint{r.int64(0), r.str(1), r.str(2), r.int64(3)};
    });
  });
  return out;
}

bool SqlLogArea::publish_checkpoint(int64_t expected_size, const LogCheckpoint& next) {
  bool published = false;
  db_.write([&](Conn& c) {
    published = c.exec(kAdvanceState, {next.size, expected_size}) == 1;
    if (published)
      c.exec(kInsertCheckpoint, {next.size, next.root_hex, next.note, next.published_at});
  });
  return published;
}

bool SqlLogArea::checkpoint_in_range(int64_t min_size, int64_t max_size) {
  bool found = false;
  db_.read([&](Conn& c) {
    found = c.query_int(kCheckpointInRange, {min_size, max_size}).has_value();
  });
  return found;
}

int64_t SqlLogArea::purge_uncosigned_checkpoints(int64_t below_size, int64_t published_before) {
  int64_t purged = 0;
  db_.write([&](Conn& c) { purged = c.exec(kPurgeUncosigned, {below_size, published_before}); });
  return purged;
}

bool SqlLogArea::take_integrator_lease(const std::string& owner, int64_t now, int64_t until) {
  bool taken = false;
  db_.write([&](Conn& c) { taken = c.exec(kTakeLease, {owner, until, now}) == 1; });
  return taken;
}

}  // namespace artdag::store::sql
