#pragma once
// Canonical JSON for claim signatures: byte-for-byte what Python produces with
// json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=True), so signatures
// made here verify in the Art DAG Python library and the other way round.
#include <string>
#include <string_view>

#include "util/json.h"

namespace artdag::activitypub {

// Keys sorted by code point, no whitespace, non-ASCII and DEL escaped as lowercase \uXXXX
// (surrogate pairs above U+FFFF), "\\" "\"" \b \f \n \r \t short escapes, other control
// characters \u00XX, "/" left alone, integers in decimal.
// Throws std::invalid_argument for floats (their text differs between languages, so they
// must stay out of signed documents), binary values and strings that are not valid UTF-8.
std::string canonical_json(const Json& value);

// canonical_json of `object` with its top-level `member` left out (if it has one), without
// copying the rest: what a signature over "the document without its signature" signs.
// Throws std::invalid_argument as canonical_json does, and when `object` is not an object.
std::string canonical_json_without(const Json& object, std::string_view member);

}  // namespace artdag::activitypub
