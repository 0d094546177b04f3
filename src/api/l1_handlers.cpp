// L1 integration over the JSON API: record-run, token verification for L1 servers, and
// renderer attachments. The HTML /renderers page (web/) sits on the same L1Service.
#include <set>

#include "api/routes.h"
#include "services/l1_service.h"
#include "util/error.h"
#include "util/url.h"

namespace artdag::api {

namespace {

Json renderer_json(const services::RendererEntry& entry) {
  Json j{{"l1_server", entry.l1_server},
         {"configured", entry.configured},
         {"attached", entry.attached}};
  j["attached_at"] = entry.attached ? Json(entry.attached_at) : Json(nullptr);
  return j;
}

std::string field(const std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.empty())
    throw ApiError::unprocessable(std::string("Field '") + name + "' is required");
  if (it->second.size() > 2048)
    throw ApiError::unprocessable(std::string("Field '") + name + "' is too long");
  return it->second;
}

}  // namespace

void add_l1_routes(Router& router, services::Services& services) {
  // {run_id, l1_server, output_name} → 201 {asset, activity}, like POST /assets.
  router.add("POST", "/assets/record-run", [&services](Request& req) {
    auto who = require_user(req, services);
    Json body = json_body(req);
    static const std::set<std::string> known = {"run_id", "l1_server", "output_name"};
    for (const auto& [key, value] : body.items())
      if (!known.count(key)) throw ApiError::unprocessable("Unknown field '" + key + "'");
    auto l1_server = required_string(body, "l1_server", 2048);
    auto run_id = required_string(body, "run_id", 2048);
    auto output_name = required_string(body, "output_name", 2048);
    auto registered = services.l1.record_run(who.user.username, l1_server, run_id, output_name);
    auto res = Response::json(201, Json{{"asset", services.registry.asset_json(registered.asset)},
                                        {"activity", registered.activity},
                                        {"proof_url", registered.proof_url}});
    res.set_header("Location", services.uris.base() + "/assets/" + registered.asset.name);
    return res;
  });

  // For L1 servers: Authorization: Bearer <user token>, body {"l1_server": "<its URL>"}.
  // The caller's identity is checked before the token, so only listed L1 servers learn
  // anything about a token.
  router.add("POST", "/auth/verify", [&services](Request& req) {
    auto fields = fields_body(req);
    auto verified = services.l1.verify_token(field(fields, "l1_server"), bearer_token(req));
    auto res = Response::json(
        200,
        Json{{"valid", true}, {"username", verified.username}, {"actor_id", verified.actor_id}});
    res.set_header("Cache-Control", "no-store");
    return res;
  });

  // L1_SERVERS with the caller's attachment state; the token is optional (anonymous: nothing
  // attached), but a token that is given must be valid.
  router.add("GET", "/renderers", [&services](Request& req) {
    std::optional<std::string> username;
    if (bearer_token(req)) username = require_user(req, services).user.username;
    Json list = Json::array();
    for (const auto& entry : services.l1.list_for_user(username))
      list.push_back(renderer_json(entry));
    Json body{{"renderers", std::move(list)}};
    body["username"] = username ? Json(*username) : Json(nullptr);
    auto res = Response::json(200, body);
    res.set_header("Cache-Control", "no-store");
    return res;
  });

  // {l1_server} (JSON or form) → 302 to {l1}/auth?auth_token=<the caller's token>.
  router.add("POST", "/renderers/attach", [&services](Request& req) {
    auto who = require_user(req, services);
    auto fields = fields_body(req);
    auto l1_server = field(fields, "l1_server");
    auto location = services.l1.attach(who.user.username, l1_server);
    auto res = Response::json(302, Json{{"l1_server", *services.l1.configured_server(l1_server)},
                                        {"attached", true},
                                        {"location", location}});
    res.set_header("Location", location);
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    return res;
  });

  // {l1_server} (JSON or form) → 200 {l1_server, attached: false, detached: was it attached}.
  router.add("POST", "/renderers/detach", [&services](Request& req) {
    auto who = require_user(req, services);
    auto fields = fields_body(req);
    auto l1_server = field(fields, "l1_server");
    bool removed = services.l1.detach(who.user.username, l1_server);
    return Response::json(200, Json{{"l1_server", *normalize_server_url(l1_server)},
                                    {"attached", false},
                                    {"detached", removed}});
  });
}

}  // namespace artdag::api
