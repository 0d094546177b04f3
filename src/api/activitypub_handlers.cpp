// The ActivityPub read side and discovery documents.
#include <charconv>

#include "api/routes.h"
#include "services/publication_service.h"
#include "util/error.h"
#include "util/paging.h"

namespace artdag::api {

namespace {
Response jrd(const Json& doc) {
  return Response::json(200, doc, "application/jrd+json");
}

// CORS lets browser clients read public documents (what Mastodon does for the same paths).
Response public_doc(Response res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  return res;
}

// An ActivityPub document (actor, collection, activity, object). Under authorized fetch
// (ARTDAG_AUTHORIZED_FETCH=1) it answers only GETs signed by an actor of a domain we do not
// block: its answer then depends on who asks, so it is never repeated from the response cache
// (not add_public) and is private to other caches. The instance actor stays public: servers
// that sign their fetches need its key to check ours.
void add_document(Router& router, services::Services& services, const std::string& pattern,
                  http::Handler handler) {
  if (!services.config.authorized_fetch) {
    router.add_public(pattern, std::move(handler));
    return;
  }
  const bool actor_route = pattern == "/users/{username}";
  router.add("GET", pattern, [&services, actor_route, handler = std::move(handler)](Request& req) {
    if (actor_route && req.param("username") == services.config.instance_user) return handler(req);
    const services::federation::SignedGet get{req.target, req.headers, req.remote_address};
    services.federation.inbox.verify_signed_get(get);
    Response res = handler(req);
    res.set_header("Cache-Control", "private");
    return res;
  });
}
}  // namespace

void add_activitypub_routes(Router& router, services::Services& services) {
  auto& pub = services.publication;

  router.add_public("/.well-known/webfinger", [&pub](Request& req) {
    auto resource = req.query_param("resource");
    if (!resource || resource->empty()) throw ApiError::bad_request("Missing resource parameter");
    return public_doc(jrd(pub.webfinger(*resource)));
  });

  router.add_public("/.well-known/nodeinfo", [&services](Request&) {
    return public_doc(Response::json(200, activitypub::nodeinfo_discovery(services.uris)));
  });

  router.add_public("/nodeinfo/2.1", [&pub](Request&) {
    return public_doc(Response::json(
        200, pub.nodeinfo(),
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\""));
  });

  router.add_public("/.well-known/host-meta", [&services](Request&) {
    return public_doc(Response::text(200, activitypub::host_meta_xml(services.uris),
                                     "application/xrd+xml; charset=utf-8"));
  });

  add_document(router, services, "/users/{username}", [&pub](Request& req) {
    return public_doc(Response::activity_json(200, pub.actor(req.param("username"))));
  });

  add_document(router, services, "/users/{username}/outbox", [&pub](Request& req) {
    return public_doc(Response::activity_json(200, pub.outbox(req.param("username"), req.query)));
  });

  add_document(router, services, "/users/{username}/followers", [&pub](Request& req) {
    return public_doc(
        Response::activity_json(200, pub.followers(req.param("username"), req.query)));
  });

  add_document(router, services, "/users/{username}/following", [&pub](Request& req) {
    return public_doc(
        Response::activity_json(200, pub.following(req.param("username"), req.query)));
  });

  // The public log, newest first: {"activities": [...], "next_cursor": "..."}.
  router.add_public("/activities", [&pub](Request& req) {
    const auto before_index = parse_cursor(req.query_param("cursor"), 0);
    const int limit = 50;
    auto rows = pub.log_page(before_index, limit + 1);
    Json items = Json::array();
    const bool more = trim_to_page(rows, limit);
    for (const auto& row : rows) items.push_back(Json::parse(row.json));
    Json body{{"activities", std::move(items)}};
    body["next_cursor"] = more ? Json(std::to_string(rows.back().index)) : Json(nullptr);
    return public_doc(Response::json(200, body));
  });

  add_document(router, services, "/activities/{index}", [&pub](Request& req) {
    return public_doc(
        Response::text(200, pub.activity_wire(req.param("index")), "application/activity+json"));
  });

  add_document(router, services, "/objects/{hash}", [&pub](Request& req) {
    return public_doc(Response::activity_json(200, pub.object(req.param("hash"))));
  });
}

}  // namespace artdag::api
