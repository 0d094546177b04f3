#pragma once
// Browser sessions: the cookie that carries the bearer token, and CSRF tokens.
//
// CSRF defence is a signed double submit: a random value lives in its own HttpOnly cookie,
// and every state-changing form carries HMAC(key, value | binding), where the binding is the
// session's token id (jti) or "" when logged out. A forged request from another site has
// neither the cookie value nor the key; a token taken from one session is useless in another.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace artdag::web {

// Cookie name → value from every Cookie header (first wins).
std::map<std::string, std::string> parse_cookies(const http::Request& request);

class SessionCookies {
 public:
  // secure: the site is served over https (Secure attribute, __Host- prefixed names).
  explicit SessionCookies(bool secure);

  const std::string& session_name() const { return session_name_; }
  const std::string& csrf_name() const { return csrf_name_; }

  // Set-Cookie values.
  std::string session(std::string_view token, long long max_age_seconds) const;
  std::string clear_session() const;
  std::string csrf(std::string_view value) const;

 private:
  std::string attributes() const;
  bool secure_;
  std::string session_name_;
  std::string csrf_name_;
};

class Csrf {
 public:
  // The key is derived from the server secret, so it survives restarts with it.
  explicit Csrf(std::string_view server_secret);

  static std::string new_cookie_value();  // 32 random bytes, base64url
  std::string token(std::string_view cookie_value, std::string_view binding) const;
  // Constant-time comparison; false for an empty cookie value or token.
  bool valid(std::string_view form_token, std::string_view cookie_value,
             std::string_view binding) const;

 private:
  std::string key_;
};

}  // namespace artdag::web
