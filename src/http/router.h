#pragma once
// Maps (method, path pattern) to a handler. Patterns are literal segments and `{name}`
// placeholders that match exactly one non-empty segment, percent-decoded into
// Request::path_params. Unknown path → 404; known path, other method → 405 with Allow.
#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace artdag::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  Response dispatch(Request& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace artdag::http
