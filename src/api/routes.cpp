#include "api/routes.h"

#include "util/error.h"

namespace artdag::api {

services::AuthenticatedUser require_user(const Request& request, services::Services& services) {
  auto token = bearer_token(request);
  if (!token) throw ApiError::unauthorized("Not authenticated");
  return services.auth.authenticate(*token);
}

services::AuthenticatedUser require_admin(const Request& request, services::Services& services) {
  auto who = require_user(request, services);
  if (who.user.role != "admin") throw ApiError::forbidden("Only an admin may do this");
  return who;
}

void add_api_routes(Router& router, services::Services& services) {
  add_health_routes(router, services);
  add_auth_routes(router, services);
  add_asset_routes(router, services);
  add_activitypub_routes(router, services);
  add_l1_routes(router, services);
  add_federation_routes(router, services);
  add_admin_routes(router, services);
  add_log_routes(router, services);
  add_docs_routes(router, services);
}

}  // namespace artdag::api
