#pragma once
// The JSON API (and the ActivityPub documents): thin handlers that parse a request, call one
// service and render its answer. One route group per file in this folder.
#include "http/request_body.h"
#include "http/router.h"
#include "services/auth_service.h"
#include "services/services.h"

namespace artdag::api {

using http::bearer_token;
using http::fields_body;
using http::json_body;
using http::Request;
using http::required_string;
using http::Response;
using http::Router;

// Every route of the JSON API.
void add_api_routes(Router& router, services::Services& services);

void add_health_routes(Router& router, services::Services& services);
void add_auth_routes(Router& router, services::Services& services);
void add_asset_routes(Router& router, services::Services& services);
void add_activitypub_routes(Router& router, services::Services& services);
void add_l1_routes(Router& router, services::Services& services);
void add_federation_routes(Router& router, services::Services& services);
void add_admin_routes(Router& router, services::Services& services);
void add_log_routes(Router& router, services::Services& services);
// GET /openapi.json (api/openapi.json).
void add_docs_routes(Router& router, services::Services& services);

// The user of the request's bearer token, or ApiError 401.
services::AuthenticatedUser require_user(const Request& request, services::Services& services);
// The same, and 403 unless that user's role is admin (artdag-l2 set-role NAME admin).
services::AuthenticatedUser require_admin(const Request& request, services::Services& services);

}  // namespace artdag::api
