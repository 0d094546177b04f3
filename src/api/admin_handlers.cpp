// The admin's API: domain blocks, the same operations as `artdag-l2 domain-block`, for a
// user whose role is admin (`artdag-l2 set-role NAME admin`).
#include "api/routes.h"
#include "services/federation/federation_service.h"
#include "util/error.h"

namespace artdag::api {

namespace {

Json block_json(const store::DomainBlock& block) {
  return Json{{"host", block.host}, {"reason", block.reason}, {"created_at", block.created_at}};
}

}  // namespace

void add_admin_routes(Router& router, services::Services& services) {
  auto& federation = services.federation;
  router.add("GET", "/admin/domain-blocks", [&](Request& req) {
    require_admin(req, services);
    Json blocks = Json::array();
    for (const auto& block : federation.domain_blocks()) blocks.push_back(block_json(block));
    return Response::json(200, Json{{"blocks", std::move(blocks)}});
  });
  router.add("POST", "/admin/domain-blocks", [&](Request& req) {
    require_admin(req, services);
    const Json body = json_body(req);
    const std::string host =
        required_string(body, "host", services::federation::FederationService::kMaxBlockHostLength);
    std::string reason;
    if (auto it = body.find("reason"); it != body.end() && !it->is_null()) {
      if (!it->is_string())
        throw ApiError::unprocessable("reason must be a string").with_field("reason");
      reason = it->get<std::string>();
    }
    const auto effect = federation.block_domain(host, reason);
    return Response::json(effect.added ? 201 : 200,
                          Json{{"host", *services::federation::domain_block_host(host)},
                               {"reason", reason},
                               {"added", effect.added},
                               {"followers_removed", effect.followers_removed},
                               {"deliveries_dropped", effect.deliveries_dropped}});
  });
  router.add("DELETE", "/admin/domain-blocks/{host}", [&](Request& req) {
    require_admin(req, services);
    if (!federation.unblock_domain(req.param("host")))
      throw ApiError::not_found("That domain is not blocked");
    return Response::json(
        200, Json{{"host", *services::federation::domain_block_host(req.param("host"))},
                  {"unblocked", true}});
  });
}

}  // namespace artdag::api
