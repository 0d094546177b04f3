#include "util/time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace artdag {

namespace {
const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::tm to_tm(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

std::optional<int64_t> from_tm(std::tm tm) {
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60)
    return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}
}  // namespace

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601_utc(int64_t t) {
  std::tm tm = to_tm(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<int64_t> parse_iso8601_utc(std::string_view text) {
  if (text.size() != 20) return std::nullopt;
  std::tm tm{};
  std::string s(text);
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
      z != 'Z')
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return from_tm(tm);
}

std::string http_date(int64_t t) {
  std::tm tm = to_tm(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::optional<int64_t> parse_http_date(std::string_view text) {
  // IMF-fixdate only, as RFC 9110 requires senders to produce.
  if (text.size() != 29 || text.substr(25) != " GMT") return std::nullopt;
  std::string s(text);
  char day[4] = {}, mon[4] = {};
  std::tm tm{};
  if (std::sscanf(s.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d", day, &tm.tm_mday, mon, &tm.tm_year,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
    return std::nullopt;
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i)
    if (std::string_view(mon) == kMonths[i]) tm.tm_mon = i;
  tm.tm_year -= 1900;
  return from_tm(tm);
}

}  // namespace artdag
