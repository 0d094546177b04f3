#pragma once
// Internal to web/: what the page handlers share, the per-request Page, and the route groups
// (one file each).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "http/error_response.h"
#include "http/message.h"
#include "http/router.h"
#include "services/auth_service.h"
#include "services/services.h"
#include "util/json.h"
#include "web/session.h"

namespace artdag::web {

// Built once by add_web_routes; lives as long as the router.
struct WebApp {
  explicit WebApp(services::Services& services);

  services::Services& services;
  SessionCookies cookies;
  Csrf csrf;
  std::string css_href;     // "/static/style.css?v=<content hash>": cached for a year
  std::string icon_href;    // the same for the favicon
  std::string readme_html;  // README.md rendered once
};

// Thrown by a handler to send the browser elsewhere with 303 See Other.
class RedirectTo : public std::runtime_error {
 public:
  explicit RedirectTo(std::string location) : std::runtime_error(std::move(location)) {}
  std::string location() const { return what(); }
};

// One request as the pages see it: who is logged in (from the session cookie), the CSRF
// cookie, and the cookies to set on the response.
class Page {
 public:
  Page(WebApp& app, const http::Request& request);

  WebApp& app() { return app_; }
  services::Services& services() { return app_.services; }
  const http::Request& request() const { return request_; }

  const std::optional<services::AuthenticatedUser>& user() const { return user_; }
  // The logged-in user's bearer token (from the session cookie); empty when logged out.
  const std::string& session_token() const { return session_token_; }
  // The logged-in user; otherwise throws RedirectTo the login page (which comes back here).
  const services::AuthenticatedUser& require_user();

  // The CSRF token for forms on this page; issues the CSRF cookie when the browser has none.
  std::string csrf_token();
  // The application/x-www-form-urlencoded body of this POST with its CSRF token checked:
  // ApiError 403 when the token is missing or wrong, 415/400 for other or malformed bodies.
  std::map<std::string, std::string> checked_form();

  void add_cookie(std::string set_cookie_value);
  // Origins this page's forms may post or be redirected to, besides 'self' (CSP form-action).
  void allow_form_targets(std::string origins) { form_targets_ = std::move(origins); }
  // After login or logout in this request: the session cookie, and whom the page shows.
  void start_session(const services::IssuedToken& issued);
  void end_session();

  // A page inside the layout. `nav` marks the current section ("assets", ...).
  http::Response render(int status, std::string_view page, std::string_view title, Json view,
                        std::string_view nav = "");
  http::Response redirect(std::string_view location);  // 303 See Other, cookies kept
  http::Response error(int status, std::string_view detail);
  // An error as http::error_answer() describes it, with its headers (Retry-After, ...);
  // WWW-Authenticate is left out: browsers log in through the form, not a challenge.
  http::Response error(const http::ErrorAnswer& answer);

 private:
  http::Response finish(http::Response response);

  WebApp& app_;
  const http::Request& request_;
  std::map<std::string, std::string> cookies_;
  std::optional<services::AuthenticatedUser> user_;
  std::string session_token_;
  std::string form_targets_;
  std::string csrf_cookie_;  // the browser's value, or the one issued now
  std::vector<std::string> set_cookies_;
};

using PageHandler = std::function<http::Response(http::Request&, Page&)>;

// Wraps a page handler: builds the Page; ApiError, StoreUnavailable and other failures become
// HTML error pages; every response gets the security headers.
http::Handler page_route(std::shared_ptr<WebApp> app, PageHandler handler);

// Content-Security-Policy and friends. `form_targets`: extra origins forms may post to (or
// redirect to after a post), space separated; empty for 'self' only.
void add_security_headers(http::Response& response, std::string_view form_targets = "");

// A local path to return to after login: only "/..." (not "//..." nor "/\..."), else "/".
std::string safe_next(std::string_view next);

// ---- view models shared by several pages ----
Json asset_types_view(std::string_view selected);         // [{value, selected}]
Json asset_summary_view(const store::Asset& asset);       // a row of the asset table
Json activity_row_view(const store::Activity& activity);  // a row of the activity log
std::string user_href(std::string_view username);         // "/users/{u}"
std::string asset_href(std::string_view name);            // "/asset/{name}"
std::string tag_href(std::string_view tag);               // "/assets?tag=..."

// ---- route groups ----
void add_home_pages(http::Router& router, const std::shared_ptr<WebApp>& app);
void add_asset_pages(http::Router& router, const std::shared_ptr<WebApp>& app);
void add_activity_pages(http::Router& router, const std::shared_ptr<WebApp>& app);
void add_user_pages(http::Router& router, const std::shared_ptr<WebApp>& app);
void add_account_pages(http::Router& router, const std::shared_ptr<WebApp>& app);
void add_renderer_pages(http::Router& router, const std::shared_ptr<WebApp>& app);
void add_docs_pages(http::Router& router, const std::shared_ptr<WebApp>& app);

}  // namespace artdag::web

namespace artdag::web {

// A claim's signature checked server-side: the Art DAG RsaSignature2017 block verified with
// activitypub::verify_claim against the owner's public key, and its creator must be that key.
struct ClaimCheck {
  bool is_signed = false;  // the activity has a signature block
  bool valid = false;
  std::string reason;   // why not valid, fit to show
  std::string created;  // the signature's `created`
};
ClaimCheck check_claim(services::Services& services, const Json& activity,
                       const std::string& owner);

}  // namespace artdag::web
