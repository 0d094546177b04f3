#include "activitypub/http_signature.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <charconv>
#include <exception>
#include <stdexcept>

#include "crypto/hash.h"
#include "util/text.h"
#include "util/time.h"

namespace artdag::activitypub {

namespace {

constexpr std::size_t kMaxSignatureHeaderBytes = 16 * 1024;

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

std::string join(const std::vector<std::string>& values, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += sep;
    out += values[i];
  }
  return out;
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "(created)" is an integer; "(expires)" may carry a decimal fraction (draft-12 2.1.5).
bool valid_timestamp(std::string_view s, bool allow_fraction) {
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return all_digits(s) && s.size() <= 18;
  return allow_fraction && dot <= 18 && all_digits(s.substr(0, dot)) &&
         all_digits(s.substr(dot + 1));
}

int64_t timestamp_seconds(std::string_view s) {
  return parse_int(s.substr(0, s.find('.'))).value_or(0);
}

// Parses `name = value` pairs separated by commas; values are quoted strings or tokens.
// Returns false on anything outside that grammar or on a repeated (case-insensitive) name.
bool parse_params(std::string_view in, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t i = 0;
  auto skip_ows = [&] {
    while (i < in.size() && is_ows(in[i])) ++i;
  };
  bool any = false;
  while (true) {
    // Empty list elements (",,") are allowed, as RFC 9110's list rule allows them.
    skip_ows();
    while (i < in.size() && in[i] == ',') {
      ++i;
      skip_ows();
    }
    if (i == in.size()) break;
    std::size_t start = i;
    while (i < in.size() && is_tchar(in[i])) ++i;
    if (i == start) return false;
    std::string name = ascii_lower(in.substr(start, i - start));
    skip_ows();
    if (i == in.size() || in[i] != '=') return false;
    ++i;
    skip_ows();
    std::string value;
    if (i < in.size() && in[i] == '"') {
      ++i;
      bool closed = false;
      while (i < in.size()) {
        char c = in[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == in.size()) return false;
          c = in[i++];
        }
        auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
        value += c;
      }
      if (!closed) return false;
    } else {
      std::size_t vstart = i;
      while (i < in.size() && is_tchar(in[i])) ++i;
      if (i == vstart) return false;
      value.assign(in.substr(vstart, i - vstart));
    }
    for (const auto& [seen, unused] : out)
      if (seen == name) return false;
    out.emplace_back(std::move(name), std::move(value));
    any = true;
    skip_ows();
    if (i == in.size()) break;
    if (in[i] != ',') return false;
  }
  return any;
}

// The request-target as signed: origin-form as is; absolute-form reduced to path and query.
std::string normalize_target(std::string_view target) {
  if (!target.empty() && target.front() == '/') return std::string(target);
  auto parsed = boost::urls::parse_absolute_uri(target);
  if (parsed) {
    std::string out(parsed->encoded_path());
    if (out.empty()) out = "/";
    if (parsed->has_query()) {
      out += '?';
      out += parsed->encoded_query();
    }
    return out;
  }
  return std::string(target);
}

bool covers(const SignatureParams& p, std::string_view name) {
  for (const auto& h : p.headers)
    if (h == name) return true;
  return false;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

HeaderLookup lookup_in(const HeaderFields& fields) {
  return [&fields](std::string_view name) {
    std::vector<std::string> values;
    for (const auto& [n, v] : fields)
      if (ascii_iequals(n, name)) values.push_back(v);
    return values;
  };
}

Checked<SignatureParams> parse_signature_header(std::string_view value) {
  using R = Checked<SignatureParams>;
  const std::string malformed = "malformed Signature header";
  if (value.size() > kMaxSignatureHeaderBytes) return R::fail(malformed);
  std::vector<std::pair<std::string, std::string>> params;
  if (!parse_params(value, params)) return R::fail(malformed);

  SignatureParams out;
  bool has_key_id = false, has_signature = false, has_headers = false;
  for (auto& [name, v] : params) {
    if (name == "keyid") {
      out.key_id = std::move(v);
      has_key_id = true;
    } else if (name == "algorithm") {
      out.algorithm = ascii_lower(v);
    } else if (name == "headers") {
      has_headers = true;
      std::string_view rest = v;
      while (!rest.empty()) {
        rest = trim(rest);
        std::size_t end = 0;
        while (end < rest.size() && !is_ows(rest[end])) ++end;
        if (end) out.headers.push_back(ascii_lower(rest.substr(0, end)));
        rest.remove_prefix(end);
      }
    } else if (name == "signature") {
      auto raw = crypto::base64_decode(trim(v));
      if (!raw || raw->empty()) return R::fail(malformed);
      out.signature = std::move(*raw);
      has_signature = true;
    } else if (name == "created") {
      if (!valid_timestamp(v, false)) return R::fail(malformed);
      out.created = std::move(v);
    } else if (name == "expires") {
      if (!valid_timestamp(v, true)) return R::fail(malformed);
      out.expires = std::move(v);
    }
  }
  if (!has_key_id || out.key_id.empty() || !has_signature) return R::fail(malformed);
  if (!has_headers) out.headers = {"date"};
  if (out.headers.empty()) return R::fail(malformed);
  return {std::move(out), {}};
}

Checked<std::string> build_signing_string(std::string_view method, std::string_view target,
                                          const std::vector<std::string>& header_names,
                                          const HeaderLookup& headers, std::string_view created,
                                          std::string_view expires) {
  using R = Checked<std::string>;
  std::string out;
  for (std::size_t i = 0; i < header_names.size(); ++i) {
    std::string name = ascii_lower(header_names[i]);
    std::string value;
    if (name == "(request-target)") {
      value = ascii_lower(method) + " " + std::string(target);
    } else if (name == "(created)" || name == "(expires)") {
      std::string_view v = name == "(created)" ? created : expires;
      if (v.empty()) return R::fail("signed header missing from request: " + name);
      value.assign(v);
    } else {
      std::vector<std::string> values = headers(name);
      if (values.empty()) return R::fail("signed header missing from request: " + name);
      for (std::size_t j = 0; j < values.size(); ++j) {
        if (j) value += ", ";
        value += trim(values[j]);
      }
    }
    if (i) out += '\n';
    out += name;
    out += ": ";
    out += value;
  }
  return {std::move(out), {}};
}

std::string make_digest_header(std::string_view body) {
  return "SHA-256=" + crypto::base64_encode(crypto::sha256(body));
}

DigestStatus check_digest(std::string_view digest_header, std::string_view body) {
  bool any_entry = false;
  bool has_sha256 = false;
  std::optional<std::string> actual;
  std::string_view rest = digest_header;
  while (true) {
    std::size_t comma = rest.find(',');
    std::string_view entry = trim(rest.substr(0, comma));
    if (!entry.empty()) {
      std::size_t eq = entry.find('=');
      if (eq == std::string_view::npos || eq == 0) return DigestStatus::malformed;
      std::string_view algorithm = trim(entry.substr(0, eq));
      std::string_view encoded = trim(entry.substr(eq + 1));
      for (char c : algorithm)
        if (!is_tchar(c)) return DigestStatus::malformed;
      if (algorithm.empty() || encoded.empty()) return DigestStatus::malformed;
      any_entry = true;
      if (ascii_iequals(algorithm, "sha-256")) {
        auto expected = crypto::base64_decode(encoded);
        if (!expected) return DigestStatus::malformed;
        if (!actual) actual = crypto::sha256(body);
        if (*expected != *actual) return DigestStatus::mismatch;
        has_sha256 = true;
      }
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!any_entry) return DigestStatus::malformed;
  return has_sha256 ? DigestStatus::match : DigestStatus::no_sha256;
}

HeaderFields SignedHeaders::fields() const {
  HeaderFields out{{"Host", host}, {"Date", date}};
  if (!digest.empty()) out.emplace_back("Digest", digest);
  out.emplace_back("Signature", signature);
  return out;
}

SignedHeaders sign_request(std::string_view method, std::string_view url,
                           std::optional<std::string_view> body, const crypto::RsaKey& key,
                           std::string_view key_id, int64_t now) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw std::invalid_argument("not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  std::string scheme = ascii_lower(u.scheme());
  if (scheme != "http" && scheme != "https") throw std::invalid_argument("not an http(s) URL");
  if (!u.has_authority() || u.encoded_host().empty())
    throw std::invalid_argument("URL without a host");

  SignedHeaders out;
  out.host = ascii_lower(u.encoded_host());
  if (u.has_port() && !u.port().empty()) {
    bool is_default = (scheme == "http" && u.port_number() == 80) ||
                      (scheme == "https" && u.port_number() == 443);
    if (!is_default) {
      out.host += ':';
      out.host += u.port();
    }
  }
  out.date = http_date(now);
  std::string target(u.encoded_path());
  if (target.empty()) target = "/";
  if (u.has_query()) {
    target += '?';
    target += u.encoded_query();
  }

  std::vector<std::string> names = {"(request-target)", "host", "date"};
  HeaderFields fields{{"host", out.host}, {"date", out.date}};
  if (body) {
    out.digest = make_digest_header(*body);
    names.emplace_back("digest");
    fields.emplace_back("digest", out.digest);
  }
  auto signing = build_signing_string(method, target, names, lookup_in(fields));
  std::string signature = crypto::base64_encode(key.sign_sha256(*signing.value));
  out.signature = "keyId=" + quote(key_id) +
                  ",algorithm=\"rsa-sha256\",headers=" + quote(join(names, " ")) +
                  ",signature=" + quote(signature);
  return out;
}

Checked<CheckedRequest> check_incoming(const IncomingRequest& request, int64_t now) {
  using R = Checked<CheckedRequest>;
  const HeaderLookup& headers = request.headers;

  std::string signature_value;
  std::vector<std::string> signature_headers = headers("signature");
  if (!signature_headers.empty()) {
    signature_value = join(signature_headers, ", ");
  } else {
    for (const std::string& auth : headers("authorization")) {
      std::string_view v = trim(auth);
      if (ascii_istarts_with(v, "signature ")) {
        signature_value.assign(trim(v.substr(10)));
        break;
      }
    }
    if (signature_value.empty()) return R::fail("missing Signature header");
  }

  auto parsed = parse_signature_header(signature_value);
  if (!parsed) return R::fail(parsed.error);
  SignatureParams& params = *parsed.value;

  if (!params.algorithm.empty() && params.algorithm != "rsa-sha256" && params.algorithm != "hs2019")
    return R::fail("unsupported signature algorithm");

  std::string method = ascii_lower(request.method);
  bool digest_required =
      method == "post" || method == "put" || method == "patch" || !request.body.empty();
  for (std::string_view required : {"(request-target)", "host", "date"})
    if (!covers(params, required))
      return R::fail("signature does not cover " + std::string(required));
  if (digest_required && !covers(params, "digest"))
    return R::fail("signature does not cover digest");

  std::vector<std::string> dates = headers("date");
  if (dates.empty()) return R::fail("missing Date header");
  if (dates.size() != 1) return R::fail("malformed Date header");
  auto date = parse_http_date(trim(dates.front()));
  if (!date) return R::fail("malformed Date header");
  if (*date < now - kMaxSignatureAgeSeconds || *date > now + kMaxSignatureFutureSeconds)
    return R::fail("date outside the accepted window");
  if (!params.created.empty()) {
    int64_t created = timestamp_seconds(params.created);
    if (created < now - kMaxSignatureAgeSeconds || created > now + kMaxSignatureFutureSeconds)
      return R::fail("date outside the accepted window");
  }
  if (!params.expires.empty() && timestamp_seconds(params.expires) < now)
    return R::fail("signature expired");

  std::vector<std::string> digests = headers("digest");
  if (digest_required && digests.empty()) return R::fail("missing Digest header");
  if (!digests.empty()) {
    switch (check_digest(join(digests, ", "), request.body)) {
      case DigestStatus::match:
        break;
      case DigestStatus::mismatch:
        return R::fail("digest mismatch");
      case DigestStatus::no_sha256:
        return R::fail("Digest has no SHA-256 entry");
      case DigestStatus::malformed:
        return R::fail("malformed Digest header");
    }
  }

  std::string target = normalize_target(request.target);
  auto signing = build_signing_string(request.method, target, params.headers, headers,
                                      params.created, params.expires);
  if (!signing) return R::fail(signing.error);

  CheckedRequest out;
  out.signing_string = std::move(*signing.value);
  std::size_t query = target.find('?');
  if (query != std::string::npos) {
    auto without = build_signing_string(request.method, target.substr(0, query), params.headers,
                                        headers, params.created, params.expires);
    if (without) out.signing_string_without_query = std::move(*without.value);
  }
  out.params = std::move(params);
  return {std::move(out), {}};
}

Verification verify_with_key(const CheckedRequest& request, const crypto::RsaKey& key) {
  auto verifies = [&](const std::string& data) {
    try {
      return key.verify_sha256(data, request.params.signature);
    } catch (const std::exception&) {
      return false;
    }
  };
  if (verifies(request.signing_string)) return {true, {}, false};
  if (!request.signing_string_without_query.empty() &&
      verifies(request.signing_string_without_query))
    return {true, {}, true};
  return {false, "signature does not verify", false};
}

}  // namespace artdag::activitypub
