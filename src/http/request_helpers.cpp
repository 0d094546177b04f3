#include "http/request_helpers.h"

#include "util/error.h"

namespace artdag::http {

services::AuthenticatedUser require_user(const Request& request, services::Services& services) {
  auto token = bearer_token(request);
  if (!token) {
    ApiError e = ApiError::unauthorized("Not authenticated");
    throw e;
  }
  return services.auth.authenticate(*token);
}

}  // namespace artdag::http
