#pragma once
// Helpers shared by the fuzz targets. A target states the parser's contract with these:
// a broken promise aborts, and libFuzzer keeps the input that did it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "util/error.h"

namespace artdag::fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz contract broken at %s:%d: %s\n", file, line, what);
  std::abort();
}

// Like assert(), but on in every build type.
#define FUZZ_CHECK(condition) \
  ((condition) ? (void)0 : ::artdag::fuzz::fail(#condition, __FILE__, __LINE__))

// The input with its first byte taken off as the choice of parser.
struct Input {
  uint8_t selector = 0;
  std::string_view rest;

  static Input from(const uint8_t* data, std::size_t size) {
    if (size == 0) return {};
    return {data[0], std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)};
  }
};

// Splits off the text before the first `separator` (all of it when there is none).
inline std::string_view take_until(std::string_view& text, char separator) {
  const std::size_t at = text.find(separator);
  std::string_view head = text.substr(0, at);
  text.remove_prefix(at == std::string_view::npos ? text.size() : at + 1);
  return head;
}

// Runs `parse`; an ApiError is part of the contract only with one of `statuses`. Any other
// exception escapes and libFuzzer reports it as a crash. True when `parse` returned.
template <typename Parse>
bool returns_or_api_error(Parse&& parse, std::initializer_list<int> statuses) {
  try {
    std::forward<Parse>(parse)();
    return true;
  } catch (const ApiError& e) {
    bool allowed = false;
    for (int status : statuses) allowed = allowed || e.status() == status;
    if (!allowed) std::fprintf(stderr, "unexpected ApiError %d: %s\n", e.status(), e.detail());
    FUZZ_CHECK(allowed);
    FUZZ_CHECK(e.detail()[0] != '\0');
    return false;
  }
}

inline bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    int extra = lead < 0x80         ? 0
                : (lead >> 5) == 6  ? 1
                : (lead >> 4) == 14 ? 2
                : (lead >> 3) == 30 ? 3
                                    : -1;
    if (extra < 0 || i + extra >= s.size()) return false;
    uint32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace artdag::fuzz
