#pragma once
// Plain HTTP request/response values. Beast stays inside http/server.cpp; everything above
// the network loop (router, handlers, web pages) sees only these.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json.h"

namespace artdag::http {

struct Request {
  std::string method;  // upper case: "GET"
  std::string target;  // as received: "/users/giles/outbox?page=true"
  std::string path;    // path as received (still percent-encoded), without the query
  std::string query;   // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> path_params;  // decoded segments, filled by the router
  std::string route;  // the pattern of the route that answered ("" until one does)

  // First value of a header (name matched case-insensitively); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // All values of a header joined with ", " (how signatures see repeated headers).
  std::optional<std::string> header_joined(std::string_view name) const;
  // A decoded query parameter; nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  const std::string& param(const std::string& name) const { return path_params.at(name); }
  // Media type of Content-Type without parameters, lower case ("" when absent).
  std::string content_type() const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set by the router for routes added with add_public: this answer may be given again, from
  // memory, to any client asking for the same target with the same Accept header.
  bool public_cacheable = false;
  // The pattern of the route that made this answer ("" for none: a 404, a refusal before
  // routing), kept with a cached answer; the label of the request metrics.
  std::string route;

  Response& set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;

  static Response json(int status, const Json& value,
                       std::string content_type = "application/json");
  static Response activity_json(int status, const Json& value);  // application/activity+json
  static Response error(int status, std::string_view detail);    // {"detail": ...}
  static Response html(int status, std::string body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response redirect(int status, std::string location);
  static Response empty(int status);
};

// Decodes application/x-www-form-urlencoded into name → value (first wins). nullopt when
// malformed (bad percent escapes, invalid UTF-8).
std::optional<std::map<std::string, std::string>> parse_form(std::string_view body);
// Percent-decodes (plus as space when form is true); nullopt on bad escapes.
std::optional<std::string> percent_decode(std::string_view text, bool form);

}  // namespace artdag::http
