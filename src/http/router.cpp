#include "http/router.h"

#include "util/error.h"

namespace artdag::http {

namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_placeholder(const std::string& s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back({std::move(method), split_path(pattern), std::move(handler)});
}

Response Router::dispatch(Request& request) const {
  auto segments = split_path(request.path);
  std::string allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const auto& want = route.segments[i];
      if (is_placeholder(want)) {
        auto decoded = percent_decode(segments[i], false);
        if (segments[i].empty() || !decoded) {
          match = false;
        } else {
          params[want.substr(1, want.size() - 2)] = std::move(*decoded);
        }
      } else {
        match = want == segments[i];
      }
    }
    if (!match) continue;
    bool method_ok = route.method == request.method ||
                     (route.method == "GET" && request.method == "HEAD");
    if (!method_ok) {
      if (allowed.find(route.method) == std::string::npos)
        allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    request.path_params = std::move(params);
    return route.handler(request);
  }
  if (!allowed.empty()) {
    auto r = Response::error(405, "Method not allowed");
    r.set_header("Allow", allowed);
    return r;
  }
  throw ApiError::not_found("Not found");
}

}  // namespace artdag::http
