#pragma once
// RFC 9421 HTTP Message Signatures as the fediverse uses them (Mastodon 4.5+, Fedify), with
// RFC 9530 Content-Digest. Pure code: no I/O. draft-cavage lives in http_signature.h; a
// request with a `Signature-Input` header is RFC 9421.
//
// Incoming, in two steps so the caller can fetch the signer's key in between:
//   auto checked = rfc9421::check_incoming(view, now, own_authority);
//   if (!checked) -> 401 {"detail": checked.detail}      (checked.reason for metrics)
//   key = fetch(checked.value->key_id);                  // caller's I/O
//   auto v = rfc9421::verify_with_key(*checked.value, key);  // RSA or Ed25519
// Outgoing: sign_request() gives the Signature-Input, Signature and Content-Digest values;
// sign_as_requested() answers an Accept-Signature challenge.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activitypub/http_signature.h"  // HeaderLookup, HeaderFields, kMaxSignature*Seconds
#include "activitypub/structured_fields.h"
#include "crypto/ed25519_key.h"
#include "crypto/rsa_key.h"

namespace artdag::activitypub::rfc9421 {

// A message as the signature base sees it. Borrows everything: the strings and whatever
// `headers` reads must outlive every call given the view.
struct MessageView {
  std::string_view method;     // "POST", as received
  std::string_view scheme;     // "https": how the client reached us (the public scheme)
  std::string_view authority;  // the Host as received, "example.com" or "host:8443"
  std::string_view target;     // origin-form request-target as received: "/path?query"
  HeaderLookup headers;
  std::string_view body;      // exact bytes received
  std::optional<int> status;  // set for a response (only "@status" then reads it)
};

// One covered component: "@method", "content-digest", or "@query-param" with name="x".
struct Component {
  std::string name;
  sf::Parameters params;
  bool operator==(const Component&) const = default;
};

// One signature: its Signature-Input member and its Signature bytes.
struct MessageSignature {
  std::string label;
  std::vector<Component> components;
  sf::InnerList input;  // the member as parsed; its serialisation is "@signature-params"
  std::optional<int64_t> created, expires;
  std::optional<std::string> key_id, alg, nonce, tag;
  std::string signature;  // raw bytes
};

// Why an incoming signature was refused: stable names for metrics and tests; `detail` says
// it in words for the 401 body.
enum class Reason {
  ok,
  missing_signature,    // no Signature-Input or no Signature
  malformed_signature,  // not sf Dictionaries of the right shapes, or labels unpaired
  multiple_signatures,  // more than one Signature-Input member
  missing_created,
  created_in_future,  // more than kMaxSignatureFutureSeconds ahead
  signature_too_old,  // more than kMaxSignatureAgeSeconds behind
  signature_expired,  // `expires` passed
  missing_key_id,
  unsupported_algorithm,  // alg other than rsa-v1_5-sha256 or ed25519
  unsupported_component,  // a component or component parameter this code cannot derive
  component_missing,      // a covered header field is absent from the request
  method_not_covered,
  target_not_covered,  // neither @target-uri nor @authority + @path
  query_not_covered,   // the URL has a query but @query (or @target-uri) is not covered
  content_digest_not_covered,
  missing_content_digest,
  malformed_content_digest,
  content_digest_mismatch,
  wrong_authority,    // the signed authority is not this server's
  key_type_mismatch,  // alg names one key type, the key is the other
  bad_signature,
  unsupported_parameter,  // outgoing: a requested parameter this signer cannot honour
};
// "bad_signature" etc.: the enumerator's name.
std::string_view reason_name(Reason reason);

template <typename T>
struct Result {
  std::optional<T> value;
  Reason reason = Reason::ok;
  std::string detail = {};  // set when value is empty
  explicit operator bool() const { return value.has_value(); }
  static Result fail(Reason r, std::string d) { return Result{std::nullopt, r, std::move(d)}; }
};

// Parses `Signature-Input` and `Signature` (several field lines each joined with ", ").
// Every Signature-Input member must be an Inner List of Strings with a Signature member of
// the same label holding a Byte Sequence; created/expires must be Integers and
// keyid/alg/nonce/tag Strings. Fails with missing_signature or malformed_signature.
Result<std::vector<MessageSignature>> parse_signatures(std::string_view signature_input,
                                                       std::string_view signature);

// The signature base of RFC 9421 section 2.5: one `"name";params: value` line per component,
// then `"@signature-params": <input>`, joined by "\n". Derived components: @method,
// @target-uri, @authority, @scheme, @request-target, @path, @query, @query-param;name=,
// @status. Header fields: every line's value trimmed, joined with ", ". Fails with
// unsupported_component (other derived names, or the field parameters sf, key, bs, req,
// tr), component_missing, or malformed_signature (a duplicate component).
Result<std::string> signature_base(const MessageView& message,
                                   const std::vector<Component>& components,
                                   const sf::InnerList& signature_params);

// The authority as the signature base writes it: host lower-cased, default port dropped.
std::string normalize_authority(std::string_view authority, std::string_view scheme);

// What check_incoming() established; pass it to verify_with_key().
struct CheckedSignature {
  std::string label;
  std::string key_id;
  std::string alg;  // as sent; empty when absent (the key's type decides)
  std::string base;
  std::string signature;
  int64_t created = 0;
};

// Step 1, before the key is known (Mastodon's rules): exactly one signature; `created`
// present and within kMaxSignatureFutureSeconds ahead / kMaxSignatureAgeSeconds behind `now`;
// `expires`, when sent, not passed; a keyid; alg rsa-v1_5-sha256, ed25519 or absent;
// @method covered; @target-uri covered, or @authority and @path (and @query when the target
// has a query); content-digest covered and matching the body on POST, PUT and PATCH and
// whenever the body is not empty (and matching whenever the header is sent); the request's
// authority equal to `own_authority` (compared normalised).
Result<CheckedSignature> check_incoming(const MessageView& request, int64_t now,
                                        std::string_view own_authority);

struct VerifyOutcome {
  bool ok = false;
  Reason reason = Reason::ok;  // bad_signature or key_type_mismatch when !ok
  std::string detail;
};
// Step 2: RSASSA-PKCS1-v1_5 with SHA-256, or Ed25519.
VerifyOutcome verify_with_key(const CheckedSignature& checked, const crypto::RsaKey& key);
VerifyOutcome verify_with_key(const CheckedSignature& checked, const crypto::Ed25519PublicKey& key);

inline constexpr std::string_view kAlgRsaV15Sha256 = "rsa-v1_5-sha256";
inline constexpr std::string_view kAlgEd25519 = "ed25519";

// The header values to send with a signed request.
struct SignedRequest {
  std::string signature_input;
  std::string signature;
  std::string content_digest;   // empty when there is no body
  HeaderFields covered_fields;  // Host and Date when a requested signature covers them
  // covered_fields, Signature-Input, Signature and (with a body) Content-Digest, in that
  // order.
  HeaderFields fields() const;
};

// Signs an outgoing request under label "sig1": components @method @target-uri @authority,
// plus content-digest when there is a body; params created=now, keyid, alg. `url` must be an
// absolute http(s) URL (its fragment is dropped); throws std::invalid_argument otherwise.
// The body is hashed as given: send exactly these bytes. The Host header sent must be the
// URL's authority.
SignedRequest sign_request(std::string_view method, std::string_view url,
                           std::optional<std::string_view> body, const crypto::RsaKey& key,
                           std::string_view key_id, int64_t now);
SignedRequest sign_request(std::string_view method, std::string_view url,
                           std::optional<std::string_view> body, const crypto::Ed25519Key& key,
                           std::string_view key_id, int64_t now);

// RFC 9421 section 5: `Accept-Signature`, a request for a signature.
struct SignatureRequest {
  std::string label;
  std::vector<Component> components;
  sf::Parameters params;  // as asked: created / expires / keyid / alg / nonce / tag ...
  bool operator==(const SignatureRequest&) const = default;
};

// Our preferred request: sig1=("@method" "@target-uri" "@authority" "content-digest")
// ;created;keyid (no content-digest when `with_body` is false). A bare `created` and
// `keyid` ask for those parameters without fixing their values.
std::string make_accept_signature(bool with_body = true);

// A received Accept-Signature: each member an Inner List of component Strings with params.
// std::nullopt when it is not such a Dictionary (or over the structured-field limits).
std::optional<std::vector<SignatureRequest>> parse_accept_signature(std::string_view value);

// How long a signature asked for with a bare `expires` stays valid.
inline constexpr int64_t kRequestedSignatureLifetimeSeconds = 300;

// Signs an outgoing request with an RSA key as one Accept-Signature member asks (RFC 9421
// section 5.2): under its label, covering exactly its components in its order, with exactly
// its parameters in its order. A parameter asked with a value gets it (`created`, `expires`,
// `nonce`, `tag`; `keyid` must be `key_id` and `alg` rsa-v1_5-sha256); asked bare, `created`
// is `now`, `expires` now + kRequestedSignatureLifetimeSeconds, `keyid` key_id, `alg`
// rsa-v1_5-sha256. Components without parameters only: @method @target-uri @authority
// @scheme @request-target @path @query; content-digest (with a body); host and date (then
// sent: covered_fields, unless `other_fields` has them); and the fields in `other_fields`
// (what the caller sends besides, e.g. Content-Type). Anything else fails with
// unsupported_component, unsupported_algorithm or unsupported_parameter, and the caller
// signs another way. A bad `url` throws std::invalid_argument as sign_request() does.
Result<SignedRequest> sign_as_requested(const SignatureRequest& request, std::string_view method,
                                        std::string_view url, std::optional<std::string_view> body,
                                        const HeaderFields& other_fields, const crypto::RsaKey& key,
                                        std::string_view key_id, int64_t now);

// Whether the signature announced by `signature_input` (a Signature-Input value) is what
// `request` asks for: a member under its label covering its components in its order, with
// each asked parameter, of the asked value when one is given. A refusal of such a signature
// is not about what it covers.
bool fulfils(std::string_view signature_input, const SignatureRequest& request);

}  // namespace artdag::activitypub::rfc9421
