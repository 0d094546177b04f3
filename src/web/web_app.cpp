#include "web/web_app.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "crypto/hash.h"
#include "util/error.h"
#include "util/identifiers.h"
#include "util/time.h"
#include "util/url.h"
#include "web/embedded.h"
#include "web/html.h"
#include "web/templates.h"

namespace artdag::web {

namespace {
std::string versioned_static(std::string_view name) {
  auto content = embedded::web_file("static/" + std::string(name));
  std::string version = content ? crypto::hex_encode(crypto::sha256(*content)).substr(0, 12) : "0";
  return "/static/" + std::string(name) + "?v=" + version;
}

bool plausible_cookie_value(std::string_view value) {
  if (value.empty() || value.size() > 128) return false;
  for (char c : value)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

// Messages a redirect may ask the next page to show (never text from the query itself).
const char* notice_text(std::string_view key) {
  if (key == "logged-out") return "You have been logged out.";
  if (key == "welcome") return "Welcome! Your account is ready and you are logged in.";
  if (key == "logged-in") return "You are logged in.";
  if (key == "registered") return "Registered and signed. Your claim is in the public log.";
  if (key == "detached") return "Renderer detached.";
  return nullptr;
}

const char* error_heading(int status) {
  switch (status) {
    case 400:
      return "That request was not understood";
    case 401:
      return "Please log in";
    case 403:
      return "Not allowed";
    case 404:
      return "Page not found";
    case 405:
      return "Method not allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Too large";
    case 415:
      return "Unsupported form";
    case 422:
      return "Invalid input";
    case 429:
      return "Too many requests";
    case 502:
      return "An upstream server failed";
    case 503:
      return "Temporarily unavailable";
    default:
      return status >= 500 ? "Something went wrong" : "Request failed";
  }
}

struct NavItem {
  const char* key;
  const char* label;
  const char* href;
};
constexpr NavItem kNav[] = {{"assets", "Assets", "/assets"},
                            {"activities", "Activities", "/activities"},
                            {"users", "Users", "/users"},
                            {"renderers", "Renderers", "/renderers"}};
}  // namespace

WebApp::WebApp(services::Services& svc)
    : services(svc),
      cookies(svc.uris.base().rfind("https://", 0) == 0),
      csrf(svc.config.jwt_secret),
      css_href(versioned_static("style.css")),
      icon_href(versioned_static("favicon.svg")),
      readme_html(markdown_to_html(embedded::readme_markdown())) {}

Page::Page(WebApp& app, const http::Request& request)
    : app_(app), request_(request), cookies_(parse_cookies(request)) {
  if (auto it = cookies_.find(app_.cookies.session_name()); it != cookies_.end()) {
    try {
      user_ = app_.services.auth.authenticate(it->second);
      session_token_ = it->second;
    } catch (const ApiError&) {
      add_cookie(app_.cookies.clear_session());  // expired, revoked or forged: forget it
    }
  }
  if (auto it = cookies_.find(app_.cookies.csrf_name());
      it != cookies_.end() && plausible_cookie_value(it->second))
    csrf_cookie_ = it->second;
}

const services::AuthenticatedUser& Page::require_user() {
  if (!user_) {
    std::string back = request_.path + (request_.query.empty() ? "" : "?" + request_.query);
    throw RedirectTo("/login?next=" + encode_query_value(safe_next(back)));
  }
  return *user_;
}

std::string Page::csrf_token() {
  if (csrf_cookie_.empty()) {
    csrf_cookie_ = Csrf::new_cookie_value();
    add_cookie(app_.cookies.csrf(csrf_cookie_));
  }
  return app_.csrf.token(csrf_cookie_, user_ ? user_->jti : "");
}

std::map<std::string, std::string> Page::checked_form() {
  if (request_.content_type() != "application/x-www-form-urlencoded")
    throw ApiError::unsupported_media_type(
        "Forms must be sent as application/x-www-form-urlencoded");
  auto form = http::parse_form(request_.body);
  if (!form) throw ApiError::bad_request("The form could not be read");
  auto token = form->find("csrf_token");
  if (token == form->end() ||
      !app_.csrf.valid(token->second, csrf_cookie_, user_ ? user_->jti : ""))
    throw ApiError::forbidden(
        "This form has expired or was not sent from this site. Go back, reload the page and "
        "try again.");
  return std::move(*form);
}

void Page::add_cookie(std::string set_cookie_value) {
  set_cookies_.push_back(std::move(set_cookie_value));
}

void Page::start_session(const services::IssuedToken& issued) {
  long long max_age = std::max<long long>(0, issued.expires_at - unix_now());
  add_cookie(app_.cookies.session(issued.access_token, max_age));
  user_ = app_.services.auth.authenticate(issued.access_token);
  session_token_ = issued.access_token;
}

void Page::end_session() {
  add_cookie(app_.cookies.clear_session());
  user_.reset();
  session_token_.clear();
}

http::Response Page::render(int status, std::string_view page, std::string_view title, Json view,
                            std::string_view nav) {
  view["title"] = title;
  view["css_href"] = app_.css_href;
  view["icon_href"] = app_.icon_href;
  view["version"] = ARTDAG_VERSION;
  view["domain"] = app_.services.uris.domain();
  Json items = Json::array();
  for (const auto& item : kNav)
    items.push_back({{"label", item.label}, {"href", item.href}, {"current", nav == item.key}});
  view["nav"] = std::move(items);
  if (user_) {
    view["session"] = {{"username", user_->user.username},
                       {"profile_href", user_href(user_->user.username)},
                       {"csrf_token", csrf_token()}};
  } else {
    view["session"] = false;
  }
  if (auto notice = request_.query_param("notice"))
    if (const char* text = notice_text(*notice)) view["flash"] = text;
  return finish(http::Response::html(status, render_page(page, view)));
}

http::Response Page::redirect(std::string_view location) {
  return finish(http::Response::redirect(303, std::string(location)));
}

http::Response Page::error(int status, std::string_view detail) {
  Json view{{"status", status}, {"heading", error_heading(status)}, {"detail", detail}};
  return render(status, "error", error_heading(status), std::move(view));
}

http::Response Page::error(const http::ErrorAnswer& answer) {
  auto response = error(answer.status, answer.detail);
  for (const auto& [name, value] : answer.headers)
    if (name != "WWW-Authenticate") response.set_header(name, value);
  return response;
}

http::Response Page::finish(http::Response response) {
  for (auto& cookie : set_cookies_) response.headers.emplace_back("Set-Cookie", cookie);
  set_cookies_.clear();
  if (!response.header("Content-Security-Policy")) add_security_headers(response, form_targets_);
  // Pages show who is logged in and carry CSRF tokens: never cache them.
  response.set_header("Cache-Control", "no-store");
  return response;
}

http::Handler page_route(std::shared_ptr<WebApp> app, PageHandler handler) {
  return [app = std::move(app), handler = std::move(handler)](http::Request& request) {
    Page page(*app, request);
    try {
      return handler(request, page);
    } catch (const RedirectTo& redirect) {
      return page.redirect(redirect.location());
    } catch (...) {
      return page.error(http::error_answer(std::current_exception(), request));
    }
  };
}

void add_security_headers(http::Response& response, std::string_view form_targets) {
  std::string form_action = "'self'";
  if (!form_targets.empty()) form_action += " " + std::string(form_targets);
  response.set_header("Content-Security-Policy",
                      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action " +
                          form_action + "; frame-ancestors 'none'; base-uri 'none'");
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Referrer-Policy", "same-origin");
  response.set_header("Cross-Origin-Opener-Policy", "same-origin");
}

std::string safe_next(std::string_view next) {
  if (next.empty() || next.size() > 1024 || next.front() != '/') return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char c : next)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return "/";
  return std::string(next);
}

Json asset_types_view(std::string_view selected) {
  Json out = Json::array();
  for (std::string_view type : kAssetTypes)
    out.push_back({{"value", type}, {"selected", selected == type}});
  return out;
}

std::string user_href(std::string_view username) {
  return "/users/" + encode_path_segment(username);
}

std::string asset_href(std::string_view name) {
  return "/asset/" + encode_path_segment(name);
}

std::string tag_href(std::string_view tag) {
  return "/assets?tag=" + encode_query_value(tag);
}

Json asset_summary_view(const store::Asset& asset) {
  Json tags = Json::array();
  for (const auto& tag : asset.tags) tags.push_back({{"name", tag}, {"href", tag_href(tag)}});
  return {{"name", asset.name},
          {"href", asset_href(asset.name)},
          {"content_hash", asset.content_hash},
          {"short_hash", short_hash(asset.content_hash)},
          {"asset_type", asset.asset_type},
          {"owner", asset.owner},
          {"owner_href", user_href(asset.owner)},
          {"tags", std::move(tags)},
          {"created_at", asset.created_at},
          {"created_display", display_time(asset.created_at)}};
}

Json activity_row_view(const store::Activity& activity) {
  Json row{{"index", activity.index},
           {"href", "/activities/" + std::to_string(activity.index)},
           {"type", activity.type},
           {"actor", activity.actor},
           {"actor_href", activity.actor.empty() ? "" : user_href(activity.actor)},
           {"published", activity.published},
           {"published_display", display_time(activity.published)},
           {"object_href", ""},
           {"object_label", ""}};
  if (!activity.object_hash.empty()) {
    row["object_href"] = "/objects/" + encode_path_segment(activity.object_hash);
    std::string label = short_hash(activity.object_hash);
    Json doc = Json::parse(activity.json, nullptr, false);
    if (doc.is_object()) {
      auto object = doc.find("object");
      if (object != doc.end() && object->is_object()) {
        auto name = object->find("name");
        if (name != object->end() && name->is_string()) label = name->get<std::string>();
      }
    }
    row["object_label"] = label;
  }
  return row;
}

}  // namespace artdag::web
