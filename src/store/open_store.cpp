// Picks the backend from the location: a PostgreSQL URL or a SQLite file path.
#include <stdexcept>

#include "store/sql_backend.h"
#include "store/store.h"

namespace artdag::store {

std::unique_ptr<Store> open_store(const std::string& location, const StoreOptions& options) {
  if (location.empty()) throw std::invalid_argument("open_store: empty database location");
  const int pool = options.pool_size < 1 ? 1 : options.pool_size;
  if (location.starts_with("postgresql://") || location.starts_with("postgres://"))
    return sql::make_sql_store(sql::make_pg_backend(location, pool));
  return sql::make_sql_store(sql::make_sqlite_backend(location, pool));
}

}  // namespace artdag::store
