#include "util/json.h"

#include "util/error.h"

namespace artdag {

Json parse_json_object(std::string_view body, int max_depth) {
  int depth = 0;
  bool too_deep = false;
  // The callback sees every structural event; refusing deep input here bounds the
  // parser's recursion before the value is built.
  auto limit_depth = [&](int d, Json::parse_event_t event, Json&) {
    if (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) {
      depth = d;
      if (d >= max_depth) too_deep = true;
    }
    return !too_deep;
  };
  Json value;
  try {
    value = Json::parse(body.begin(), body.end(), limit_depth, /*allow_exceptions=*/true,
                        /*ignore_comments=*/false);
  } catch (const Json::exception&) {
    if (too_deep) throw ApiError::bad_request("JSON nested too deeply");
    throw ApiError::bad_request("Malformed JSON body");
  }
  if (too_deep) throw ApiError::bad_request("JSON nested too deeply");
  if (!value.is_object()) throw ApiError::bad_request("JSON body must be an object");
  (void)depth;
  return value;
}

std::string to_wire(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace artdag
