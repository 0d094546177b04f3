#pragma once
// Text helpers shared by the layers that write markup (web pages, ActivityPub `content`).
#include <string>
#include <string_view>

namespace artdag {

// Escapes & < > " ' for HTML/XML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace artdag
