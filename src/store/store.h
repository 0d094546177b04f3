#pragma once
// The repository: one interface per area, composed. SQLite and PostgreSQL implement all of it
// and pass the same tests; a service asks for the area it uses, and a test fake implements one
// area. Implementations are thread-safe (they pool connections internally), throw
// StoreUnavailable (util/error.h) when the database cannot be reached and UniqueViolation only
// where a method says so; they never throw ApiError and never build wire JSON.
#include <memory>
#include <string>

#include "store/claim_store.h"
#include "store/delivery_store.h"
#include "store/federation_store.h"
#include "store/log_store.h"
#include "store/renderer_store.h"
#include "store/user_store.h"

namespace artdag::store {

// Virtual bases: an implementation may take each area's methods from a class of its own.
class Store : public virtual UserStore,
              public virtual ClaimStore,
              public virtual RendererStore,
              public virtual FederationStore,
              public virtual DeliveryStore,
              public virtual LogStore {
 public:
  ~Store() override = default;

  virtual std::string backend() const = 0;  // "sqlite" or "postgresql"
  virtual bool ping() = 0;                  // false when the database cannot answer
  // Applies pending migrations; returns the schema version. Idempotent, safe with
  // several processes starting at once.
  virtual int migrate() = 0;
};

struct StoreOptions {
  // Connections kept per Store (each thread uses one at a time; more threads wait).
  int pool_size = 8;
};

// "" -> std::invalid_argument; "postgresql://..." or "postgres://..." -> PostgreSQL;
// anything else is a SQLite file path (its directory must exist; ":memory:" gives a private
// in-memory database on one connection). Connects once to check; throws StoreUnavailable if
// the database cannot be opened, with a message that never contains the password.
// Does not migrate: call migrate() before use.
std::unique_ptr<Store> open_store(const std::string& location, const StoreOptions& options = {});

}  // namespace artdag::store
