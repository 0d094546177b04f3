#pragma once
// The composition root of `serve`: every route of the JSON API and the web UI on one router,
// and the one place an escaped exception becomes an answer (http/error_response.h).
#include "http/server.h"
#include "services/services.h"

namespace artdag::app {

// The handler, and the cost of each request as the router's routes declare it.
http::Application make_application(services::Services& services);

}  // namespace artdag::app
