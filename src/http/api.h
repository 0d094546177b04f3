#pragma once
// Builds the server's request handler: every route, plus the one place that maps errors
// (ApiError → its status, StoreUnavailable → 503, anything else → logged 500).
#include "http/router.h"
#include "http/server.h"
#include "services/services.h"

namespace artdag::http {

// Route groups, one per handler file under http/handlers/.
void add_health_routes(Router& router, services::Services& services);
void add_auth_routes(Router& router, services::Services& services);
void add_asset_routes(Router& router, services::Services& services);
void add_activitypub_routes(Router& router, services::Services& services);
void add_l1_routes(Router& router, services::Services& services);
void add_federation_routes(Router& router, services::Services& services);

RequestHandler make_request_handler(services::Services& services);

}  // namespace artdag::http
