// SQLite backend: a pool of connections to one database file in WAL mode, so readers run
// concurrently with each other and with the one writer. Writes run in BEGIN IMMEDIATE
// transactions (the database write lock is taken up front, so a transaction never has to
// upgrade and cannot fail with SQLITE_BUSY half way); writers in this process queue and are
// committed together (group commit, see write()), and writers in other processes are waited
// for by busy_timeout (5 s).
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/pool.h"
#include "store/sql_backend.h"

namespace artdag::store::sql {

namespace {

constexpr int kBusyTimeoutMs = 5000;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    constexpr std::string_view kPrefix = "UNIQUE constraint failed: ";
    if (msg.starts_with(kPrefix)) msg.erase(0, kPrefix.size());
    throw UniqueViolation(msg);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    throw StoreUnavailable("SQLite database is busy (another writer held it for over 5 s)");
  throw StoreUnavailable("SQLite " + std::string(what) + " failed: " + msg);
}

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  bool is_null(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string_view text(int col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    if (!p) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  int64_t int64(int col) const override { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(const std::string& path) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw StoreUnavailable("cannot open SQLite database " + path + ": " + msg);
    }
    try {
      sqlite3_extended_result_codes(db_, 1);
      sqlite3_busy_timeout(db_, kBusyTimeoutMs);
      // WAL: readers never block the writer. synchronous=NORMAL is the WAL setting that
      // stays consistent on power loss (the last commits may be lost, never corrupted).
      // temp_store = MEMORY keeps the savepoint sub-journals of a group commit in memory
      // (as files, each batch opened, wrote and unlinked one).
      exec_script(
          "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
          "PRAGMA temp_store = MEMORY;");
    } catch (...) {
      sqlite3_close_v2(db_);
      throw;
    }
  }
  ~SqliteConn() override {
    for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
    // Refreshes planner statistics where they are stale, as SQLite advises before closing.
    sqlite3_exec(db_, "PRAGMA optimize", nullptr, nullptr, nullptr);
    sqlite3_close_v2(db_);
  }
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  int64_t exec(std::string_view sql, const Param* params, size_t n, RowFn on_row) override {
    Cached& st = prepare(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{st.stmt};
    for (size_t i = 0; i < st.arg_of.size(); ++i) {
      const int arg = st.arg_of[i];
      if (arg < 0 || static_cast<size_t>(arg) >= n)
        throw StoreUnavailable("SQLite statement parameter without a value");
      const Param& p = params[arg];
      const int idx = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      switch (p.kind) {
        case Param::Kind::kNull:
          rc = sqlite3_bind_null(st.stmt, idx);
          break;
        case Param::Kind::kInt:
          rc = sqlite3_bind_int64(st.stmt, idx, p.i);
          break;
        case Param::Kind::kText:
          rc =
              sqlite3_bind_text64(st.stmt, idx, p.s.data(), p.s.size(), SQLITE_STATIC, SQLITE_UTF8);
          break;
      }
      if (rc != SQLITE_OK) throw_sqlite(db_, rc, "bind");
    }
    SqliteRow row(st.stmt);
    for (;;) {
      const int rc = sqlite3_step(st.stmt);
      if (rc == SQLITE_ROW) {
        if (on_row) on_row(row);
        continue;
      }
      if (rc == SQLITE_DONE) break;
      throw_sqlite(db_, rc, "statement");
    }
    return sqlite3_changes64(db_);
  }

  void exec_script(std::string_view sql) override {
    const std::string text(sql);
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) throw_sqlite(db_, sqlite3_extended_errcode(db_), "statement");
  }

  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  void rollback() noexcept {
    if (in_transaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> arg_of;  // SQLite parameter i+1 takes params[arg_of[i]] ($k -> k-1)
  };

  Cached& prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    Cached c;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &c.stmt, nullptr);
    if (rc != SQLITE_OK) throw_sqlite(db_, rc, "prepare");
    const int count = sqlite3_bind_parameter_count(c.stmt);
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(c.stmt, i);
      int k = 0;
      if (name && name[0] == '$') {
        std::string_view digits(name + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k);
        if (ec != std::errc() || end != digits.data() + digits.size()) k = 0;
      }
      c.arg_of.push_back(k - 1);
    }
    return cache_.emplace(std::string(sql), c).first->second;
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Cached, StringHash, std::equal_to<>> cache_;
};

class SqliteBackend final : public Backend {
 public:
  SqliteBackend(const std::string& path, int pool_size)
      : path_(path),
        pool_(
            path == ":memory:" ? 1 : pool_size,
            [this] { return std::make_unique<SqliteConn>(path_); },
            [](SqliteConn& c) {
              c.rollback();
              return true;
            }) {
    pool_.seed(std::make_unique<SqliteConn>(path_));  // fails early when it cannot open
  }

