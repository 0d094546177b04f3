#include <charconv>

#include "api/routes.h"
#include "services/registry_service.h"
#include "util/error.h"
#include "util/paging.h"

namespace artdag::api {

void add_asset_routes(Router& router, services::Services& services) {
  router.add("POST", "/assets", [&services](Request& req) {
    auto who = require_user(req, services);
    Json body = json_body(req);
    auto registration = services::RegistryService::parse_registration(body, who.user.username);
    auto registered = services.registry.register_asset(registration);
    auto res = Response::json(201, Json{{"asset", services.registry.asset_json(registered.asset)},
                                        {"activity", registered.activity},
                                        {"proof_url", registered.proof_url}});
    res.set_header("Location", services.uris.base() + "/assets/" + registered.asset.name);
    return res;
  });

  router.add_public("/assets", [&services](Request& req) {
    store::AssetQuery query;
    query.owner = req.query_param("owner");
    query.asset_type = req.query_param("type");
    query.tag = req.query_param("tag");
    query.before_id = parse_cursor(req.query_param("cursor"));
    query.limit = parse_limit(req.query_param("limit"), 20);
    if (query.owner && query.owner->empty()) query.owner.reset();
    if (query.asset_type && query.asset_type->empty()) query.asset_type.reset();
    if (query.tag && query.tag->empty()) query.tag.reset();
    auto listing = services.registry.list_assets(query);
    Json items = Json::array();
    for (const auto& a : listing.assets) items.push_back(services.registry.asset_json(a));
    Json body{{"assets", std::move(items)}, {"limit", query.limit}};
    body["next_cursor"] =
        listing.next_cursor ? Json(std::to_string(*listing.next_cursor)) : Json(nullptr);
    return Response::json(200, body);
  });

  router.add_public("/assets/{name}", [&services](Request& req) {
    return Response::json(
        200, services.registry.asset_json(services.registry.get_asset(req.param("name"))));
  });
}

}  // namespace artdag::api
