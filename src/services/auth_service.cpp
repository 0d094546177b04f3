#include "services/auth_service.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <regex>

#include "crypto/hash.h"
#include "crypto/jwt.h"
#include "crypto/password.h"
#include "util/error.h"
#include "util/identifiers.h"
#include "util/metrics.h"
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
                            std::chrono::seconds(limits.failed_login_window_seconds)),
      failures_account_wide_(limits.failed_logins_account_wide,
                             std::chrono::seconds(limits.failed_login_window_seconds)) {}

std::string AuthService::normalize_username(std::string_view username) {
  std::string name = ascii_lower(username);
  if (!is_valid_username(name))
    throw ApiError::unprocessable(std::string(kUsernameRule)).with_field("username");
  return name;
}

void AuthService::limit_client(std::string_view client) {
  if (client.empty()) return;
  if (auto wait = attempts_per_client_.acquire(client_key(client))) {
    metrics::rate_limited("auth_address");
    throw ApiError::too_many_requests(
        "Too many login or registration attempts from this address; try again in " +
            std::to_string(wait->count()) + " seconds",
        *wait);
  }
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
  // Failures are counted per (account, client key): someone else's wrong guesses never lock
  // the owner's address out. Only failures take tokens, so a correct password from an
  // address without failures always gets in; concurrent guesses from one address are
  // bounded by the per-address attempt limit above. Account-wide, a much higher threshold
  // stops addresses that have failed on the account from trying again (a distributed
  // guesser gets one try per fresh address). Unknown names are limited like real ones, so
  // a 429 says nothing about which accounts exist.
  const std::string pair = name + "|" + (client.empty() ? "" : client_key(client));
  const auto locked = [](std::chrono::seconds wait) {
    metrics::rate_limited("login_account");
    return ApiError::too_many_requests("Too many failed logins for this account; try again in " +
                                           std::to_string(wait.count()) + " seconds",
                                       wait);
  };
  if (auto wait = failures_per_account_.check(pair)) throw locked(*wait);
  if (failures_per_account_.spent(pair)) {
    if (auto wait = failures_account_wide_.check(name)) throw locked(*wait);
  }
  const auto failed = [&] {
    failures_per_account_.consume(pair);
    failures_account_wide_.consume(name);
    return fail();
  };
  auto user = store_.find_user(name);
  if (!user) {
    // Made on first need, not at start: one Argon2id hash is ~150 ms and ~19 MiB.
    std::call_once(dummy_hash_once_,
                   [this] { dummy_hash_ = crypto::hash_password(crypto::random_token_hex(16)); });
    crypto::verify_password(dummy_hash_, password);
    throw failed();
  }
  if (!crypto::verify_password(user->password_hash, password)) throw failed();
  failures_per_account_.reset(pair);
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

std::pair<crypto::JwtClaims, store::User> AuthService::check_token(std::string_view token) {
  auto result = crypto::jwt_decode_hs256(token, jwt_secret_, unix_now());
  if (!result.claims) throw ApiError::unauthorized("Invalid token: " + result.error);
  if (store_.is_token_revoked(result.claims->jti))
    throw ApiError::unauthorized("Invalid token: token revoked");
  auto user = store_.find_user(result.claims->sub);
  if (!user) throw ApiError::unauthorized("Invalid token: unknown user");
  if (result.claims->iat < user->tokens_valid_after)
    throw ApiError::unauthorized("Invalid token: issued before the password was changed");
  return {std::move(*result.claims), std::move(*user)};
}

AuthenticatedUser AuthService::authenticate(std::string_view token) {
  auto [claims, user] = check_token(token);
  if (!claims.scope.empty() || !claims.aud.empty())
    throw ApiError::unauthorized("Invalid token: not a session token");
  return {user, claims.jti, claims.exp};
}

std::string AuthService::issue_l1_token(const std::string& username, const std::string& audience) {
  crypto::JwtClaims claims;
  claims.sub = username;
  claims.jti = crypto::random_token_hex(16);
  claims.iat = unix_now();
  claims.exp = claims.iat + kL1TokenLifetimeSeconds;
  claims.aud = audience;
  claims.scope = kL1Scope;
  return crypto::jwt_encode_hs256(claims, jwt_secret_);
}

AuthenticatedUser AuthService::verify_l1_token(std::string_view token,
                                               const std::string& audience) {
  std::lock_guard lock(l1_use_mu_);
  auto [claims, user] = check_token(token);
  if (claims.scope != kL1Scope)
    throw ApiError::unauthorized("Invalid token: not an L1 token (a renderer gets its own)");
  if (claims.aud != audience) throw ApiError::unauthorized("Invalid token: for another L1 server");
  // Single use: the first verify spends it (the revocation list keeps it until it expires).
  store_.revoke_token(claims.jti, claims.exp);
  return {user, claims.jti, claims.exp};
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

void AuthService::set_role(std::string_view username, std::string_view role) {
  if (role != "user" && role != "admin")
    throw ApiError::unprocessable("role must be 'user' or 'admin'").with_field("role");
  const std::string name = normalize_username(username);
  if (!store_.set_user_role(name, std::string(role)))
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
