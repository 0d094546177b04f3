#pragma once
// Reading request bodies and credentials: pure helpers for the handlers of every feature.
#include <map>
#include <optional>
#include <string>

#include "http/message.h"
#include "util/json.h"

namespace artdag::http {

// The body as a JSON object: 415 unless Content-Type is JSON, 400 when malformed.
Json json_body(const Request& request);
// A JSON object or an application/x-www-form-urlencoded form as string fields: 415 for
// other content types, 400 when malformed, 422 when a field is not a string.
std::map<std::string, std::string> fields_body(const Request& request);

// A required string member: 422 when missing, not a string, empty or longer than max_len.
std::string required_string(const Json& body, const char* name, std::size_t max_len);

// The token from `Authorization: Bearer ...` (or nullopt).
std::optional<std::string> bearer_token(const Request& request);

}  // namespace artdag::http
