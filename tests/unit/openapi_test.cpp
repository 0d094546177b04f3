// The OpenAPI document (src/api/openapi.json) against the real router: every route of the
// JSON API is documented and every documented operation exists; the document is whole (each
// operation has responses with schemas, every $ref resolves, path parameters match their
// templates); /openapi.json and /docs serve it. tests/api/run.mjs checks real answers against
// its schemas.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "api/openapi_document.h"
#include "api/routes.h"
#include "http/router.h"
#include "services/services.h"
#include "web/pages.h"

namespace artdag {
namespace {

constexpr const char* kBaseUrl = "https://l2.example.com";
const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head", "options"};

// "GET /users/{username}": how both sides are compared.
std::string route_key(std::string method, const std::string& path) {
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return method + " " + path;
}

// The router's `{name*}` (the rest of the path, several segments) has no OpenAPI form; the
// document writes it `{name}` and says so in the parameter's description.
std::string openapi_path(const std::string& pattern) {
  return std::regex_replace(pattern, std::regex(R"(\{([A-Za-z0-9_]+)\*\})"), "{$1}");
}

std::string joined(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) out += "\n  " + key;
  return out;
}

// The router built as app/request_handler.cpp builds it: the JSON API first, then the web
// pages. What add_api_routes registers is the API; what add_web_routes registers is pages
// (HTML variants and HTML-only pages such as /login), excluded by that rule, not by a list.
class OpenApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("artdag-openapi-unit-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    Config config;
    config.base_url = kBaseUrl;
    config.domain = "l2.example.com";
    config.data_dir = dir_;
    config.jwt_secret = "unit-test-secret-0123456789";
    auto store = store::open_store((dir_ / "l2.db").string());
    store->migrate();
    services_ = std::make_unique<services::Services>(config, std::move(store));
    api::add_api_routes(router_, *services_);
    api_route_count_ = router_.table().size();
    web::add_web_routes(router_, *services_);
    doc_ = Json::parse(embedded::openapi_json());
  }
  void TearDown() override {
    services_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::set<std::string> api_routes() const {
    std::set<std::string> out;
    const auto table = router_.table();
    for (std::size_t i = 0; i < api_route_count_; ++i)
      if (!table[i].html) out.insert(route_key(table[i].method, openapi_path(table[i].pattern)));
    return out;
  }
  std::set<std::string> page_routes() const {
    std::set<std::string> out;
    const auto table = router_.table();
    for (std::size_t i = api_route_count_; i < table.size(); ++i)
      if (!table[i].html) out.insert(route_key(table[i].method, table[i].pattern));
    return out;
  }
  std::set<std::string> documented() const {
    std::set<std::string> out;
    for (const auto& [path, item] : doc_["paths"].items())
      for (const auto& [method, operation] : item.items())
        if (kMethods.count(method)) out.insert(route_key(method, path));
    return out;
  }

  // The object a local $ref names ("#/components/schemas/Asset"), or nullptr.
  const Json* resolve(const std::string& ref) const {
    if (ref.rfind("#/", 0) != 0) return nullptr;
    try {
      return &doc_.at(Json::json_pointer(ref.substr(1)));
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  const Json& resolved(const Json& value) const {
    if (value.is_object() && value.contains("$ref")) {
      const Json* target = resolve(value["$ref"].get<std::string>());
      if (target) return *target;
    }
    return value;
  }

  http::Response get(const std::string& target, const std::string& accept = "application/json") {
    http::Request request;
    request.method = "GET";
    request.target = target;
    request.path = target;
    request.headers = {{"accept", accept}};
    request.remote_address = "127.0.0.1";
    return router_.dispatch(request);
  }

  std::filesystem::path dir_;
  std::unique_ptr<services::Services> services_;
  http::Router router_;
  std::size_t api_route_count_ = 0;
  Json doc_;
};

TEST_F(OpenApi, EveryApiRouteIsDocumentedAndEveryDocumentedRouteExists) {
  const auto routes = api_routes();
  const auto docs = documented();
  ASSERT_GT(routes.size(), 40u);  // the table is really read
  std::set<std::string> undocumented, unknown;
  for (const auto& key : routes)
    if (!docs.count(key)) undocumented.insert(key);
  for (const auto& key : docs)
    if (!routes.count(key)) unknown.insert(key);
  EXPECT_TRUE(undocumented.empty())
      << "routes missing from src/api/openapi.json:" << joined(undocumented);
  EXPECT_TRUE(unknown.empty()) << "documented operations no route answers:" << joined(unknown);
}

TEST_F(OpenApi, PagesAreNotInTheDocument) {
  const auto docs = documented();
  const auto pages = page_routes();
  EXPECT_TRUE(pages.count("GET /docs"));
  EXPECT_TRUE(pages.count("POST /login"));
  for (const auto& key : pages) EXPECT_FALSE(docs.count(key)) << key << " is a page, not API";
}

TEST_F(OpenApi, EveryOperationHasTagsSummaryAndResponsesWithSchemas) {
  std::set<std::string> tags, operation_ids;
  for (const auto& tag : doc_["tags"]) tags.insert(tag["name"].get<std::string>());
  EXPECT_EQ(doc_["openapi"], "3.1.0");
  for (const auto& [path, item] : doc_["paths"].items())
    for (const auto& [method, operation] : item.items()) {
      if (!kMethods.count(method)) continue;
      const std::string where = route_key(method, path);
      ASSERT_TRUE(operation.contains("tags") && !operation["tags"].empty()) << where;
      EXPECT_TRUE(tags.count(operation["tags"][0].get<std::string>())) << where << ": unknown tag";
      EXPECT_FALSE(operation.value("summary", "").empty()) << where;
      const std::string id = operation.value("operationId", "");
      EXPECT_FALSE(id.empty()) << where;
      EXPECT_TRUE(operation_ids.insert(id).second) << where << ": operationId " << id << " twice";
      ASSERT_TRUE(operation.contains("responses") && !operation["responses"].empty()) << where;
      bool has_success = false;
      for (const auto& [status, given] : operation["responses"].items()) {
        const Json& response = resolved(given);
        EXPECT_TRUE(std::regex_match(status, std::regex("[1-5][0-9][0-9]")))
            << where << " " << status;
        has_success = has_success || status[0] == '2' || status[0] == '3';
        EXPECT_FALSE(response.value("description", "").empty()) << where << " " << status;
        ASSERT_TRUE(response.contains("content") && !response["content"].empty())
            << where << " " << status << ": no body described";
        for (const auto& [media_type, media] : response["content"].items())
          EXPECT_TRUE(media.contains("schema")) << where << " " << status << " " << media_type;
        // Every JSON refusal is the one error shape.
        if (status[0] == '4' && response["content"].contains("application/json")) {
          EXPECT_EQ(response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/Error")
              << where << " " << status;
        }
      }
      EXPECT_TRUE(has_success) << where << ": no success answer";
      for (const auto& requirement : operation.value("security", Json::array()))
        for (const auto& [scheme, scopes] : requirement.items())
          EXPECT_TRUE(doc_["components"]["securitySchemes"].contains(scheme)) << where;
    }
}

TEST_F(OpenApi, PathParametersMatchTheTemplates) {
  const std::regex placeholder(R"(\{([A-Za-z0-9_]+)\})");
  for (const auto& [path, item] : doc_["paths"].items()) {
    std::set<std::string> in_template;
    for (std::sregex_iterator it(path.begin(), path.end(), placeholder), end; it != end; ++it)
      in_template.insert((*it)[1]);
    for (const auto& [method, operation] : item.items()) {
      if (!kMethods.count(method)) continue;
      std::set<std::string> declared;
      for (const auto& given : operation.value("parameters", Json::array())) {
        const Json& param = resolved(given);
        if (param["in"] != "path") continue;
        declared.insert(param["name"].get<std::string>());
        EXPECT_EQ(param.value("required", false), true) << method << " " << path;
      }
      EXPECT_EQ(declared, in_template) << method << " " << path;
    }
  }
}

TEST_F(OpenApi, EveryRefResolves) {
  std::vector<std::string> broken;
  std::size_t refs = 0;
  std::function<void(const Json&)> walk = [&](const Json& value) {
    if (value.is_object()) {
      for (const auto& [key, member] : value.items()) {
        if (key == "$ref" && member.is_string()) {
          ++refs;
          if (!resolve(member.get<std::string>())) broken.push_back(member.get<std::string>());
        } else {
          walk(member);
        }
      }
    } else if (value.is_array()) {
      for (const auto& member : value) walk(member);
    }
  };
  walk(doc_);
  EXPECT_GT(refs, 50u);
  EXPECT_TRUE(broken.empty()) << "unresolved: " << (broken.empty() ? "" : broken.front());
}

TEST_F(OpenApi, ServedWithThisServersBaseUrl) {
  EXPECT_EQ(api::openapi_document("http://127.0.0.1:9").at("servers").at(0).at("url"),
            "http://127.0.0.1:9");
  auto res = get("/openapi.json");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json");
  EXPECT_TRUE(res.public_cacheable);
  Json served = Json::parse(res.body);
  EXPECT_EQ(served["servers"][0]["url"], kBaseUrl);
  EXPECT_EQ(served["paths"], doc_["paths"]);
}

TEST_F(OpenApi, TheDocsPageListsEveryOperation) {
  auto res = get("/docs", "text/html");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(res.body.find("<script"), std::string::npos);
  EXPECT_NE(res.body.find("href=\"/openapi.json\""), std::string::npos);
  for (const auto& [path, item] : doc_["paths"].items())
    for (const auto& [method, operation] : item.items()) {
      if (!kMethods.count(method)) continue;
      const std::string id = operation["operationId"].get<std::string>();
      EXPECT_NE(res.body.find("id=\"op-" + id + "\""), std::string::npos) << id;
    }
  for (const auto& [name, schema] : doc_["components"]["schemas"].items())
    EXPECT_NE(res.body.find("id=\"schema-" + name + "\""), std::string::npos) << name;
  // Every page links it from the footer.
  auto home = get("/", "text/html");
  EXPECT_NE(home.body.find("<a href=\"/docs\">API</a>"), std::string::npos);
}

}  // namespace
}  // namespace artdag
