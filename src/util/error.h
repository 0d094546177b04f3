#pragma once
// Typed errors that carry their HTTP status. Services throw them; the HTTP layer maps
// them to `{"detail": ...}` once. The detail is what the client may be told, never an
// internal message (SQL text, stack, file paths).
#include <stdexcept>
#include <string>

namespace artdag {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string detail) : std::runtime_error(detail), status_(status) {}
  int status() const { return status_; }
  const char* detail() const { return what(); }

  static ApiError bad_request(std::string d) { return {400, std::move(d)}; }
  static ApiError unauthorized(std::string d) { return {401, std::move(d)}; }
  static ApiError forbidden(std::string d) { return {403, std::move(d)}; }
  static ApiError not_found(std::string d) { return {404, std::move(d)}; }
  static ApiError conflict(std::string d) { return {409, std::move(d)}; }
  static ApiError too_large(std::string d) { return {413, std::move(d)}; }
  static ApiError unsupported_media_type(std::string d) { return {415, std::move(d)}; }
  static ApiError unprocessable(std::string d) { return {422, std::move(d)}; }
  static ApiError too_many_requests(std::string d) { return {429, std::move(d)}; }
  static ApiError bad_gateway(std::string d) { return {502, std::move(d)}; }
  static ApiError unavailable(std::string d) { return {503, std::move(d)}; }

 private:
  int status_;
};

// The database could not be reached or failed; maps to 503 without leaking details.
class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace artdag
