// Federation: the inboxes, and what users do towards other servers (follow, unfollow,
// share) with what they read back (their follows, remote claims received).
#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>

#include "api/routes.h"
#include "services/federation/federation_service.h"
#include "util/error.h"
#include "util/paging.h"
#include "util/text.h"

namespace artdag::api {

namespace {

constexpr std::size_t kMaxTargetLength = 2048;

Response receive(services::Services& services, Request& req, std::optional<std::string> username) {
  const services::federation::InboxPost post{req.method, req.target,          req.headers,
                                             req.body,   std::move(username), req.remote_address};
  auto result = services.federation.inbox.receive(post);
  spdlog::debug("inbox {}: {} ({})", req.path, result.outcome_name(), result.note);
  auto response =
      Response::json(202, Json{{"result", result.outcome_name()}, {"note", result.note}});
  response.set_header("Vary", std::string(services::federation::kInboxVary));
  return response;
}

// The caller, who must be the user named in the path: 401 without a valid token, 403 for
// anyone else.
std::string require_self(Request& req, services::Services& services) {
  auto who = require_user(req, services);
  if (ascii_lower(req.param("username")) != who.user.username)
    throw ApiError::forbidden("Only the user themself may do this");
  return who.user.username;
}

Json following_json(const store::Following& f) {
  return Json{{"target", f.target_actor_url},
              {"state", f.state},
              {"follow_activity_id", f.follow_activity_id},
              {"created_at", f.created_at}};
}

}  // namespace

void add_federation_routes(Router& router, services::Services& services) {
  auto& follows = services.federation.follows;

  router.add("POST", "/inbox",
             [&services](Request& req) { return receive(services, req, std::nullopt); });
  router.add("POST", "/users/{username}/inbox", [&services](Request& req) {
    return receive(services, req, ascii_lower(req.param("username")));
  });

  // {"target": "acct:user@host" | actor URL} → 202 with the Follow sent.
  router.add("POST", "/users/{username}/following", [&services, &follows](Request& req) {
    const auto username = require_self(req, services);
    const Json body = json_body(req);
    const auto target = required_string(body, "target", kMaxTargetLength);
    auto outcome = follows.follow(username, target);
    Json out = following_json(outcome.following);
    out["activity"] = std::move(outcome.activity);
    out["sent"] = outcome.sent;
    return Response::json(202, out);
  });

  // ?target=acct:user@host | actor URL → 202 with the Undo sent; 404 when not following.
  router.add("DELETE", "/users/{username}/following", [&services, &follows](Request& req) {
    const auto username = require_self(req, services);
    const auto target = req.query_param("target");
    if (!target || target->empty())
      throw ApiError::unprocessable("Query parameter 'target' is required");
    if (target->size() > kMaxTargetLength)
      throw ApiError::unprocessable("Query parameter 'target' is too long");
    return Response::json(202, Json{{"activity", follows.unfollow(username, *target)}});
  });

  // The caller's follows with their state (pending until the remote Accept), newest first.
  router.add("GET", "/users/{username}/follows", [&services, &follows](Request& req) {
    const auto username = require_self(req, services);
    const int limit = parse_limit(req.query_param("limit"), 20);
    auto rows = follows.following(username, parse_cursor(req.query_param("cursor")), limit + 1);
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) rows.resize(limit);
    Json items = Json::array();
    for (const auto& row : rows) items.push_back(following_json(row));
    Json body{{"following", std::move(items)}};
    body["next_cursor"] = more ? Json(std::to_string(rows.back().id)) : Json(nullptr);
    return Response::json(200, body);
  });

  // Announce the asset to the caller's followers → 202 with the signed Announce.
  router.add("POST", "/assets/{name}/share", [&services, &follows](Request& req) {
    const auto who = require_user(req, services);
    return Response::json(202,
                          Json{{"activity", follows.share(who.user.username, req.param("name"))}});
  });

  // Claims (Creates) received from followed remote actors, newest first; ?actor= filters.
  router.add("GET", "/remote-claims", [&follows](Request& req) {
    const auto actor = req.query_param("actor").value_or("");
    const int limit = parse_limit(req.query_param("limit"), 20);
    Json items = Json::array();
    for (const auto& claim : follows.remote_claims(actor, limit)) {
      Json activity = Json::parse(claim.json, nullptr, false);
      items.push_back(Json{
          {"activity_id", claim.activity_id},
          {"actor", claim.actor_url},
          {"object_id", claim.object_id},
          {"content_hash", claim.content_hash.empty() ? Json(nullptr) : Json(claim.content_hash)},
          {"received_at", claim.received_at},
          {"activity", activity.is_discarded() ? Json(nullptr) : activity}});
    }
    return Response::json(200, Json{{"claims", std::move(items)}});
  });
}

}  // namespace artdag::api
