// PostgreSQL backend over libpq: a pool of connections, statements prepared once per
// connection (PQprepare / PQexecPrepared, values always bound as parameters), broken
// connections dropped and replaced on next use. Errors never carry the password.
#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

#include "store/pool.h"
#include "store/sql_backend.h"

namespace artdag::store::sql {

namespace {

// Schema migrations of one schema (search_path) run one at a time, across processes.
constexpr std::string_view kMigrationLock =
    "SELECT pg_advisory_xact_lock(1095910724, hashtext(coalesce(current_schema(), '')))";

constexpr std::string_view kUniqueViolation = "23505";

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string first_line(const char* text) {
  std::string s = text ? text : "";
  if (auto nl = s.find('\n'); nl != std::string::npos) s.erase(nl);
  return s;
}

// The parts of the URL that may appear in messages, and the password to scrub from them.
struct ConnInfo {
  std::string url;
  std::string redacted;  // postgresql://user@host:port/db
  std::string password;

  static ConnInfo parse(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
    if (!opts) {
      if (err) PQfreemem(err);  // may quote the URL: not repeated
      throw StoreUnavailable("invalid PostgreSQL URL");
    }
    ConnInfo info;
    std::string user, host, port, dbname;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      if (!o->val) continue;
      const std::string_view k = o->keyword;
      if (k == "user") user = o->val;
      if (k == "host") host = o->val;
      if (k == "hostaddr" && host.empty()) host = o->val;
      if (k == "port") port = o->val;
      if (k == "dbname") dbname = o->val;
      if (k == "password") info.password = o->val;  // kept only to scrub messages
    }
    PQconninfoFree(opts);
    info.url = url;
    info.redacted = "postgresql://" + (user.empty() ? "" : user + "@") +
                    (host.empty() ? "localhost" : host) + (port.empty() ? "" : ":" + port) + "/" +
                    dbname;
    return info;
  }

  std::string scrub(std::string msg) const {
    if (password.empty()) return msg;
    for (size_t at = msg.find(password); at != std::string::npos; at = msg.find(password, at + 3))
      msg.replace(at, password.size(), "***");
    return msg;
  }
};

class PgRow final : public Row {
 public:
  PgRow(const PGresult* res, int row) : res_(res), row_(row) {}
  bool is_null(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  std::string_view text(int col) const override {
    return {PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col))};
  }
  int64_t int64(int col) const override {
    std::string_view t = text(col);
    int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
  }

 private:
  const PGresult* res_;
  int row_;
};

class PgConn final : public Conn {
 public:
  explicit PgConn(const ConnInfo& info) : info_(info) {
    // Keywords before dbname are defaults the URL may override; those after it are forced.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                          nullptr};
    const char* vals[] = {"5", "artdag-l2", info.url.c_str(), "UTF8", nullptr};
    pg_ = PQconnectdbParams(keys, vals, /*expand_dbname=*/1);
    if (!pg_) throw StoreUnavailable("cannot connect to PostgreSQL: out of memory");
    if (PQstatus(pg_) != CONNECTION_OK) {
      std::string msg = info_.scrub(first_line(PQerrorMessage(pg_)));
      PQfinish(pg_);
      pg_ = nullptr;
      throw StoreUnavailable("cannot connect to PostgreSQL at " + info_.redacted + ": " + msg);
    }
    PQsetNoticeProcessor(
        pg_, [](void*, const char*) {}, nullptr);
  }
  ~PgConn() override {
    if (pg_) PQfinish(pg_);
  }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  int64_t exec(std::string_view sql, const Param* params, size_t n, RowFn on_row) override {
    const std::string& name = prepare(sql);
    std::vector<std::string> owned(n);
    std::vector<const char*> values(n, nullptr);
    for (size_t i = 0; i < n; ++i) {
      const Param& p = params[i];
      switch (p.kind) {
        case Param::Kind::kNull:
          break;
        case Param::Kind::kInt:
          owned[i] = std::to_string(p.i);
          values[i] = owned[i].c_str();
          break;
        case Param::Kind::kText:
          if (p.s.find('\0') != std::string_view::npos)
            throw StoreUnavailable("PostgreSQL text cannot hold a NUL character");
          owned[i] = std::string(p.s);
          values[i] = owned[i].c_str();
          break;
      }
    }
    Result res(PQexecPrepared(pg_, name.c_str(), static_cast<int>(n), values.data(), nullptr,
                              nullptr, /*resultFormat=*/0));
    check(res.get(), "statement");
    if (on_row) {
      const int rows = PQntuples(res.get());
      for (int r = 0; r < rows; ++r) on_row(PgRow(res.get(), r));
    }
    const char* tuples = PQcmdTuples(res.get());
    int64_t changed = 0;
    if (tuples && *tuples) std::from_chars(tuples, tuples + std::strlen(tuples), changed);
    return changed;
  }

