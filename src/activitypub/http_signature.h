#pragma once
// HTTP Signatures, draft-cavage-http-signatures-12, as the fediverse uses them, plus the
// RFC 3230 `Digest` header. Pure code: no I/O.
//
// Outgoing: sign_request() gives the Host, Date, Digest and Signature headers to send.
// Incoming, in two steps so the caller can fetch the signer's key in between:
//   auto checked = check_incoming(request, now);      // structure, coverage, digest, date
//   if (!checked) -> 401 {"detail": checked.error}
//   key = fetch(checked.value->params.key_id);          // caller's I/O
//   auto v = verify_with_key(*checked.value, key);      // the RSA check
//   if (!v.ok) -> 401 {"detail": v.error}
// Every error string is meant to be sent back as the 401 detail.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/rsa_key.h"

namespace artdag::activitypub {

// A value or the reason there is none.
template <typename T>
struct Checked {
  std::optional<T> value;
  std::string error;  // set when value is empty

  explicit operator bool() const { return value.has_value(); }
  static Checked fail(std::string reason) { return Checked{std::nullopt, std::move(reason)}; }
};

// Every value received for a header, in the order received; empty when absent. Called with
// a lower-case name; the implementation must compare names case-insensitively (Beast's
// `fields::equal_range` does).
using HeaderLookup = std::function<std::vector<std::string>(std::string_view lower_name)>;

// A header list as (name, value) pairs. lookup_in() borrows it: keep it alive while the
// returned lookup is used.
using HeaderFields = std::vector<std::pair<std::string, std::string>>;
HeaderLookup lookup_in(const HeaderFields& fields);

// The parameters of a `Signature` header.
struct SignatureParams {
  std::string key_id;
  std::string algorithm;             // lower-cased; empty when the sender sent none
  std::vector<std::string> headers;  // lower-cased, in order; {"date"} when absent
  std::string signature;             // raw signature bytes (base64-decoded)
  std::string created;               // "(created)" value as sent; empty when absent
  std::string expires;               // "(expires)" value as sent; empty when absent
};

// Parses the value of a `Signature` header (or the part after "Signature " in
// `Authorization`). Parameters may come in any order with optional whitespace around `=` and
// `,`; values are quoted strings (backslash escapes allowed) or tokens. Names are matched
// case-insensitively and unknown ones ignored. Fails on a duplicate parameter, a missing or
// empty keyId or signature, an empty headers list, a signature that is not base64, a
// non-numeric created/expires, or anything else that does not fit the grammar.
Checked<SignatureParams> parse_signature_header(std::string_view value);

// The string that is signed: one "name: value" line per entry of `header_names`, joined by
// "\n" without a trailing newline. "(request-target)" is the lower-case method, a space and
// `target` (path with its query, as sent). "(created)"/"(expires)" take the values given.
// Other names are looked up; several values of one header are trimmed and joined with ", ".
// Fails with "signed header missing from request: NAME" when a header is absent.
Checked<std::string> build_signing_string(std::string_view method, std::string_view target,
                                          const std::vector<std::string>& header_names,
                                          const HeaderLookup& headers,
                                          std::string_view created = {},
                                          std::string_view expires = {});

// "SHA-256=<base64 of SHA-256(body)>", over the exact bytes sent.
std::string make_digest_header(std::string_view body);

enum class DigestStatus {
  match,      // a SHA-256 entry is present and every SHA-256 entry matches the body
  mismatch,   // a SHA-256 entry does not match
  no_sha256,  // well-formed but without a SHA-256 entry
  malformed,  // not a comma-separated list of algorithm=base64
};
// Checks a received `Digest` value (several values of the header joined with ", " are
// fine): comma-separated `algorithm=base64` entries, algorithm names in any case, entries
// for other algorithms ignored.
DigestStatus check_digest(std::string_view digest_header, std::string_view body);

// The headers to send with a signed request, in this order: Host, Date, Digest (only when
// there is a body), Signature.
struct SignedHeaders {
  std::string host;       // host[:port], the port only when not the scheme's default
  std::string date;       // IMF-fixdate
  std::string digest;     // empty when no body
  std::string signature;  // the Signature header value
  HeaderFields fields() const;
};

// Signs an outgoing request with rsa-sha256. Covers "(request-target) host date digest" when
// there is a body (POST deliveries) and "(request-target) host date" without one (GET).
// `url` must be an absolute http(s) URL; throws std::invalid_argument otherwise. The body is
// hashed as given: send exactly these bytes.
SignedHeaders sign_request(std::string_view method, std::string_view url,
                           std::optional<std::string_view> body, const crypto::RsaKey& key,
                           std::string_view key_id, int64_t now);

// Accepted clock skew for `Date` (and `(created)`/`(expires)`) on incoming requests.
inline constexpr int64_t kMaxSignatureAgeSeconds = 12 * 3600;
inline constexpr int64_t kMaxSignatureFutureSeconds = 3600;

// Borrows everything: the strings and whatever `headers` reads must outlive the call.
struct IncomingRequest {
  std::string_view method;  // as received ("POST")
  std::string_view target;  // the request-target as received: path and query
  HeaderLookup headers;
  std::string_view body;  // exact bytes received
};

// What check_incoming() established; pass it to verify_with_key().
struct CheckedRequest {
  SignatureParams params;
  std::string signing_string;                // with the target as received
  std::string signing_string_without_query;  // empty when the target has no query
};

// Step 1, before the key is known. Fails with one of:
//   "missing Signature header", "malformed Signature header", "unsupported signature
//   algorithm", "signature does not cover (request-target)" / "... cover host" /
//   "... cover date" / "... cover digest", "missing Date header", "malformed Date header",
//   "date outside the accepted window", "signature expired", "missing Digest header",
//   "malformed Digest header", "Digest has no SHA-256 entry", "digest mismatch",
//   "signed header missing from request: NAME".
// The Signature comes from `Signature`, or else from `Authorization: Signature ...`.
// Algorithm must be rsa-sha256, hs2019 or absent. Digest coverage is required for POST, PUT
// and PATCH and whenever the body is not empty; a Digest header, when sent, must match.
Checked<CheckedRequest> check_incoming(const IncomingRequest& request, int64_t now);

struct Verification {
  bool ok = false;
  std::string error;           // "signature does not verify" when !ok
  bool without_query = false;  // verified only once the query was dropped from the target
};

// Step 2: RSASSA-PKCS1-v1_5/SHA-256 with the signer's key. When that fails and the target
// had a query string, retries once with the query dropped (some peers sign the path only).
Verification verify_with_key(const CheckedRequest& request, const crypto::RsaKey& key);

}  // namespace artdag::activitypub
