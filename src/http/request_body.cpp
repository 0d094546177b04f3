#include "http/request_body.h"

#include "util/error.h"
#include "util/text.h"

namespace artdag::http {

namespace {
bool is_json_type(const std::string& type) {
  return type == "application/json" || type == "application/activity+json" ||
         type == "application/ld+json" ||
         (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
}
// Control characters other than tab, line feed and carriage return (NUL above all: no
// database text holds it) are never part of a name, a URL or a description.
bool has_control_character(std::string_view text) {
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return true;
  }
  return false;
}

void refuse_control_characters(const Json& value, int depth = 0) {
  if (depth > 64) return;  // parse_json_object already bounds the nesting
  if (value.is_string()) {
    if (has_control_character(value.get_ref<const std::string&>()))
      throw ApiError::unprocessable("Control characters are not allowed in JSON strings");
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (has_control_character(key))
        throw ApiError::unprocessable("Control characters are not allowed in JSON strings");
      refuse_control_characters(member, depth + 1);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) refuse_control_characters(item, depth + 1);
  }
}
}  // namespace

Json json_body(const Request& request) {
  if (!is_json_type(request.content_type()))
    throw ApiError::unsupported_media_type("Content-Type must be application/json");
  Json body = parse_json_object(request.body);
  refuse_control_characters(body);
  return body;
}

std::map<std::string, std::string> fields_body(const Request& request) {
  auto type = request.content_type();
  if (type == "application/x-www-form-urlencoded") {
    auto form = parse_form(request.body);
    if (!form) throw ApiError::bad_request("Malformed form body");
    for (const auto& [key, value] : *form)
      if (has_control_character(key) || has_control_character(value))
        throw ApiError::unprocessable("Control characters are not allowed in form fields");
    return *form;
  }
  if (!is_json_type(type))
    throw ApiError::unsupported_media_type(
        "Content-Type must be application/json or application/x-www-form-urlencoded");
  Json body = parse_json_object(request.body);
  refuse_control_characters(body);
  std::map<std::string, std::string> fields;
  for (auto& [key, value] : body.items()) {
    if (value.is_null()) continue;
    if (!value.is_string()) throw ApiError::unprocessable("Field '" + key + "' must be a string");
    fields[key] = value.get<std::string>();
  }
  return fields;
}

std::string required_string(const Json& body, const char* name, std::size_t max_len) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null())
    throw ApiError::unprocessable(std::string("Field '") + name + "' is required");
  if (!it->is_string())
    throw ApiError::unprocessable(std::string("Field '") + name + "' must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty())
    throw ApiError::unprocessable(std::string("Field '") + name + "' must not be empty");
  if (s.size() > max_len)
    throw ApiError::unprocessable(std::string("Field '") + name + "' is longer than " +
                                  std::to_string(max_len) + " bytes");
  return s;
}

std::optional<std::string> bearer_token(const Request& request) {
  auto auth = request.header("authorization");
  if (!auth) return std::nullopt;
  std::string_view v = *auth;
  if (v.size() < 7) return std::nullopt;
  if (!ascii_iequals(v.substr(0, 7), "bearer ")) return std::nullopt;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

}  // namespace artdag::http
