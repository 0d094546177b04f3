#pragma once
// A parse result for the transparency-log parsers: either a value or a short reason why the
// input was refused. The parsers read bytes from the network, so refusals are ordinary
// outcomes, not exceptions; the reason is fit to show to the client that sent the input.
#include <optional>
#include <string>
#include <utility>

namespace artdag::tlog {

template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  static Result failure(std::string reason) {
    Result result;
    result.error_ = std::move(reason);
    return result;
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  // Only when ok(); like std::optional, calling these on a failure throws bad_optional_access.
  const T& value() const& { return value_.value(); }
  T& value() & { return value_.value(); }
  T&& value() && { return std::move(value_).value(); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }
  // Empty when ok().
  const std::string& error() const { return error_; }

 private:
  Result() = default;
  std::optional<T> value_;
  std::string error_;
};

// A failure of any Result type, so a helper can `return Failure{"..."}`.
struct Failure {
  std::string reason;
  template <class T>
  operator Result<T>() const {  // NOLINT: implicit on purpose
    return Result<T>::failure(reason);
  }
};

}  // namespace artdag::tlog
