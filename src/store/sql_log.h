#pragma once
// Private to store/: the claim log's area of the SQL store (SqlStore inherits it; LogStore is
// a virtual base of Store, so these methods are its overriders).
#include "store/log_store.h"
#include "store/sql_backend.h"

namespace artdag::store::sql {

class SqlLogArea : public virtual LogStore {
 public:
  explicit SqlLogArea(Backend& db) : db_(db) {}

  int64_t log_length() override;
  std::vector<std::string> activity_json_range(int64_t start, int count) override;
  std::optional<int64_t> activity_index_of(const std::string& activity_id) override;
  void put_leaf_hashes(int64_t start, const std::vector<std::string>& hashes_hex) override;
  std::vector<std::string> leaf_hashes(int64_t start, int count) override;
  void put_tile(int level, int64_t index, const std::string& data_hex) override;
  std::optional<std::string> tile(int level, int64_t index) override;
  std::vector<std::string> tiles(int level, int64_t start, int count) override;
  std::optional<LogCheckpoint> latest_checkpoint() override;
  bool publish_checkpoint(int64_t expected_size, const LogCheckpoint& next) override;
  bool checkpoint_in_range(int64_t min_size, int64_t max_size) override;
  int64_t purge_uncosigned_checkpoints(int64_t below_size, int64_t published_before) override;
  bool take_integrator_lease(const std::string& owner, int64_t now, int64_t until) override;
  std::optional<WitnessedCheckpoint> witnessed_checkpoint(const std::string& origin) override;
  bool replace_witnessed_checkpoint(const std::optional<std::pair<int64_t, std::string>>& expected,
                                    const WitnessedCheckpoint& next) override;
  void add_cosignature(int64_t size, const std::string& witness, const std::string& line,
                       int64_t cosigned_at) override;
  std::vector<std::string> cosignatures(int64_t size) override;
  std::vector<WitnessProgress> witness_progress() override;
  std::optional<LogCheckpoint> first_cosigned_checkpoint(int64_t min_size) override;

 private:
  Backend& db_;
};

}  // namespace artdag::store::sql
