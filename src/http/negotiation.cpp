#include "http/negotiation.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "util/text.h"

namespace artdag::http {

double accept_quality(std::string_view accept, std::string_view media_type) {
  if (accept.empty()) return 1.0;
  std::string type(media_type.substr(0, media_type.find('/')));
  // Most specific matching range wins (exact > type/* > */*), per RFC 9110 §12.5.1.
  int best_specificity = -1;
  double best_q = 0.0;
  while (!accept.empty()) {
    auto comma = accept.find(',');
    auto item = accept.substr(0, comma);
    auto semi = item.find(';');
    std::string range = ascii_lower_compact(item.substr(0, semi));
    double q = 1.0;
    for (auto params = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
         !params.empty();) {
      auto next = params.find(';');
      std::string p = ascii_lower_compact(params.substr(0, next));
      if (p.rfind("q=", 0) == 0) q = std::strtod(p.c_str() + 2, nullptr);
      if (next == std::string_view::npos) break;
      params.remove_prefix(next + 1);
    }
    int specificity = -1;
    if (range == media_type)
      specificity = 2;
    else if (range == type + "/*")
      specificity = 1;
    else if (range == "*/*")
      specificity = 0;
    if (specificity > best_specificity) {
      best_specificity = specificity;
      best_q = std::clamp(q, 0.0, 1.0);
    }
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return best_q;
}

bool prefers_html(const Request& request) {
  auto accept = request.header("accept");
  if (!accept || accept->empty()) return false;
  double html = accept_quality(*accept, "text/html");
  if (html <= 0.0) return false;
  double json = std::max({accept_quality(*accept, "application/json"),
                          accept_quality(*accept, "application/activity+json"),
                          accept_quality(*accept, "application/ld+json")});
  return html > json;
}

}  // namespace artdag::http
