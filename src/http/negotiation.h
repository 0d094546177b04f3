#pragma once
// Content negotiation (docs/protocol.md): shared paths answer HTML only when the client prefers
// text/html over JSON; everything else gets JSON.
#include <string_view>

#include "http/message.h"

namespace artdag::http {

// q-value the Accept header gives a media type (0 when not acceptable; 1 when no header).
double accept_quality(std::string_view accept_header, std::string_view media_type);
bool prefers_html(const Request& request);

}  // namespace artdag::http
