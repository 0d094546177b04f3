// HTTP Signatures (draft-cavage) and Digest on incoming requests: the Signature header
// parser, the Digest check, the whole check_incoming + verify_with_key path on a request
// read from the input, and sign_request → check_incoming → verify_with_key round trips.
// The first input byte picks which. Keys are the draft's Appendix C test key
// (tests/data/http-signature), so inputs from the draft's test vectors verify.
#include <cctype>
#include <fstream>
#include <sstream>

#include "activitypub/http_signature.h"
#include "crypto/hash.h"
#include "crypto/rsa_key.h"
#include "fuzz_common.h"
#include "util/time.h"

namespace {

namespace ap = artdag::activitypub;
using artdag::fuzz::Input;
using artdag::fuzz::take_until;

// "Sun, 05 Jan 2014 21:31:40 GMT", the Date of the draft's test request.
constexpr int64_t kNow = 1388957500;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const artdag::crypto::RsaKey& private_key() {
  static const auto key = artdag::crypto::RsaKey::from_private_pem(
      read_file(ARTDAG_TEST_DATA_DIR "/http-signature/test-key.pem"));
  return key;
}
const artdag::crypto::RsaKey& public_key() {
  static const auto key = artdag::crypto::RsaKey::from_public_pem(
      read_file(ARTDAG_TEST_DATA_DIR "/http-signature/test-key.pub"));
  return key;
}

bool is_lower(std::string_view s) {
  for (char c : s)
    if (c >= 'A' && c <= 'Z') return false;
  return true;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A parsed header satisfies what parse_signature_header promises, and writing its
// parameters back out (quoted, any order the draft allows) parses to the same parameters.
void signature_header(std::string_view value) {
  auto parsed = ap::parse_signature_header(value);
  if (!parsed) {
    FUZZ_CHECK(parsed.error == "malformed Signature header");
    return;
  }
  const ap::SignatureParams& p = *parsed.value;
  FUZZ_CHECK(!p.key_id.empty() && !p.signature.empty() && !p.headers.empty());
  FUZZ_CHECK(is_lower(p.algorithm));
  for (const auto& h : p.headers) FUZZ_CHECK(!h.empty() && is_lower(h));

  std::string names;
  for (const auto& h : p.headers) names += (names.empty() ? "" : " ") + h;
  std::string again = "signature=" + quoted(artdag::crypto::base64_encode(p.signature)) +
                      ", headers=" + quoted(names) + ",keyId=" + quoted(p.key_id);
  if (!p.algorithm.empty()) again += ",algorithm=" + quoted(p.algorithm);
  if (!p.created.empty()) again += ",created=" + p.created;
  if (!p.expires.empty()) again += ",expires=" + p.expires;
  if (again.size() > 16 * 1024) return;  // over the header size limit: rightly refused
  auto reparsed = ap::parse_signature_header(again);
  FUZZ_CHECK(reparsed);
  const ap::SignatureParams& q = *reparsed.value;
  FUZZ_CHECK(q.key_id == p.key_id && q.algorithm == p.algorithm && q.headers == p.headers &&
             q.signature == p.signature && q.created == p.created && q.expires == p.expires);
}

// "<Digest header>\n<body>": never throws; the Digest we make for a body matches it.
void digest(std::string_view rest) {
  const std::string_view header = take_until(rest, '\n');
  const ap::DigestStatus status = ap::check_digest(header, rest);
  FUZZ_CHECK(status == ap::DigestStatus::match || status == ap::DigestStatus::mismatch ||
             status == ap::DigestStatus::no_sha256 || status == ap::DigestStatus::malformed);
  FUZZ_CHECK(ap::check_digest(ap::make_digest_header(rest), rest) == ap::DigestStatus::match);
  FUZZ_CHECK(ap::check_digest(std::string(header) + ", " + ap::make_digest_header(rest), rest) !=
             ap::DigestStatus::no_sha256);
}

// A request as text: "METHOD TARGET\nName: value\n...\n\nbody". check_incoming either
// fails with a reason or establishes what it documents; verify_with_key never throws.
void incoming(std::string_view rest) {
  std::string_view request_line = take_until(rest, '\n');
  const std::string_view method = take_until(request_line, ' ');
  const std::string_view target = request_line;
  ap::HeaderFields fields;
  while (!rest.empty()) {
    std::string_view line = take_until(rest, '\n');
    if (line.empty()) break;
    const std::string_view name = take_until(line, ':');
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    fields.emplace_back(std::string(name), std::string(line));
  }
  const auto headers = ap::lookup_in(fields);
  const ap::IncomingRequest request{method, target, headers, rest};
  auto checked = ap::check_incoming(request, kNow);
  if (!checked) {
    FUZZ_CHECK(!checked.error.empty());
    return;
  }
  const ap::CheckedRequest& c = *checked.value;
  for (const char* required : {"(request-target)", "host", "date"}) {
    bool covered = false;
    for (const auto& h : c.params.headers) covered = covered || h == required;
    FUZZ_CHECK(covered);
  }
  FUZZ_CHECK(c.params.algorithm.empty() || c.params.algorithm == "rsa-sha256" ||
             c.params.algorithm == "hs2019");
  FUZZ_CHECK(!c.signing_string.empty());
  const ap::Verification v = ap::verify_with_key(c, public_key());
  FUZZ_CHECK(v.ok == v.error.empty());
  FUZZ_CHECK(!v.without_query || !c.signing_string_without_query.empty());
}

// "METHOD\nURL\nbody" (no third line: no body): what sign_request produces passes
// check_incoming and verifies with the matching key; a URL it refuses is
// std::invalid_argument, as documented.
void sign_and_verify(std::string_view rest) {
  const std::string method(take_until(rest, '\n'));
  const std::string_view url = take_until(rest, '\n');
  std::string lower_method = method;
  for (char& c : lower_method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // check_incoming requires a Digest for these methods and for any body, so sign one then.
  std::optional<std::string_view> body;
  if (!rest.empty() || lower_method == "post" || lower_method == "put" || lower_method == "patch")
    body = rest;
  ap::SignedHeaders signed_headers;
  try {
    signed_headers =
        ap::sign_request(method, url, body, private_key(), "https://a.example/k", kNow);
  } catch (const std::invalid_argument&) {
    return;
  }
  // The request-target as sent: the URL's path and query (a client never sends the fragment).
  const std::string target(url.substr(0, url.find('#')));
  const ap::HeaderFields fields = signed_headers.fields();
  const auto headers = ap::lookup_in(fields);
  const ap::IncomingRequest request{method, target, headers, body.value_or("")};
  auto checked = ap::check_incoming(request, kNow);
  if (!checked) std::fprintf(stderr, "check_incoming: %s\n", checked.error.c_str());
  FUZZ_CHECK(checked);
  const ap::Verification v = ap::verify_with_key(*checked.value, public_key());
  FUZZ_CHECK(v.ok && !v.without_query);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Input input = Input::from(data, size);
  switch (input.selector % 4) {
    case 0:
      signature_header(input.rest);
      break;
    case 1:
      digest(input.rest);
      break;
    case 2:
      incoming(input.rest);
      break;
    case 3:
      sign_and_verify(input.rest);
      break;
  }
  return 0;
}
