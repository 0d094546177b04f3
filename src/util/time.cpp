#include "util/time.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>

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

// The digits text[pos, pos + n) as a number; -1 unless they are all ASCII digits (sscanf's
// %d also took signs and spaces, so "-1" passed for an hour).
int digits_at(std::string_view text, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Seconds since the epoch for a calendar date and time given as written (month 1-12), or
// nullopt when any field is out of range: timegm() would quietly roll "Feb 31" into March.
// Second 60 (a leap second) is accepted.
std::optional<int64_t> from_fields(int year, int month, int day, int hour, int minute, int second) {
  static const int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  const int month_days = kDaysInMonth[month - 1] + (month == 2 && is_leap_year(year) ? 1 : 0);
  if (day > month_days) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
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
  // Exactly "YYYY-MM-DDTHH:MM:SSZ".
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  return from_fields(digits_at(text, 0, 4), digits_at(text, 5, 2), digits_at(text, 8, 2),
                     digits_at(text, 11, 2), digits_at(text, 14, 2), digits_at(text, 17, 2));
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
  // IMF-fixdate only, as RFC 9110 requires senders to produce: exactly
  // "Sun, 05 Jan 2014 21:31:40 GMT". The day name must be one, but is not checked against
  // the date (it is redundant).
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return std::nullopt;
  bool day_name = false;
  for (const char* day : kDays) day_name = day_name || text.substr(0, 3) == day;
  int month = 0;
  for (int i = 0; i < 12; ++i)
    if (text.substr(8, 3) == kMonths[i]) month = i + 1;
  if (!day_name || month == 0) return std::nullopt;
  return from_fields(digits_at(text, 12, 4), month, digits_at(text, 5, 2), digits_at(text, 17, 2),
                     digits_at(text, 20, 2), digits_at(text, 23, 2));
}

}  // namespace artdag
