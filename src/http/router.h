#pragma once
// Maps (method, path pattern) to a handler. Patterns are literal segments and `{name}`
// placeholders that match exactly one non-empty segment, percent-decoded into
// Request::path_params; a last segment `{name*}` matches the rest of the path (one or more
// segments, kept raw). Unknown path → 404; known path, other method → 405 with Allow.
// A route may have an HTML variant (add_html): it answers instead when the client prefers
// text/html (negotiation.h), and both variants answer with `Vary: Accept`.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/message.h"

namespace artdag::http {

using Handler = std::function<Response(Request&)>;

// What a route's handler may do while it holds its thread. HttpServer runs GETs of
// kLocalRead routes on a small pool of their own (as many threads as cores), where under load
// a thread takes the next request without sleeping; everything else runs on the large pool,
// whose many threads may wait (docs/decisions.md "Performance").
enum class Cost {
  kMayBlock,   // may wait on another server, sign, hash a password or write
  kLocalRead,  // reads this server's own database and renders: never waits on anyone else
};

// One registered route, as the OpenAPI coverage test and the docs read them.
struct RouteEntry {
  std::string method;
  std::string pattern;     // as registered: "/users/{username}/outbox"
  bool html = false;       // an HTML variant (add_html)
  bool is_public = false;  // add_public
  Cost cost = Cost::kMayBlock;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler, Cost cost = Cost::kMayBlock);
  // A public GET: its answer depends on the target and the Accept header only (never on who
  // asks), so the server may repeat it from memory until the next write (response_cache.h).
  // Its cost is kLocalRead.
  void add_public(std::string pattern, Handler handler);
  // The HTML variant of (method, pattern). Without a plain route on the same pattern it
  // answers every client.
  void add_html(std::string method, std::string pattern, Handler handler,
                Cost cost = Cost::kMayBlock);
  // Answers the request with the matching route; Request::route names its pattern.
  Response dispatch(Request& request) const;
  // The cost of the route that would answer this GET or HEAD (kMayBlock for other methods
  // and for paths no route matches). No handler runs.
  Cost cost_of(const Request& request) const;
  // Every route, in the order they were added.
  std::vector<RouteEntry> table() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    bool html = false;        // an HTML variant
    bool negotiated = false;  // the pattern has both variants: answer with Vary: Accept
    bool is_public = false;   // add_public
    Cost cost = Cost::kMayBlock;
  };
  void insert(std::string method, std::string pattern, Handler handler, bool html, Cost cost,
              bool is_public = false);
  // The route that answers the request (its path parameters into `params` when given), or
  // null; `allowed` collects the methods of routes with this path but another method.
  const Route* match(const Request& request, std::map<std::string, std::string>* params,
                     std::string* allowed) const;
  std::vector<Route> routes_;
  std::vector<std::size_t> html_first_;   // indices into routes_, HTML variants first
  std::vector<std::size_t> plain_first_;  // indices into routes_, plain routes first
};

}  // namespace artdag::http
