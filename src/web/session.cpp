#include "web/session.h"

#include "crypto/hash.h"

namespace artdag::web {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::map<std::string, std::string> parse_cookies(const http::Request& request) {
  std::map<std::string, std::string> cookies;
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto pair = trim(rest.substr(0, semi));
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && eq > 0) {
        auto cookie_value = trim(pair.substr(eq + 1));
        if (cookie_value.size() >= 2 && cookie_value.front() == '"' && cookie_value.back() == '"')
          cookie_value = cookie_value.substr(1, cookie_value.size() - 2);
        cookies.emplace(std::string(trim(pair.substr(0, eq))), std::string(cookie_value));
      }
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return cookies;
}

SessionCookies::SessionCookies(bool secure)
    : secure_(secure),
      // __Host- names may only be set with Secure, Path=/ and no Domain: a sibling subdomain
      // cannot plant or shadow them.
      session_name_(secure ? "__Host-artdag_session" : "artdag_session"),
      csrf_name_(secure ? "__Host-artdag_csrf" : "artdag_csrf") {}

std::string SessionCookies::attributes() const {
  return std::string("; Path=/; HttpOnly; SameSite=Lax") + (secure_ ? "; Secure" : "");
}

std::string SessionCookies::session(std::string_view token, long long max_age_seconds) const {
  return session_name_ + "=" + std::string(token) + attributes() +
         "; Max-Age=" + std::to_string(max_age_seconds);
}

std::string SessionCookies::clear_session() const {
  return session_name_ + "=" + attributes() + "; Max-Age=0";
}

std::string SessionCookies::csrf(std::string_view value) const {
  // No Max-Age: it lasts the browser session; a page with a form issues a new one if needed.
  return csrf_name_ + "=" + std::string(value) + attributes();
}

Csrf::Csrf(std::string_view server_secret)
    : key_(crypto::hmac_sha256(server_secret, "artdag-l2 web csrf key v1")) {}

std::string Csrf::new_cookie_value() {
  return crypto::base64url_encode(crypto::random_bytes(32));
}

std::string Csrf::token(std::string_view cookie_value, std::string_view binding) const {
  std::string message = "csrf|" + std::string(cookie_value) + "|" + std::string(binding);
  return crypto::base64url_encode(crypto::hmac_sha256(key_, message));
}

bool Csrf::valid(std::string_view form_token, std::string_view cookie_value,
                 std::string_view binding) const {
  if (form_token.empty() || cookie_value.empty()) return false;
  return crypto::constant_time_equal(form_token, token(cookie_value, binding));
}

}  // namespace artdag::web
