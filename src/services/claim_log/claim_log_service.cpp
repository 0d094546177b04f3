#include "services/claim_log/claim_log_service.h"

#include <spdlog/spdlog.h>

#include "services/claim_log/stored_tiles.h"
#include "services/worker_id.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"
#include "util/error.h"
#include "util/time.h"

namespace artdag::services::claim_log {

namespace {
// How long a client should wait for an entry that is sequenced but not yet integrated.
constexpr const char* kIntegrationRetryAfter = "1";
}  // namespace

ClaimLogService::ClaimLogService(store::LogStore& store, LogIdentity identity,
                                 const activitypub::Uris& uris)
    : store_(store),
      identity_(std::move(identity)),
      uris_(uris),
      integrator_(store_, tile_roots_, identity_, make_worker_id()) {}

ClaimLogService::~ClaimLogService() {
  stop();
}

std::string ClaimLogService::prefix() const {
  return uris_.base() + "/log";
}

Json ClaimLogService::metadata() const {
  return Json{{"prefix", prefix()},
              {"origin", identity_.origin},
              {"key", identity_.verifier_key},
              {"witness_key", identity_.witness_verifier_key}};
}

std::string ClaimLogService::checkpoint() {
  auto latest = store_.latest_checkpoint();
  if (!latest)
    throw ApiError::unavailable("The claim log has no checkpoint yet")
        .with_header("Retry-After", kIntegrationRetryAfter);
  // The log's signature, then every witness's cosignature of this very checkpoint.
  std::string note = latest->note;
  for (const auto& line : store_.cosignatures(latest->size)) note += line;
  return note;
}

ClaimLogService::TileAnswer ClaimLogService::tile(std::string_view path) {
  auto parsed = tlog::parse_tile_path("tile/" + std::string(path));
  if (!parsed) throw ApiError::bad_request("Not a tile path: " + parsed.error());
  const tlog::Tile tile = *parsed;
  auto latest = store_.latest_checkpoint();
  const auto size = static_cast<std::uint64_t>(latest ? latest->size : 0);
  if (!tlog::tile_exists(tile, size)) throw ApiError::not_found("No such tile in this log yet");
  if (tile.is_partial()) {
    // Only widths some checkpoint had: the tree sizes [lo, hi) give this tile this width.
    const int level = tile.is_entries() ? 0 : tile.level;
    const uint64_t unit = uint64_t{1} << (8 * level);
    const uint64_t first = (tile.index * tlog::kTileWidth + tile.width) * unit;
    if (!store_.checkpoint_in_range(static_cast<int64_t>(first),
                                    static_cast<int64_t>(first + unit)))
      throw ApiError::not_found("No checkpoint had this partial tile");
  }
  TileAnswer answer;
  answer.immutable = !tile.is_partial();
  if (tile.is_entries()) {
    answer.bytes = entry_bundle(tile.index, tile.width);
  } else {
    StoredTiles tiles(store_, tile_roots_);
    answer.bytes = tlog::tile_bytes(tiles.read_tile(tile.level, tile.index, tile.width));
  }
  return answer;
}

std::string ClaimLogService::entry_bundle(uint64_t index, unsigned width) {
  auto rows = store_.activity_json_range(static_cast<int64_t>(index * tlog::kTileWidth),
                                         static_cast<int>(width));
  if (rows.size() != width) throw ApiError::not_found("No such entry bundle in this log yet");
  std::vector<std::string> entries;
  entries.reserve(rows.size());
  for (const auto& json : rows) entries.push_back(log_entry(json));
  return tlog::encode_entry_bundle(entries);
}

std::string ClaimLogService::proof_at(int64_t index, int64_t size, std::string checkpoint) {
  StoredTiles tiles(store_, tile_roots_);
  tlog::TlogProof proof;
  proof.index = static_cast<std::uint64_t>(index);
  proof.inclusion =
      tlog::inclusion_proof_from_tiles(tiles, static_cast<std::uint64_t>(size), proof.index);
  proof.checkpoint = std::move(checkpoint);
  return tlog::format_tlog_proof(proof);
}

int64_t ClaimLogService::index_of(const std::string& activity_id) {
  if (auto index = uris_.index_from_activity(activity_id)) return *index;
  if (auto index = store_.activity_index_of(activity_id)) return *index;
  throw ApiError::not_found("No activity with this id in the log");
}

std::string ClaimLogService::proof(int64_t index) {
  if (index < 0) throw ApiError::not_found("No such entry");
  auto latest = store_.latest_checkpoint();
  if (!latest || index >= latest->size) {
    if (index < store_.log_length())
      throw ApiError::not_found("The entry is not in a checkpoint yet")
          .with_header("Retry-After", kIntegrationRetryAfter);
    throw ApiError::not_found("No such entry");
  }
  return proof_at(index, latest->size, latest->note);
}

std::string ClaimLogService::proof_for_id(const std::string& activity_id) {
  return proof(index_of(activity_id));
}

std::string ClaimLogService::evidence(int64_t index) {
  if (index < 0) throw ApiError::not_found("No such entry");
  auto cosigned = store_.first_cosigned_checkpoint(index + 1);
  if (!cosigned) {
    if (index < store_.log_length())
      throw ApiError::not_found("No witness has cosigned a checkpoint with this entry yet")
          .with_header("Retry-After", "5");
    throw ApiError::not_found("No such entry");
  }
  std::string note = cosigned->note;
  for (const auto& line : store_.cosignatures(cosigned->size)) note += line;
  return proof_at(index, cosigned->size, std::move(note));
}

std::string ClaimLogService::evidence_for_id(const std::string& activity_id) {
  return evidence(index_of(activity_id));
}

std::string ClaimLogService::proof_url(int64_t index) const {
  return prefix() + "/proof/" + std::to_string(index);
}

std::optional<int64_t> ClaimLogService::checkpoint_size_containing(int64_t index) {
  auto latest = store_.latest_checkpoint();
  if (!latest || index >= latest->size) return std::nullopt;
  return latest->size;
}

void ClaimLogService::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ClaimLogService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ClaimLogService::notify() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_all();
}

void ClaimLogService::run() {
  std::string last_error;
  auto next_step = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return poked_ || stopping_; });
      // Entries that arrive meanwhile join this step rather than each making its own.
      wake_.wait_until(lock, next_step, [this] { return stopping_; });
      if (stopping_) return;
      poked_ = false;
    }
    next_step = std::chrono::steady_clock::now() + kMinStepInterval;
    try {
      // Catch up in steps: a long backlog (the first start over an old registry) is published
      // in checkpoints of 100,000 entries rather than one at the very end.
      for (;;) {
        auto step = integrator_.integrate_once(unix_now());
        if (!step.published) break;
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      last_error.clear();
    } catch (const std::exception& e) {
      // Logged once per distinct failure, not every 200 ms.
      if (e.what() != last_error) spdlog::error("claim log integration failed: {}", e.what());
      last_error = e.what();
    }
  }
}

}  // namespace artdag::services::claim_log
