#pragma once
// The OpenAPI 3.1 document of the JSON API: src/api/openapi.json, embedded at build time.
// tests/unit/openapi_test.cpp keeps it and the router's table equal; tests/api/run.mjs checks
// real answers against its schemas.
#include <string_view>

#include "util/json.h"

namespace artdag::embedded {
// The document's bytes as written in the source tree (generated/openapi_json.cpp).
std::string_view openapi_json();
}  // namespace artdag::embedded

namespace artdag::api {

// The document with `servers[0].url` set to this server's base URL.
Json openapi_document(std::string_view base_url);

}  // namespace artdag::api
