#pragma once
// Text helpers every layer shares. ASCII only on purpose: protocol tokens (header names,
// schemes, hosts, usernames) are ASCII, and locale-dependent case mapping has no place in them.
#include <string>
#include <string_view>

namespace artdag {

// Escapes & < > " ' for HTML/XML text and attribute values.
std::string html_escape(std::string_view text);
// The same, appended to `out` (pages written straight into their buffer).
void append_html_escaped(std::string& out, std::string_view text);

char ascii_lower(char c);
std::string ascii_lower(std::string_view text);
// Lower-cased with every ASCII white-space character removed ("Text/HTML; q=1" → "text/html;q=1").
std::string ascii_lower_compact(std::string_view text);
bool ascii_iequals(std::string_view a, std::string_view b);
bool ascii_istarts_with(std::string_view text, std::string_view prefix);
// Without the ASCII white space at either end.
std::string_view trim_ascii_space(std::string_view text);

}  // namespace artdag
