#pragma once
// Private to store/: the small driver interface the shared SQL store (sql_store.cpp) is
// written against. sqlite_store.cpp and pg_store.cpp implement it. Every value reaches the
// database as a bound parameter ($1, $2, ... in both dialects); SQL text is always a
// constant of this folder, never built from values.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "util/error.h"

namespace artdag::store {
class Store;
}

namespace artdag::store::sql {

// A non-owning reference to a callable; valid while the callable lives (calls only).
template <class Sig>
class FnRef;
template <class R, class... A>
class FnRef<R(A...)> {
 public:
  FnRef() = default;
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, FnRef> && std::is_invocable_r_v<R, F&, A...>)
      FnRef(F&& f)  // NOLINT(google-explicit-constructor): used like a function parameter
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* obj, A... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(obj))(std::forward<A>(args)...);
        }) {}
  explicit operator bool() const { return call_ != nullptr; }
  R operator()(A... args) const { return call_(obj_, std::forward<A>(args)...); }

 private:
  void* obj_ = nullptr;
  R (*call_)(void*, A...) = nullptr;
};

// One bound parameter. Text is referenced, not copied: it must outlive the exec() call.
struct Param {
  enum class Kind { kNull, kInt, kText };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  std::string_view s;

  Param(std::nullptr_t) {}                                  // NOLINT(google-explicit-constructor)
  Param(int64_t v) : kind(Kind::kInt), i(v) {}              // NOLINT(google-explicit-constructor)
  Param(int v) : kind(Kind::kInt), i(v) {}                  // NOLINT(google-explicit-constructor)
  Param(std::string_view v) : kind(Kind::kText), s(v) {}    // NOLINT
  Param(const std::string& v) : kind(Kind::kText), s(v) {}  // NOLINT
  Param(const char* v) : kind(Kind::kText), s(v) {}         // NOLINT
};

// One result row, valid only during the callback.
class Row {
 public:
  virtual bool is_null(int col) const = 0;
  virtual std::string_view text(int col) const = 0;  // "" for NULL
  virtual int64_t int64(int col) const = 0;          // 0 for NULL
  std::string str(int col) const { return std::string(text(col)); }

 protected:
  ~Row() = default;
};
using RowFn = FnRef<void(const Row&)>;

// A connection, used by one thread at a time.
class Conn {
 public:
  virtual ~Conn() = default;
  // Runs one statement with parameters $1..$n (prepared once per connection and cached);
  // calls on_row for every result row. Returns the number of rows the statement changed.
  // Throws UniqueViolation, ConnectionLost or StoreUnavailable.
  virtual int64_t exec(std::string_view sql, const Param* params, size_t n, RowFn on_row) = 0;
  // Runs parameterless SQL text, possibly several statements (DDL, transaction control).
  virtual void exec_script(std::string_view sql) = 0;

  int64_t exec(std::string_view sql, std::initializer_list<Param> params, RowFn on_row = {}) {
    return exec(sql, params.begin(), params.size(), on_row);
  }
  int64_t exec(std::string_view sql, const std::vector<Param>& params, RowFn on_row = {}) {
    return exec(sql, params.data(), params.size(), on_row);
  }
  // The first column of the first row, if there is a row and it is not NULL.
  std::optional<int64_t> query_int(std::string_view sql, std::initializer_list<Param> params) {
    std::optional<int64_t> out;
    exec(sql, params, [&](const Row& r) {
      if (!out && !r.is_null(0)) out = r.int64(0);
    });
    return out;
  }
};

// A statement that violates a unique constraint throws artdag::UniqueViolation (util/error.h):
// `key` names it: the constraint name on PostgreSQL ("assets_name_key"), the column list on
// SQLite ("assets.name").
using artdag::UniqueViolation;

// The connection broke (server gone, network down). The statement may or may not have run.
class ConnectionLost : public StoreUnavailable {
 public:
  using StoreUnavailable::StoreUnavailable;
};

// A versioned schema step; `sql` may hold several statements.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};
const std::vector<Migration>& sqlite_migrations();
const std::vector<Migration>& pg_migrations();

// A database: a connection pool plus the dialect's transaction and locking rules.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;  // "sqlite" or "postgresql"
  virtual const std::vector<Migration>& migrations() const = 0;

  // Runs read-only work on a pooled connection in autocommit mode. May run `fn` a second
  // time on a fresh connection when a pooled one turns out to be dead, so `fn` must reset
  // what it collects.
  virtual void read(FnRef<void(Conn&)> fn) = 0;
  // Runs `fn` in one write transaction: committed when fn returns, rolled back when it
  // throws (the exception propagates). Writers are serialized: SQLite by BEGIN IMMEDIATE
  // (plus an in-process lock so local writers queue instead of polling), PostgreSQL by the
  // row locks the statements take. `fn` must not call back into the store.
  virtual void write(FnRef<void(Conn&)> fn) = 0;
  // As write(), and holding the schema-migration lock for the whole transaction.
  virtual void migrate(FnRef<void(Conn&)> fn) = 0;
  // True when the database answers a trivial query. Never throws.
  virtual bool ping() noexcept = 0;
};

// The Store on top of a backend (sql_store.cpp).
std::unique_ptr<Store> make_sql_store(std::unique_ptr<Backend> backend);

std::unique_ptr<Backend> make_sqlite_backend(const std::string& path, int pool_size);
std::unique_ptr<Backend> make_pg_backend(const std::string& url, int pool_size);

}  // namespace artdag::store::sql
