#pragma once
// Accounts and tokens: registration, login, bearer-token authentication, logout (revocation).
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/key_store.h"
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

  AuthService(store::Store& store, crypto::KeyStore& keys, std::string jwt_secret);

  // Validates, hashes the password, stores the user and gives them a key pair.
  // Throws ApiError: 422 invalid username/password/email, 409 name taken (any case).
  IssuedToken register_user(std::string_view username, std::string_view password,
                            std::string_view email);
  // Throws ApiError 401 with the same answer for unknown users and wrong passwords.
  IssuedToken login(std::string_view username, std::string_view password);
  // Checks signature, alg, expiry and revocation; throws ApiError 401 otherwise.
  AuthenticatedUser authenticate(std::string_view token);
  void logout(const AuthenticatedUser& who);

  // Operator commands (CLI). Same validation as the API.
  store::User create_user(std::string_view username, std::string_view password,
                          std::string_view email);
  void set_password(std::string_view username, std::string_view password);

  // Lower-cases and checks ^[a-z0-9_]{1,30}$; throws ApiError 422.
  static std::string normalize_username(std::string_view username);

 private:
  IssuedToken issue(const store::User& user);

  store::Store& store_;
  crypto::KeyStore& keys_;
  std::string jwt_secret_;
  std::string dummy_hash_;  // verified against for unknown users, so timing says nothing
};

}  // namespace artdag::services
