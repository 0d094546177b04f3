#pragma once
// Mustache rendering (kainjow, HTML escaping on). The view is JSON: objects, arrays,
// strings, numbers and booleans; null and "" are false in sections and render as nothing.
// Only this module includes the mustache header.
#include <string>
#include <string_view>

#include "util/json.h"

namespace artdag::web {

// templates/{page}.mustache inside templates/layout.mustache. Partials are the templates
// whose file name starts with "_" ({{> asset_table}} is templates/_asset_table.mustache).
// Throws std::runtime_error when a template is missing or does not parse (a build bug).
std::string render_page(std::string_view page, const Json& view);

// Renders every page template once with an empty view; false (with a message) when one does
// not parse. For tests and start-up checks.
bool check_templates(std::string* error);

}  // namespace artdag::web
