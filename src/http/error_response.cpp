#include "http/error_response.h"

#include <spdlog/spdlog.h>

namespace artdag::http {

ErrorAnswer error_answer(const std::exception_ptr& error, const Request& request) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    if (!e.cause().empty())
      spdlog::debug("{} {} refused {}: {}", request.method, request.path, e.status(), e.cause());
    return {e.status(), e.detail(), e.headers(), e.field(), e.reason()};
  } catch (const UniqueViolation& e) {
    spdlog::warn("unique key violated during {} {}: {}", request.method, request.path, e.what());
    return {409, "This conflicts with an existing record", {}, "", "unique_violation"};
  } catch (const StoreUnavailable& e) {
    spdlog::error("database unavailable during {} {}: {}", request.method, request.path, e.what());
    return {503,
            "Database unavailable, try again shortly",
            {{"Retry-After", "5"}},
            "",
            "store_unavailable"};
  } catch (const std::exception& e) {
    spdlog::error("unhandled error during {} {}: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("unhandled non-standard exception during {} {}", request.method, request.path);
  }
  return {500, "Internal server error", {}, "", "internal"};
}

Response json_error(const ErrorAnswer& answer) {
  auto response = Response::error(answer.status, answer.detail);
  bool names_scheme = false;
  for (const auto& [name, value] : answer.headers) {
    response.set_header(name, value);
    if (name == "WWW-Authenticate") names_scheme = true;
  }
  if (answer.status == 401 && !names_scheme) response.set_header("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace artdag::http
