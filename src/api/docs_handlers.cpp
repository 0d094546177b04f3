// The API's own description: GET /openapi.json (rendered for people by web/ at /docs).
#include <memory>

#include "api/openapi_document.h"
#include "api/routes.h"

namespace artdag::api {

Json openapi_document(std::string_view base_url) {
  Json doc = Json::parse(embedded::openapi_json());
  doc["servers"][0]["url"] = base_url;
  return doc;
}

void add_docs_routes(Router& router, services::Services& services) {
  // The document only changes with the binary: rendered once, not per request, in the
  // source file's member order (ordered_json), which reads better than sorted keys.
  auto doc = nlohmann::ordered_json::parse(embedded::openapi_json());
  doc["servers"][0]["url"] = services.config.base_url;
  auto body = std::make_shared<const std::string>(doc.dump(2) + "\n");
  router.add_public("/openapi.json", [body](Request&) {
    auto res = Response::text(200, *body, "application/json");
    // Like the other public documents: API tools running in a browser may read it.
    res.set_header("Access-Control-Allow-Origin", "*");
    return res;
  });
}

}  // namespace artdag::api
