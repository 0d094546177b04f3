#pragma once
// Users and revoked tokens.
// Part of the store (store.h composes the areas); implementations are thread-safe and throw
// StoreUnavailable (util/error.h) when the database cannot be reached.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/rows.h"

namespace artdag::store {

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Users. Usernames are stored lower case; lookups are case-insensitive.
  virtual std::optional<User> create_user(const NewUser& user) = 0;  // nullopt: name taken
  virtual std::optional<User> find_user(const std::string& username) = 0;
  virtual bool set_password_hash(const std::string& username, const std::string& hash) = 0;
  // false: no such user. `role` is "user" or "admin" (the schema refuses anything else).
  virtual bool set_user_role(const std::string& username, const std::string& role) = 0;
  virtual std::vector<User> list_users(int limit, int offset) = 0;

  // Revoked tokens (logout). Entries can be purged after they expire.
  virtual void revoke_token(const std::string& jti, int64_t expires_at) = 0;
  virtual bool is_token_revoked(const std::string& jti) = 0;
};

}  // namespace artdag::store
