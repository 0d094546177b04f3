#pragma once
// The web UI: server-rendered HTML pages on top of the same services as the JSON API.
// Shared paths (/assets, /activities, /users, /users/{u}, /objects/{h}, /activities/{i})
// get HTML variants that answer only clients preferring text/html; the other pages are
// HTML only. Sessions live in a cookie that only these pages read (the API is Bearer-only).
#include <functional>
#include <string_view>

#include "http/error_response.h"
#include "http/message.h"
#include "http/router.h"
#include "services/services.h"

namespace artdag::web {

// Renders an error for a browser: the HTML 404 page and its kin.
using ErrorPage = std::function<http::Response(const http::Request&, const http::ErrorAnswer&)>;

ErrorPage add_web_routes(http::Router& router, services::Services& services);

}  // namespace artdag::web
