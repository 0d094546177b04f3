#include "http/router.h"

#include "http/negotiation.h"
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

// `{name*}`, the last segment of a pattern: the rest of the path, one or more segments.
bool is_rest(const std::string& s) {
  return is_placeholder(s) && s[s.size() - 2] == '*';
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, Cost cost) {
  insert(std::move(method), std::move(pattern), std::move(handler), false, cost);
}

void Router::add_public(std::string pattern, Handler handler) {
  insert("GET", std::move(pattern), std::move(handler), false, Cost::kLocalRead, true);
}

void Router::add_html(std::string method, std::string pattern, Handler handler, Cost cost) {
  insert(std::move(method), std::move(pattern), std::move(handler), true, cost);
}

void Router::insert(std::string method, std::string pattern, Handler handler, bool html, Cost cost,
                    bool is_public) {
  auto segments = split_path(pattern);
  Route route{std::move(method),
              std::move(pattern),
              std::move(segments),
              std::move(handler),
              html,
              false,
              is_public,
              cost};
  for (auto& other : routes_) {
    if (other.html != html && other.method == route.method && other.segments == route.segments)
      other.negotiated = route.negotiated = true;
  }
  routes_.push_back(std::move(route));
  // Two orders of the same routes: HTML variants first, or plain routes first.
  html_first_.clear();
  plain_first_.clear();
  for (bool html_pass : {true, false})
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      if (routes_[i].html == html_pass) html_first_.push_back(i);
      if (routes_[i].html != html_pass) plain_first_.push_back(i);
    }
}

const Router::Route* Router::match(const Request& request,
                                   std::map<std::string, std::string>* params,
                                   std::string* allowed) const {
  auto segments = split_path(request.path);
  // The preferred variant first; the other one still answers when it is the only one.
  for (std::size_t index : prefers_html(request) ? html_first_ : plain_first_) {
    const auto& route = routes_[index];
    const bool rest = !route.segments.empty() && is_rest(route.segments.back());
    if (rest ? segments.size() < route.segments.size() : route.segments.size() != segments.size())
      continue;
    std::map<std::string, std::string> found;
    bool match = true;
    for (size_t i = 0; i < route.segments.size() && match; ++i) {
      const auto& want = route.segments[i];
      if (rest && i + 1 == route.segments.size()) {
        // The raw rest, not percent-decoded: its handler parses it strictly.
        std::string joined;
        for (size_t j = i; j < segments.size(); ++j) joined += (j > i ? "/" : "") + segments[j];
        found[want.substr(1, want.size() - 3)] = std::move(joined);
      } else if (is_placeholder(want)) {
        auto decoded = percent_decode(segments[i], false);
        if (segments[i].empty() || !decoded) {
          match = false;
        } else {
          found[want.substr(1, want.size() - 2)] = std::move(*decoded);
        }
      } else {
        match = want == segments[i];
      }
    }
    if (!match) continue;
    bool method_ok =
        route.method == request.method || (route.method == "GET" && request.method == "HEAD");
    if (!method_ok) {
      if (allowed && allowed->find(route.method) == std::string::npos)
        *allowed += (allowed->empty() ? "" : ", ") + route.method;
      continue;
    }
    if (params) *params = std::move(found);
    return &route;
  }
  return nullptr;
}

Response Router::dispatch(Request& request) const {
  std::string allowed;
  std::map<std::string, std::string> params;
  if (const Route* route = match(request, &params, &allowed)) {
    request.path_params = std::move(params);
    request.route = route->pattern;
    auto response = route->handler(request);
    response.public_cacheable = route->is_public;
    if (route->negotiated && !response.header("Vary")) response.set_header("Vary", "Accept");
    return response;
  }
  if (!allowed.empty()) {
    auto r = Response::error(405, "Method not allowed");
    r.set_header("Allow", allowed);
    return r;
  }
  throw ApiError::not_found("Not found");
}

Cost Router::cost_of(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return Cost::kMayBlock;
  const Route* route = match(request, nullptr, nullptr);
  return route ? route->cost : Cost::kMayBlock;
}

std::vector<RouteEntry> Router::table() const {
  std::vector<RouteEntry> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_)
    out.push_back({route.method, route.pattern, route.html, route.is_public, route.cost});
  return out;
}

}  // namespace artdag::http
