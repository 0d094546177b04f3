#include "services/auth_service.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <regex>

#include "crypto/hash.h"
#include "crypto/jwt.h"
#include "crypto/password.h"
#include "util/error.h"
#include "util/identifiers.h"
#include "util/text.h"
#include "util/time.h"

namespace artdag::services {

namespace {
constexpr std::size_t kMinPassword = 8;
constexpr std::size_t kMaxPassword = 256;
constexpr std::size_t kMaxEmail = 254;

void check_password(std::string_view password) {
  if (password.size() < kMinPassword)
    throw ApiError::unprocessable("Password must be at least 8 characters").with_field("password");
  if (password.size() > kMaxPassword)
    throw ApiError::unprocessable("Password must be at most 256 characters").with_field("password");
}

std::string check_email(std::string_view email) {
  if (email.empty()) return "";
  static const std::regex email_re(R"(^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$)");
  if (email.size() > kMaxEmail || !std::regex_match(email.begin(), email.end(), email_re))
    throw ApiError::unprocessable("Email address is not valid").with_field("email");
  return std::string(email);
}
}  // namespace

AuthService::AuthService(store::Store& store, crypto::KeyStore& keys, std::string jwt_secret,
                         const Limits& limits)
    : store_(store),
      keys_(keys),
      jwt_secret_(std::move(jwt_secret)),
      attempts_per_client_(limits.auth_attempts_per_ip,
                           std::chrono::seconds(limits.auth_ip_window_seconds)),
      failures_per_account_(limits.failed_logins_per_account,
                            std::chrono::seconds(limits.failed_login_window_seconds)) {}

std::string AuthService::normalize_username(std::string_view username) {
  std::string name = ascii_lower(username);
  if (!is_valid_username(name))
    throw ApiError::unprocessable(std::string(kUsernameRule)).with_field("username");
  return name;
}

void AuthService::limit_client(std::string_view client) {
  if (client.empty()) return;
  if (auto wait = attempts_per_client_.acquire(client_key(client)))
    throw ApiError::too_many_requests(
        "Too many login or registration attempts from this address; try again in " +
            std::to_string(wait->count()) + " seconds",
        *wait);
}

store::User AuthService::create_user(std::string_view username, std::string_view password,
                                     std::string_view email) {
  std::string name = normalize_username(username);
  check_password(password);
  std::string mail = check_email(email);
  store::NewUser user{name, mail, crypto::hash_password(password), iso8601_utc(unix_now())};
  auto created = store_.create_user(user);
  if (!created) throw ApiError::conflict("Username already registered").with_field("username");
  try {
    keys_.ensure(name);
  } catch (const std::exception& e) {
    // The account stands; the key is made on first use (KeyStore::ensure) instead.
    spdlog::error("could not create keys for {}: {}", name, e.what());
  }
  return *created;
}

IssuedToken AuthService::register_user(std::string_view username, std::string_view password,
                                       std::string_view email, std::string_view client) {
  limit_client(client);
  return issue(create_user(username, password, email));
}

IssuedToken AuthService::login(std::string_view username, std::string_view password,
                               std::string_view client) {
  const auto fail = [] { return ApiError::unauthorized("Incorrect username or password"); };
  limit_client(client);
  if (username.empty() || username.size() > 64 || password.size() > kMaxPassword) throw fail();
  std::string name = ascii_lower(username);
  // Every attempt takes a token before the password is checked (so concurrent guesses
  // cannot overrun the limit) and a success gives them all back. Unknown names are
  // limited like real ones, so the 429 says nothing about which accounts exist.
  if (auto wait = failures_per_account_.acquire(name))
    throw ApiError::too_many_requests("Too many failed logins for this account; try again in " +
                                          std::to_string(wait->count()) + " seconds",
                                      *wait);
  auto user = store_.find_user(name);
  if (!user) {
    // Made on first need, not at start: one Argon2id hash is ~150 ms and ~19 MiB.
    std::call_once(dummy_hash_once_,
                   [this] { dummy_hash_ = crypto::hash_password(crypto::random_token_hex(16)); });
    crypto::verify_password(dummy_hash_, password);
    throw fail();
  }
  if (!crypto::verify_password(user->password_hash, password)) throw fail();
  failures_per_account_.reset(name);
  return issue(*user);
}

IssuedToken AuthService::issue(const store::User& user) {
  crypto::JwtClaims claims;
  claims.sub = user.username;
  claims.jti = crypto::random_token_hex(16);
  claims.iat = unix_now();
  claims.exp = claims.iat + kTokenLifetimeSeconds;
  return {user, crypto::jwt_encode_hs256(claims, jwt_secret_), claims.exp};
}

AuthenticatedUser AuthService::authenticate(std::string_view token) {
  auto result = crypto::jwt_decode_hs256(token, jwt_secret_, unix_now());
  if (!result.claims) throw ApiError::unauthorized("Invalid token: " + result.error);
  if (store_.is_token_revoked(result.claims->jti))
    throw ApiError::unauthorized("Invalid token: token revoked");
  auto user = store_.find_user(result.claims->sub);
  if (!user) throw ApiError::unauthorized("Invalid token: unknown user");
  return {*user, result.claims->jti, result.claims->exp};
}

void AuthService::logout(const AuthenticatedUser& who) {
  store_.revoke_token(who.jti, who.expires_at);
}

void AuthService::set_password(std::string_view username, std::string_view password) {
  std::string name = normalize_username(username);
  check_password(password);
  if (!store_.set_password_hash(name, crypto::hash_password(password)))
    throw ApiError::not_found("No such user: " + name);
}

void AuthService::ensure_instance_user(const std::string& username) {
  if (!store_.find_user(username)) {
    store::NewUser user{username, "", crypto::hash_password(crypto::random_token_hex(32)),
                        iso8601_utc(unix_now())};
    if (store_.create_user(user)) spdlog::info("created instance user '{}'", username);
  }
  if (!keys_.exists(username)) spdlog::info("generating RSA-2048 keys for '{}'", username);
  keys_.ensure(username);
}

std::vector<store::User> AuthService::list_users(int limit, int offset) {
  return store_.list_users(limit, offset);
}

}  // namespace artdag::services
