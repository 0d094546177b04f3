#pragma once
// The one mapping from an exception to an answer. JSON handlers and HTML pages both use it,
// so a refusal carries the same status, detail and headers whichever way it is shown.
#include <exception>
#include <string>

#include "http/message.h"
#include "util/error.h"

namespace artdag::http {

struct ErrorAnswer {
  int status = 500;
  std::string detail;         // what the client may read
  ApiError::Headers headers;  // Retry-After, WWW-Authenticate, ...
  std::string field;          // the form field it is about, or ""
  std::string reason;         // machine-readable, for logs and metrics, or ""
};

// ApiError as it says (its cause logged at debug level); UniqueViolation 409;
// StoreUnavailable 503 with Retry-After; anything else 500. Causes are logged, never sent.
ErrorAnswer error_answer(const std::exception_ptr& error, const Request& request);

// `{"detail": ...}` with the answer's headers; a 401 that names no scheme gets
// `WWW-Authenticate: Bearer` (the JSON API's tokens).
Response json_error(const ErrorAnswer& answer);

}  // namespace artdag::http
