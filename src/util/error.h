#pragma once
// The errors every layer may throw, and nothing else crosses a layer as an error.
//
// ApiError is everything a service can refuse: the HTTP status, the detail the client may
// read, extra headers (Retry-After, WWW-Authenticate), the form field it is about (pages
// show it beside that field), a machine-readable reason (signature checks and metrics count
// by it) and an internal cause that goes to the log only, never to the client.
// http/error_response.h turns any exception into one answer, for JSON and HTML alike.
#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace artdag {

class ApiError : public std::runtime_error {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  ApiError(int status, std::string detail) : std::runtime_error(detail), status_(status) {}

  int status() const { return status_; }
  const char* detail() const { return what(); }
  const Headers& headers() const { return headers_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }
  const std::string& cause() const { return cause_; }

  ApiError&& with_header(std::string name, std::string value) && {
    headers_.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
  ApiError&& with_field(std::string field) && {
    field_ = std::move(field);
    return std::move(*this);
  }
  ApiError&& with_reason(std::string reason) && {
    reason_ = std::move(reason);
    return std::move(*this);
  }
  ApiError&& with_cause(std::string cause) && {
    cause_ = std::move(cause);
    return std::move(*this);
  }

  static ApiError bad_request(std::string d) { return {400, std::move(d)}; }
  static ApiError unauthorized(std::string d) { return {401, std::move(d)}; }
  static ApiError forbidden(std::string d) { return {403, std::move(d)}; }
  static ApiError not_found(std::string d) { return {404, std::move(d)}; }
  static ApiError conflict(std::string d) { return {409, std::move(d)}; }
  static ApiError too_large(std::string d) { return {413, std::move(d)}; }
  static ApiError unsupported_media_type(std::string d) { return {415, std::move(d)}; }
  static ApiError unprocessable(std::string d) { return {422, std::move(d)}; }
  static ApiError too_many_requests(std::string d) { return {429, std::move(d)}; }
  // 429 telling the client when it may try again (at least 1 s).
  static ApiError too_many_requests(std::string d, std::chrono::seconds retry_after) {
    auto seconds = retry_after.count() < 1 ? 1 : retry_after.count();
    return ApiError(429, std::move(d)).with_header("Retry-After", std::to_string(seconds));
  }
  static ApiError bad_gateway(std::string d) { return {502, std::move(d)}; }
  static ApiError unavailable(std::string d) { return {503, std::move(d)}; }

 private:
  int status_;
  Headers headers_;
  std::string field_;
  std::string reason_;
  std::string cause_;
};

// The database could not be reached or failed; answered 503 without details.
class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A write broke a unique key. Stores throw it for the service to turn into its own 409;
// one that escapes is still a 409, never a 503.
class UniqueViolation : public std::runtime_error {
 public:
  explicit UniqueViolation(std::string key)
      : std::runtime_error("unique constraint violated: " + key), key_(std::move(key)) {}
  // The constraint or column list the database named (may be empty).
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace artdag
