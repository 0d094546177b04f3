#include "services/federation/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "util/time.h"

namespace artdag::services::federation {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Verdict retry(std::string_view kind, std::string reason,
              std::optional<int64_t> retry_after = std::nullopt) {
  return {Outcome::kRetry, std::move(reason), retry_after, kind};
}
Verdict drop(std::string_view kind, std::string reason) {
  return {Outcome::kDrop, std::move(reason), std::nullopt, kind};
}

}  // namespace

std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range) return std::numeric_limits<int64_t>::max();
    if (ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
    return seconds;
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  return std::max<int64_t>(0, *when - now);
}

Verdict classify_response(long status, std::string_view retry_after, int64_t now) {
  const std::string code = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return {Outcome::kDelivered, "", std::nullopt, ""};
  if (status == 429 || status == 503) {
    auto wait = retry_after.empty() ? std::nullopt : parse_retry_after(retry_after, now);
    return retry("throttled", code, wait);
  }
  if (status == 408) return retry("http_4xx", code);
  if (status >= 500 && status < 600) return retry("http_5xx", code);
  if (status >= 400 && status < 500) return drop("http_4xx", code);
  if (status >= 300 && status < 400)
    return drop("redirect", code + " (redirects are not followed)");
  return drop("http_other", code + " (unexpected status)");
}

Verdict classify_fetch_error(net::FetchError::Kind kind, std::string_view message) {
  using Kind = net::FetchError::Kind;
  std::string text(message);
  switch (kind) {
    case Kind::kBadUrl:
      return drop("bad_url", "bad inbox URL: " + text);
    case Kind::kForbiddenAddress:
      return drop("guard", "refused by the outbound guard: " + text);
    case Kind::kTooManyRedirects:
      return drop("redirect", text);
    case Kind::kResolve:
    case Kind::kConnect:
      return retry("connect", text);
    case Kind::kTimeout:
      return retry("timeout", text);
    case Kind::kTooLarge:
      return retry("too_large", text);
    case Kind::kNetwork:
      break;
  }
  return retry("network", text);
}

int64_t RetryPolicy::delay_after(int failures, double jitter) const {
  const double n = std::clamp(failures, 1, 1000);
  const double j = std::clamp(jitter, 0.0, 1.0);
  const double seconds = (std::pow(n, 4) + 15 + j * kJitterStep * (n + 1)) * std::max(scale, 0.0);
  return static_cast<int64_t>(std::ceil(seconds));
}

Decision decide(const Verdict& verdict, int previous_failures, const RetryPolicy& policy,
                int64_t now, double jitter) {
  switch (verdict.outcome) {
    case Outcome::kDelivered:
      return {Action::kComplete, 0, ""};
    case Outcome::kDrop:
      return {Action::kDrop, 0, verdict.reason};
    case Outcome::kRetry:
      break;
  }
  const int failures = std::max(previous_failures, 0) + 1;
  if (failures >= policy.max_attempts)
    return {Action::kDrop, 0,
            "gave up after " + std::to_string(failures) + " attempts: " + verdict.reason};
  int64_t wait = policy.delay_after(failures, jitter);
  if (verdict.retry_after)
    wait = std::max(wait, std::min(*verdict.retry_after, policy.max_retry_after));
  return {Action::kRetry, now + wait, verdict.reason};
}

}  // namespace artdag::services::federation
