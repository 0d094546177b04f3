#include "http/message.h"

#include <algorithm>
#include <cctype>

#include "util/text.h"

namespace artdag::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char lead = static_cast<unsigned char>(s[i]);
    int continuation = lead < 0x80           ? 0
                       : (lead >> 5) == 0x6  ? 1
                       : (lead >> 4) == 0xE  ? 2
                       : (lead >> 3) == 0x1E ? 3
                                             : -1;
    if (continuation < 0 || i + continuation >= s.size()) return false;
    uint32_t cp = continuation == 0 ? lead : lead & (0x3F >> continuation);
    for (int k = 1; k <= continuation; ++k) {
      unsigned char c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    bool overlong = (continuation == 1 && cp < 0x80) || (continuation == 2 && cp < 0x800) ||
                    (continuation == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += continuation + 1;
  }
  return true;
}
}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (ascii_iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> Request::header_joined(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : headers) {
    if (!ascii_iequals(k, name)) continue;
    if (out)
      *out += ", " + v;
    else
      out = v;
  }
  return out;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto pair = q.substr(0, amp);
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (key && *key == name) {
      if (eq == std::string_view::npos) return std::string();
      auto value = percent_decode(pair.substr(eq + 1), true);
      if (value) return value;
      return std::nullopt;
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string Request::content_type() const {
  auto ct = header("content-type");
  if (!ct) return "";
  std::string_view v = *ct;
  v = v.substr(0, v.find(';'));
  return ascii_lower_compact(v);
}

Response& Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (ascii_iequals(k, name)) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (ascii_iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

Response Response::json(int status, const Json& value, std::string content_type) {
  Response r;
  r.status = status;
  r.body = to_wire(value);
  r.set_header("Content-Type", std::move(content_type));
  return r;
}

Response Response::activity_json(int status, const Json& value) {
  return json(status, value, "application/activity+json");
}

Response Response::error(int status, std::string_view detail) {
  return json(status, Json{{"detail", detail}});
}

Response Response::html(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", "text/html; charset=utf-8");
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set_header("Content-Type", std::move(content_type));
  return r;
}

Response Response::redirect(int status, std::string location) {
  Response r;
  r.status = status;
  r.set_header("Location", std::move(location));
  return r;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  return r;
}

std::optional<std::string> percent_decode(std::string_view text, bool form) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && form) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (!valid_utf8(out)) return std::nullopt;
  return out;
}

std::optional<std::map<std::string, std::string>> parse_form(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                : percent_decode(pair.substr(eq + 1), true);
      if (!key || !value) return std::nullopt;
      fields.emplace(std::move(*key), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return fields;
}

}  // namespace artdag::http