  void exec_script(std::string_view sql) override {
    Result res(PQexec(pg_, std::string(sql).c_str()));
    check(res.get(), "statement");
  }

  void commit() {
    Result res(PQexec(pg_, "COMMIT"));
    check(res.get(), "commit");
    // A transaction that had failed answers COMMIT with ROLLBACK and no error.
    if (std::strcmp(PQcmdStatus(res.get()), "COMMIT") != 0)
      throw StoreUnavailable("PostgreSQL rolled the transaction back");
  }

  void rollback() noexcept {
    if (PQstatus(pg_) == CONNECTION_OK && PQtransactionStatus(pg_) != PQTRANS_IDLE)
      PQclear(PQexec(pg_, "ROLLBACK"));
  }

  // Fit to go back to the pool: connected and outside any transaction.
  bool healthy() const {
    return PQstatus(pg_) == CONNECTION_OK && PQtransactionStatus(pg_) == PQTRANS_IDLE;
  }

 private:
  const std::string& prepare(std::string_view sql) {
    if (auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
    std::string name = "artdag_" + std::to_string(prepared_.size());
    Result res(PQprepare(pg_, name.c_str(), std::string(sql).c_str(), 0, nullptr));
    check(res.get(), "prepare");
    return prepared_.emplace(std::string(sql), std::move(name)).first->second;
  }

  void check(const PGresult* res, std::string_view what) {
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return;
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    if (sqlstate == kUniqueViolation) {
      const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
      throw UniqueViolation(constraint ? constraint : "");
    }
    std::string msg = info_.scrub(first_line(
        res && PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(pg_)));
    // Class 08 is "connection exception"; 57P0x are shutdowns and terminations.
    if (PQstatus(pg_) != CONNECTION_OK || sqlstate.starts_with("08") ||
        sqlstate.starts_with("57P0"))
      throw ConnectionLost("PostgreSQL connection to " + info_.redacted + " lost: " + msg);
    throw StoreUnavailable("PostgreSQL " + std::string(what) + " failed (" + sqlstate +
                           "): " + msg);
  }

  const ConnInfo& info_;
  PGconn* pg_ = nullptr;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> prepared_;
};

class PgBackend final : public Backend {
 public:
  PgBackend(const std::string& url, int pool_size)
      : info_(ConnInfo::parse(url)),
        pool_(
            pool_size, [this] { return std::make_unique<PgConn>(info_); },
            [](PgConn& c) { return c.healthy(); }) {
    pool_.seed(std::make_unique<PgConn>(info_));  // fails early when it cannot connect
  }

  std::string name() const override { return "postgresql"; }
  const std::vector<Migration>& migrations() const override { return pg_migrations(); }

  void read(FnRef<void(Conn&)> fn) override {
    // A pooled connection may have died while idle (server restart): such a failure drops
    // it, and the work runs again on the next one, at worst a freshly opened connection.
    for (;;) {
      auto conn = pool_.acquire();
      try {
        fn(*conn);
        return;
      } catch (const ConnectionLost&) {
        if (conn.fresh()) throw;
      }
    }
  }

  void write(FnRef<void(Conn&)> fn) override {
    for (;;) {
      auto conn = pool_.acquire();
      try {
        conn->exec_script("BEGIN");
      } catch (const ConnectionLost&) {
        if (conn.fresh()) throw;
        continue;  // nothing ran: safe to start over on another connection
      }
      try {
        fn(*conn);
        conn->commit();
        return;
      } catch (...) {
        conn->rollback();
        throw;
      }
    }
  }

  void migrate(FnRef<void(Conn&)> fn) override {
    write([&](Conn& c) {
      c.exec_script(kMigrationLock);
      fn(c);
    });
  }

  bool ping() noexcept override {
    try {
      read([](Conn& c) { c.exec_script("SELECT 1"); });
      return true;
    } catch (...) {
      return false;
    }
  }

 private:
  ConnInfo info_;
  Pool<PgConn> pool_;
};

}  // namespace

std::unique_ptr<Backend> make_pg_backend(const std::string& url, int pool_size) {
  return std::make_unique<PgBackend>(url, pool_size);
}

}  // namespace artdag::store::sql
