#pragma once
// Small pure helpers for building HTML by hand (the SVG graph) and for display.
#include <string>
#include <string_view>

#include "util/text.h"

namespace artdag::web {

using artdag::append_html_escaped;
using artdag::html_escape;  // & < > " ' for text and attribute values

// CommonMark to HTML with cmark in safe mode: raw HTML and javascript:/data: links are
// dropped, so the result can be inserted into a page unescaped.
std::string markdown_to_html(std::string_view markdown);

// "2026-01-05T10:11:12Z" → "5 Jan 2026, 10:11 UTC"; other text is returned as given.
std::string display_time(std::string_view iso8601);

// The first 8 and last 4 characters of a long hash joined by "…".
std::string short_hash(std::string_view hash);

}  // namespace artdag::web