  std::string name() const override { return "sqlite"; }
  const std::vector<Migration>& migrations() const override { return sqlite_migrations(); }

  void read(FnRef<void(Conn&)> fn) override {
    auto conn = pool_.acquire();
    fn(*conn);
  }

  // Group commit: writers that arrive while a transaction runs queue up, and the next one to
  // run takes the whole queue into one transaction, each writer's work in a savepoint of its
  // own. A writer that throws rolls back to its savepoint only; everyone returns after the one
  // COMMIT (or gets its error). The commit and its WAL frames, SQLite's largest fixed cost
  // per transaction, are paid once per batch (docs/decisions.md "Performance").
  void write(FnRef<void(Conn&)> fn) override {
    WriteJob job{&fn, nullptr};
    std::unique_lock lock(queue_mu_);
    queue_.push_back(&job);
    while (!job.done) {
      if (writing_) {
        batch_done_.wait(lock);
        continue;
      }
      writing_ = true;
      std::vector<WriteJob*> batch;
      const std::size_t n = std::min(queue_.size(), kMaxBatch);
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      run_batch(batch);
      lock.lock();
      writing_ = false;
      for (WriteJob* done : batch) done->done = true;
      batch_done_.notify_all();
    }
    lock.unlock();
    if (job.error) std::rethrow_exception(job.error);
  }

  // BEGIN IMMEDIATE is the migration lock too: one writer at a time, across processes. A
  // migration runs in a transaction of its own: it waits for the running batch, and the
  // writers that queue meanwhile wait for it.
  void migrate(FnRef<void(Conn&)> fn) override {
    WriteJob job{&fn, nullptr};
    std::unique_lock lock(queue_mu_);
    batch_done_.wait(lock, [this] { return !writing_; });
    writing_ = true;
    lock.unlock();
    run_batch({&job});
    lock.lock();
    writing_ = false;
    batch_done_.notify_all();
    lock.unlock();
    if (job.error) std::rethrow_exception(job.error);
  }

  bool ping() noexcept override {
    try {
      auto conn = pool_.acquire(std::chrono::seconds(5));
      // Reads the schema from the file, so a database that went away is noticed.
      return conn->query_int("SELECT COUNT(*) FROM sqlite_master", {}).has_value();
    } catch (...) {
      return false;
    }
  }

 private:
  struct WriteJob {
    FnRef<void(Conn&)>* fn;
    std::exception_ptr error;
    bool done = false;  // guarded by queue_mu_
  };
  static constexpr std::size_t kMaxBatch = 64;

  // One transaction for the batch; see write().
  void run_batch(const std::vector<WriteJob*>& batch) {
    auto fail_all = [&](std::exception_ptr error) {
      for (WriteJob* job : batch)
        if (!job->error) job->error = error;
    };
    try {
      auto conn = pool_.acquire();
      auto run = [&conn](std::string_view sql) { static_cast<Conn&>(*conn).exec(sql, {}); };
      run(kBegin);
      const bool alone = batch.size() == 1;
      for (WriteJob* job : batch) {
        try {
          if (!alone) run(kSavepoint);
          (*job->fn)(*conn);
          if (!alone) run(kRelease);
        } catch (...) {
          job->error = std::current_exception();
          // Some errors (I/O, full disk) make SQLite roll back the whole transaction: then
          // nothing of the batch is kept, and nobody may be told otherwise.
          if (alone || !conn->in_transaction()) {
            conn->rollback();
            fail_all(std::make_exception_ptr(
                StoreUnavailable("SQLite rolled back the transaction after an error")));
            return;
          }
          run(kRollbackTo);
          run(kRelease);
        }
      }
      try {
        run(kCommit);
      } catch (...) {
        conn->rollback();
        throw;
      }
    } catch (...) {
      fail_all(std::current_exception());
    }
  }

  static constexpr std::string_view kBegin = "BEGIN IMMEDIATE";
  static constexpr std::string_view kCommit = "COMMIT";
  static constexpr std::string_view kSavepoint = "SAVEPOINT writer";
  static constexpr std::string_view kRelease = "RELEASE writer";
  static constexpr std::string_view kRollbackTo = "ROLLBACK TO writer";

  std::string path_;
  Pool<SqliteConn> pool_;
  std::mutex queue_mu_;
  std::condition_variable batch_done_;
  std::vector<WriteJob*> queue_;  // writers waiting for the next transaction
  bool writing_ = false;          // a batch is running
};

}  // namespace

std::unique_ptr<Backend> make_sqlite_backend(const std::string& path, int pool_size) {
  return std::make_unique<SqliteBackend>(path, pool_size);
}

}  // namespace artdag::store::sql
