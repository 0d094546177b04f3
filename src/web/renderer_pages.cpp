// /renderers (HTML variant): attach and detach the configured L1 render servers, and
// /record-run: record a completed L1 run as an owned asset. Both go through L1Service, the
// same code as the JSON API.
#include "services/l1_service.h"
#include "util/error.h"
#include "web/html.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {
std::string field(const std::map<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Attaching ends in a redirect to the L1 server, which CSP form-action must allow.
std::string l1_origins(const services::L1Service& l1) {
  std::string out;
  for (const auto& server : l1.servers()) out += (out.empty() ? "" : " ") + server;
  return out;
}

http::Response renderers(http::Request&, Page& page) {
  auto& l1 = page.services().l1;
  std::optional<std::string> username;
  if (page.user()) username = page.user()->user.username;
  Json list = Json::array();
  for (const auto& entry : l1.list_for_user(username))
    list.push_back({{"l1_server", entry.l1_server},
                    {"configured", entry.configured},
                    {"attached", entry.attached},
                    {"attached_at", entry.attached_at},
                    {"attached_display", display_time(entry.attached_at)},
                    {"can_attach", username.has_value() && entry.configured && !entry.attached},
                    {"can_detach", username.has_value() && entry.attached}});
  Json view{{"renderers", list},
            {"has_renderers", !list.empty()},
            {"logged_in", username.has_value()},
            {"csrf_token", username ? page.csrf_token() : ""}};
  page.allow_form_targets(l1_origins(l1));
  return page.render(200, "renderers", "Renderers", std::move(view), "renderers");
}

http::Response change(http::Request&, Page& page) {
  const auto& who = page.require_user();
  auto form = page.checked_form();
  auto& l1 = page.services().l1;
  std::string server = field(form, "l1_server");
  std::string action = field(form, "action");
  if (action == "attach") {
    page.allow_form_targets(l1_origins(l1));
    return page.redirect(l1.attach(who.user.username, server));
  }
  if (action == "detach") {
    l1.detach(who.user.username, server);
    return page.redirect("/renderers?notice=detached");
  }
  throw ApiError::unprocessable("Choose to attach or detach a renderer.");
}

// Which field of the record-run form an error is about ("" for the form as a whole).
std::string error_field(int status, std::string_view detail) {
  auto has = [detail](std::string_view s) { return detail.find(s) != std::string_view::npos; };
  if (has("l1_server")) return "l1_server";
  if (has("Asset name") || has("asset named")) return "output_name";
  if (status == 502 || has("Content hash")) return "";
  if (has("run_id") || has("no run with that id") || has("already recorded") ||
      has("not completed") || has("another user"))
    return "run_id";
  return "";
}

http::Response record_form(Page& page, int status, const Json& values, const Json& errors,
                           const std::string& form_error) {
  Json servers = Json::array();
  std::string selected = values.value("l1_server", std::string());
  for (const auto& server : page.services().l1.servers())
    servers.push_back({{"value", server}, {"selected", server == selected}});
  Json view{{"values", values},
            {"errors", errors},
            {"form_error", form_error},
            {"servers", std::move(servers)},
            {"has_servers", !page.services().l1.servers().empty()},
            {"csrf_token", page.csrf_token()}};
  return page.render(status, "record_run", "Record an L1 run", std::move(view));
}

http::Response record(http::Request&, Page& page) {
  const auto& who = page.require_user();
  auto form = page.checked_form();
  Json values{{"l1_server", trimmed(field(form, "l1_server"))},
              {"run_id", trimmed(field(form, "run_id"))},
              {"output_name", trimmed(field(form, "output_name"))}};
  try {
    auto registered = page.services().l1.record_run(
        who.user.username, values["l1_server"].get<std::string>(),
        values["run_id"].get<std::string>(), values["output_name"].get<std::string>());
    return page.redirect(asset_href(registered.asset.name) + "?notice=registered");
  } catch (const ApiError& e) {
    const bool about_the_form = (e.status() >= 400 && e.status() < 500) || e.status() == 502;
    if (!about_the_form) throw;
    std::string name = error_field(e.status(), e.detail());
    Json errors = Json::object();
    if (!name.empty()) errors[name] = e.detail();
    return record_form(page, e.status(), values, errors, name.empty() ? e.detail() : "");
  }
}
}  // namespace

void add_renderer_pages(http::Router& router, const std::shared_ptr<WebApp>& app) {
  router.add_html("GET", "/renderers", page_route(app, renderers));
  router.add("POST", "/renderers", page_route(app, change));
  router.add("GET", "/record-run", page_route(app, [](http::Request&, Page& page) {
               page.require_user();
               return record_form(page, 200, Json::object(), Json::object(), "");
             }));
  router.add("POST", "/record-run", page_route(app, record));
}

}  // namespace artdag::web
