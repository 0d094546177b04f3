// /docs: the OpenAPI document (api/openapi.json, embedded) as a page for people, rendered here
// from the parsed document, so it cannot drift from what /openapi.json serves. No script.
#include <cctype>
#include <string>

#include "web/embedded.h"
#include "web/html.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {

// ordered_json keeps the document's own order of paths and members: operations are listed
// as the file lists them, not alphabetically.
using Doc = nlohmann::ordered_json;

constexpr std::string_view kSchemaPrefix = "#/components/schemas/";
constexpr std::string_view kResponsePrefix = "#/components/responses/";
constexpr const char* kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

std::string text_of(const Doc& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Anchors are built from names of the document (schema names, operation ids): letters,
// digits and '-' only, so they need no escaping in an href.
std::string anchor(std::string_view prefix, std::string_view name) {
  std::string out(prefix);
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

Json schema_link(const std::string& ref) {
  const std::string name =
      ref.rfind(kSchemaPrefix, 0) == 0 ? ref.substr(kSchemaPrefix.size()) : ref;
  return {{"name", name}, {"href", "#" + anchor("schema-", name)}};
}

// A schema as a short label: links for `$ref` (and one of / all of refs), the type for a
// bare type, else the schema's compact JSON.
Json schema_view(const Doc& schema) {
  if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string())
    return {{"refs", Json::array({schema_link(ref->get<std::string>())})}, {"combinator", ""}};
  for (const char* combinator : {"oneOf", "anyOf", "allOf"}) {
    auto members = schema.find(combinator);
    if (members == schema.end() || !members->is_array()) continue;
    Json refs = Json::array();
    for (const auto& member : *members) {
      auto ref = member.find("$ref");
      if (ref == member.end() || !ref->is_string()) {
        refs.clear();
        break;
      }
      refs.push_back(schema_link(ref->get<std::string>()));
    }
    if (!refs.empty()) {
      const std::string word = std::string(combinator) == "allOf" ? "all of" : "one of";
      return {{"refs", std::move(refs)}, {"combinator", word}};
    }
  }
  if (schema.size() == 1 && schema.contains("type") && schema["type"].is_string())
    return {{"text", schema["type"].get<std::string>()}};
  return {{"text", schema.dump()}};
}

Json content_view(const Doc& content) {
  Json media = Json::array();
  if (!content.is_object()) return media;
  for (const auto& [media_type, entry] : content.items())
    media.push_back({{"media_type", media_type},
                     {"schema", schema_view(entry.value("schema", Doc::object()))}});
  return media;
}

const Doc& resolve_response(const Doc& doc, const Doc& response) {
  auto ref = response.find("$ref");
  if (ref == response.end() || !ref->is_string()) return response;
  const std::string name = ref->get<std::string>().substr(kResponsePrefix.size());
  return doc.at("components").at("responses").at(name);
}

// "bearerAuth", or "bearerAuth (optional)" when the operation also answers without one.
std::string auth_label(const Doc& operation) {
  auto security = operation.find("security");
  if (security == operation.end() || !security->is_array()) return "";
  std::string schemes;
  bool optional = false;
  for (const auto& requirement : *security) {
    if (requirement.empty()) optional = true;
    for (const auto& [scheme, scopes] : requirement.items())
      schemes += (schemes.empty() ? "" : ", ") + scheme;
  }
  if (schemes.empty()) return "";
  return "Auth: " + schemes + (optional ? " (optional)" : "");
}

Json operation_view(const Doc& doc, const std::string& path, const std::string& method,
                    const Doc& operation) {
  Json params = Json::array();
  for (const auto& param : operation.value("parameters", Doc::array()))
    params.push_back({{"name", text_of(param, "name")},
                      {"in", text_of(param, "in")},
                      {"required", param.value("required", false)},
                      {"description_html", markdown_to_html(text_of(param, "description"))},
                      {"schema", schema_view(param.value("schema", Doc::object()))}});
  Json body = Json::array();
  if (auto request_body = operation.find("requestBody"); request_body != operation.end())
    body = content_view(request_body->value("content", Doc::object()));
  Json responses = Json::array();
  // Named copies: items() of a temporary would dangle inside the loop.
  const Doc given_responses = operation.value("responses", Doc::object());
  for (const auto& [status, given] : given_responses.items()) {
    const Doc& response = resolve_response(doc, given);
    const Doc given_headers = response.value("headers", Doc::object());
    Json headers = Json::array();
    for (const auto& [name, header] : given_headers.items()) headers.push_back(name);
    responses.push_back({{"status", status},
                         {"description_html", markdown_to_html(text_of(response, "description"))},
                         {"media", content_view(response.value("content", Doc::object()))},
                         {"headers", std::move(headers)},
                         {"has_headers", !given_headers.empty()}});
  }
  const std::string id = text_of(operation, "operationId");
  return {{"anchor", anchor("op-", id.empty() ? method + path : id)},
          {"method", upper(method)},
          {"method_class", "method-" + method},
          {"path", path},
          {"summary", text_of(operation, "summary")},
          {"description_html", markdown_to_html(text_of(operation, "description"))},
          {"auth", auth_label(operation)},
          {"parameters", params},
          {"has_parameters", !params.empty()},
          {"body", body},
          {"has_body", !body.empty()},
          {"responses", std::move(responses)}};
}

// The page's view: operations grouped by their first tag, in the order of the document's
// `tags`; then every component schema as JSON.
Json docs_view(const Doc& doc, const std::string& base_url) {
  Json tags = Json::array();
  for (const auto& tag : doc.value("tags", Doc::array())) {
    const std::string name = text_of(tag, "name");
    Json operations = Json::array();
    for (const auto& [path, item] : doc.at("paths").items())
      for (const char* method : kMethods) {
        auto operation = item.find(method);
        if (operation == item.end()) continue;
        const auto& op_tags = operation->value("tags", Doc::array());
        if (!op_tags.empty() && op_tags.front() == name)
          operations.push_back(operation_view(doc, path, method, *operation));
      }
    tags.push_back({{"name", name},
                    {"anchor", anchor("tag-", name)},
                    {"description", text_of(tag, "description")},
                    {"operations", std::move(operations)}});
  }
  Json schemas = Json::array();
  for (const auto& [name, schema] : doc.at("components").at("schemas").items())
    schemas.push_back(
        {{"name", name}, {"anchor", anchor("schema-", name)}, {"json", schema.dump(2)}});
  const auto& info = doc.at("info");
  return {{"api_title", text_of(info, "title")},
          {"api_version", text_of(info, "version")},
          {"summary", text_of(info, "summary")},
          {"description_html", markdown_to_html(text_of(info, "description"))},
          {"server_url", base_url},
          {"openapi_version", text_of(doc, "openapi")},
          {"tags", std::move(tags)},
          {"schemas", std::move(schemas)}};
}

}  // namespace

void add_docs_pages(http::Router& router, const std::shared_ptr<WebApp>& app) {
  // The document is part of the binary: its view is built once, at start-up.
  auto view = std::make_shared<const Json>(
      docs_view(Doc::parse(embedded::openapi_json()), app->services.config.base_url));
  router.add("GET", "/docs",
             page_route(app, [view](http::Request&,
                                    Page& page) { return page.render(200, "docs", "API", *view); }),
             http::Cost::kLocalRead);
}

}  // namespace artdag::web
