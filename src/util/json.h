#pragma once
// The project's one JSON library. Parse outside input with parse_json_object(), which
// rejects invalid UTF-8, excessive nesting and non-object roots with a clean ApiError.
#include <nlohmann/json.hpp>
#include <string_view>

namespace artdag {

using Json = nlohmann::json;

// Parses a request body that must be a JSON object. Throws ApiError(400) on malformed
// input, invalid UTF-8, nesting deeper than max_depth, or a root that is not an object.
Json parse_json_object(std::string_view body, int max_depth = 32);

// Compact serialisation for the wire (UTF-8 kept as is).
std::string to_wire(const Json& value);

}  // namespace artdag
