#pragma once
// Accounts and tokens: registration, login, bearer-token authentication, logout (revocation).
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "config/config.h"
#include "crypto/jwt.h"
#include "crypto/key_store.h"
#include "services/rate_limiter.h"
#include "store/store.h"

namespace artdag::services {

struct IssuedToken {
  store::User user;
  std::string access_token;
  int64_t expires_at = 0;
};

struct AuthenticatedUser {
  store::User user;
  std::string jti;
  int64_t expires_at = 0;
};

class AuthService {
 public:
  static constexpr int64_t kTokenLifetimeSeconds = 7 * 24 * 3600;
  // The token an L1 gets when a user attaches it: minutes long, single use, bound to that
  // L1 (aud), good only for POST /auth/verify (scope).
  static constexpr int64_t kL1TokenLifetimeSeconds = 300;
  static constexpr const char* kL1Scope = "l1-verify";

  AuthService(store::Store& store, crypto::KeyStore& keys, std::string jwt_secret,
              const Limits& limits = {});

  // Validates, hashes the password, stores the user and gives them a key pair.
  // Throws ApiError: 422 invalid username/password/email, 409 name taken (any case);
  // ApiError 429 (with Retry-After) when `client` (the peer address; empty: not limited) made too
  // many login/registration attempts.
  IssuedToken register_user(std::string_view username, std::string_view password,
                            std::string_view email, std::string_view client = {});
  // Throws ApiError 401 with the same answer for unknown users and wrong passwords;
  // ApiError 429 (with Retry-After) after too many attempts from `client` or failures on the
  // account.
  IssuedToken login(std::string_view username, std::string_view password,
                    std::string_view client = {});
  // Checks signature, alg, expiry, revocation, that it is a session token and was issued
  // after the last password change; throws ApiError 401 otherwise.
  AuthenticatedUser authenticate(std::string_view token);
  // An L1 attach token for `username`, for the L1 `audience` (a normalised server URL).
  std::string issue_l1_token(const std::string& username, const std::string& audience);
  // Checks an L1 attach token as authenticate() does, plus scope and audience, and uses it
  // up (a second use is 401). Session tokens and tokens of another audience are 401.
  AuthenticatedUser verify_l1_token(std::string_view token, const std::string& audience);
  void logout(const AuthenticatedUser& who);

  // Operator commands (CLI). Same validation as the API.
  store::User create_user(std::string_view username, std::string_view password,
                          std::string_view email);
  void set_password(std::string_view username, std::string_view password);
  // "user" or "admin"; ApiError 422 for another role, 404 for no such user.
  void set_role(std::string_view username, std::string_view role);
  // The instance actor exists from the first start: a user row with an unusable random
  // password (the operator sets one with `set-password`) and a key pair.
  void ensure_instance_user(const std::string& username);
  // Users, oldest first, for the operator's lists.
  std::vector<store::User> list_users(int limit, int offset);

  // Lower-cases and checks ^[a-z0-9_]{1,30}$; throws ApiError 422.
  static std::string normalize_username(std::string_view username);

 private:
  IssuedToken issue(const store::User& user);
  // Decodes and checks what every token must pass; 401 otherwise.
  std::pair<crypto::JwtClaims, store::User> check_token(std::string_view token);
  std::mutex l1_use_mu_;  // one verify_l1_token at a time: single use within this process
  void limit_client(std::string_view client);

  store::Store& store_;
  crypto::KeyStore& keys_;
  std::string jwt_secret_;
  std::once_flag dummy_hash_once_;
  std::string dummy_hash_;             // verified against for unknown users, so timing says nothing
  RateLimiter attempts_per_client_;    // logins and registrations, by client address
  RateLimiter failures_per_account_;   // failed logins, by lower-cased username + client key
  RateLimiter failures_account_wide_;  // failed logins, by lower-cased username
};

}  // namespace artdag::services
