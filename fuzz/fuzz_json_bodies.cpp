// Request bodies: the JSON object parser every endpoint uses, the POST /assets validation,
// the JSON-or-form field reader of /auth/register and /auth/login, form and percent decoding,
// query parameters and cookies. The first input byte picks the parser.
#include <set>

#include "fuzz_common.h"
#include "http/message.h"
#include "http/request_body.h"
#include "services/registry_service.h"
#include "util/json.h"
#include "util/url.h"
#include "web/session.h"

namespace {

using artdag::Json;
using artdag::fuzz::Input;
using artdag::fuzz::is_valid_utf8;
using artdag::fuzz::returns_or_api_error;
using artdag::fuzz::take_until;

// 400 on malformed input, never anything else; a parsed object serialises to text that
// parses back to the same serialisation.
void json_object(std::string_view body) {
  Json value;
  if (!returns_or_api_error([&] { value = artdag::parse_json_object(body); }, {400})) return;
  FUZZ_CHECK(value.is_object());
  const std::string wire = artdag::to_wire(value);
  FUZZ_CHECK(is_valid_utf8(wire));
  Json again;
  FUZZ_CHECK(returns_or_api_error([&] { again = artdag::parse_json_object(wire); }, {}));
  FUZZ_CHECK(artdag::to_wire(again) == wire);
}

// POST /assets: 400 (JSON) or 422 (a field), and a registration that passes is what the
// documented rules allow.
void asset_registration(std::string_view body) {
  artdag::services::AssetRegistration r;
  if (!returns_or_api_error(
          [&] {
            r = artdag::services::RegistryService::parse_registration(
                artdag::parse_json_object(body), "alice");
          },
          {400, 422}))
    return;
  using Registry = artdag::services::RegistryService;
  FUZZ_CHECK(r.owner == "alice");
  FUZZ_CHECK(!r.name.empty() && r.name.size() <= 128);
  FUZZ_CHECK(r.content_hash.size() == 64);
  for (char c : r.content_hash) FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  static const std::set<std::string> types = {"image",  "video",          "audio",   "effect",
                                              "recipe", "infrastructure", "document"};
  FUZZ_CHECK(types.count(r.asset_type) == 1);
  FUZZ_CHECK(r.tags.size() <= static_cast<std::size_t>(Registry::kMaxTags));
  FUZZ_CHECK(std::set<std::string>(r.tags.begin(), r.tags.end()).size() == r.tags.size());
  for (const auto& tag : r.tags) FUZZ_CHECK(!tag.empty() && tag.size() <= Registry::kMaxTagLength);
  FUZZ_CHECK(r.description.size() <= Registry::kMaxDescription);
  FUZZ_CHECK(r.metadata.is_object() && r.metadata.dump().size() <= Registry::kMaxMetadataBytes);
  FUZZ_CHECK(r.provenance.is_null());
  // Whatever passed once passes again unchanged (the validation is a pure function).
  Json again = artdag::parse_json_object(body);
  FUZZ_CHECK(Registry::parse_registration(again, "alice").name == r.name);
}

// /auth/register and /auth/login bodies: "<Content-Type>\n<body>". 400 malformed, 415 other
// types, 422 a non-string field; a form body gives exactly what parse_form gives.
void auth_fields(std::string_view rest) {
  artdag::http::Request request;
  request.method = "POST";
  request.headers.emplace_back("content-type", std::string(take_until(rest, '\n')));
  request.body = std::string(rest);
  std::map<std::string, std::string> fields;
  if (!returns_or_api_error([&] { fields = artdag::http::fields_body(request); }, {400, 415, 422}))
    return;
  if (request.content_type() == "application/x-www-form-urlencoded") {
    auto form = artdag::http::parse_form(request.body);
    FUZZ_CHECK(form && *form == fields);
  }
  for (const auto& [name, value] : fields) FUZZ_CHECK(is_valid_utf8(name) && is_valid_utf8(value));
}

// application/x-www-form-urlencoded: never throws; decoded names and values are UTF-8, and
// encoding them again gives a form that decodes to the same fields.
void form(std::string_view body) {
  auto fields = artdag::http::parse_form(body);
  if (!fields) return;
  std::string encoded;
  for (const auto& [name, value] : *fields) {
    FUZZ_CHECK(is_valid_utf8(name) && is_valid_utf8(value));
    if (!encoded.empty()) encoded += '&';
    encoded += artdag::encode_query_value(name) + "=" + artdag::encode_query_value(value);
  }
  auto again = artdag::http::parse_form(encoded);
  FUZZ_CHECK(again && *again == *fields);
}

// Percent-decoding inverts encode_path_segment/encode_query_value for UTF-8 text, and a
// decoded query parameter is UTF-8.
void percent_and_query(std::string_view text) {
  if (auto decoded = artdag::http::percent_decode(text, false)) {
    FUZZ_CHECK(is_valid_utf8(*decoded));
    auto back = artdag::http::percent_decode(artdag::encode_path_segment(*decoded), false);
    FUZZ_CHECK(back && *back == *decoded);
  }
  if (is_valid_utf8(text)) {
    auto back = artdag::http::percent_decode(artdag::encode_query_value(text), true);
    FUZZ_CHECK(back && *back == text);
  }
  artdag::http::Request request;
  request.query = std::string(text);
  for (const char* name : {"page", "max_id", "resource", "target", ""}) {
    if (auto value = request.query_param(name)) FUZZ_CHECK(is_valid_utf8(*value));
  }
}

// Cookie headers, one per input line: names are non-empty and nothing spans a ';'.
void cookies(std::string_view rest) {
  artdag::http::Request request;
  while (!rest.empty()) request.headers.emplace_back("cookie", std::string(take_until(rest, '\n')));
  for (const auto& [name, value] : artdag::web::parse_cookies(request)) {
    FUZZ_CHECK(!name.empty() && name.find(';') == std::string::npos);
    FUZZ_CHECK(value.find(';') == std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Input input = Input::from(data, size);
  switch (input.selector % 6) {
    case 0:
      json_object(input.rest);
      break;
    case 1:
      asset_registration(input.rest);
      break;
    case 2:
      auth_fields(input.rest);
      break;
    case 3:
      form(input.rest);
      break;
    case 4:
      percent_and_query(input.rest);
      break;
    case 5:
      cookies(input.rest);
      break;
  }
  return 0;
}
