#include "activitypub/message_signature.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <stdexcept>
#include <variant>

#include "activitypub/content_digest.h"
#include "crypto/hash.h"
#include "util/text.h"
#include "util/time.h"

namespace artdag::activitypub::rfc9421 {

namespace {

template <typename T>
Result<T> fail(Reason reason, std::string detail) {
  return Result<T>::fail(reason, std::move(detail));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The field's lines, each trimmed, joined with ", " (RFC 9421 section 2.1); nullopt when
// the field is absent.
std::optional<std::string> field_value(const HeaderLookup& headers, std::string_view name) {
  const std::vector<std::string> lines = headers(name);
  if (lines.empty()) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += ", ";
    out += trim(lines[i]);
  }
  return out;
}

// Inner-list items that must be Strings naming components.
std::optional<std::vector<Component>> components_of(const sf::InnerList& list) {
  std::vector<Component> out;
  for (const sf::Item& item : list.items) {
    const auto* name = std::get_if<std::string>(&item.value);
    if (!name) return std::nullopt;
    out.push_back({*name, item.params});
  }
  return out;
}

const sf::InnerList* inner_list(const sf::Member& member) {
  return std::get_if<sf::InnerList>(&member);
}

// The query of an @query-param, decoded as application/x-www-form-urlencoded.
std::string form_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Percent-encoding with the application/x-www-form-urlencoded set, space as %20 (RFC 9421
// section 2.2.8).
std::string form_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
        c == '-' || c == '.' || c == '_') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

// One component's value, or why there is none.
Result<std::string> component_value(const MessageView& m, const Component& c) {
  using R = Result<std::string>;
  const std::string_view target = m.target;
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  const bool request = !m.status.has_value();
  const std::string_view name = c.name;
  if (!c.params.empty() && name != "@query-param")
    return fail<std::string>(Reason::unsupported_component,
                             "unsupported component parameter on " + c.name);
  if (name.empty() || name.front() != '@') {
    if (ascii_lower(name) != name)
      return fail<std::string>(Reason::malformed_signature, "upper-case field name " + c.name);
    auto value = field_value(m.headers, name);
    if (!value)
      return fail<std::string>(Reason::component_missing,
                               "signed header missing from request: " + c.name);
    return R{std::move(*value)};
  }
  if (name == "@status") {
    if (request) return fail<std::string>(Reason::unsupported_component, "@status on a request");
    return R{std::to_string(*m.status)};
  }
  if (!request) return fail<std::string>(Reason::unsupported_component, c.name + " on a response");
  if (name == "@method") return R{std::string(m.method)};
  if (name == "@scheme") return R{ascii_lower(m.scheme)};
  if (name == "@authority") return R{normalize_authority(m.authority, m.scheme)};
  if (name == "@target-uri")
    return R{ascii_lower(m.scheme) + "://" + normalize_authority(m.authority, m.scheme) +
             std::string(target)};
  if (name == "@request-target") return R{std::string(target)};
  if (name == "@path") return R{path.empty() ? "/" : std::string(path)};
  if (name == "@query") return R{"?" + std::string(query)};
  if (name == "@query-param") {
    const sf::BareItem* wanted = sf::find_parameter(c.params, "name");
    const auto* wanted_name = wanted ? std::get_if<std::string>(wanted) : nullptr;
    if (!wanted_name || c.params.size() != 1)
      return fail<std::string>(Reason::unsupported_component, "@query-param needs only a name");
    std::optional<std::string> found;
    std::string_view rest = query;
    while (!rest.empty()) {
      const std::size_t amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      rest.remove_prefix(amp == std::string_view::npos ? rest.size() : amp + 1);
      const std::size_t eq = pair.find('=');
      const std::string key = form_encode(form_decode(pair.substr(0, eq)));
      if (key != form_encode(form_decode(*wanted_name))) continue;
      // RFC 9421 section 2.2.8: a repeated parameter cannot be signed this way.
      if (found)
        return fail<std::string>(Reason::unsupported_component, "repeated query parameter");
      found = form_encode(form_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1)));
    }
    if (!found)
      return fail<std::string>(Reason::component_missing, "signed query parameter missing");
    return R{std::move(*found)};
  }
  return fail<std::string>(Reason::unsupported_component, "unsupported component " + c.name);
}

bool covers(const std::vector<Component>& components, std::string_view name) {
  for (const auto& c : components)
    if (c.name == name) return true;
  return false;
}

bool needs_body_digest(const MessageView& request) {
  const std::string method = ascii_lower(request.method);
  return !request.body.empty() || method == "post" || method == "put" || method == "patch";
}

}  // namespace

std::string_view reason_name(Reason reason) {
  static constexpr std::string_view kNames[] = {"ok",
                                                "missing_signature",
                                                "malformed_signature",
                                                "multiple_signatures",
                                                "missing_created",
                                                "created_in_future",
                                                "signature_too_old",
                                                "signature_expired",
                                                "missing_key_id",
                                                "unsupported_algorithm",
                                                "unsupported_component",
                                                "component_missing",
                                                "method_not_covered",
                                                "target_not_covered",
                                                "query_not_covered",
                                                "content_digest_not_covered",
                                                "missing_content_digest",
                                                "malformed_content_digest",
                                                "content_digest_mismatch",
                                                "wrong_authority",
                                                "key_type_mismatch",
                                                "bad_signature",
                                                "unsupported_parameter"};
  const auto index = static_cast<std::size_t>(reason);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string normalize_authority(std::string_view authority, std::string_view scheme) {
  std::string out = ascii_lower(trim(authority));
  const std::string s = ascii_lower(scheme);
  const std::string_view default_port = s == "https" ? ":443" : s == "http" ? ":80" : "";
  if (!default_port.empty() && out.size() > default_port.size() &&
      std::string_view(out).substr(out.size() - default_port.size()) == default_port)
    out.resize(out.size() - default_port.size());
  return out;
}

Result<std::vector<MessageSignature>> parse_signatures(std::string_view signature_input,
                                                       std::string_view signature) {
  using R = Result<std::vector<MessageSignature>>;
  if (trim(signature_input).empty() || trim(signature).empty())
    return R::fail(Reason::missing_signature, "missing Signature-Input or Signature header");
  const auto inputs = sf::parse_dictionary(signature_input);
  const auto signatures = sf::parse_dictionary(signature);
  if (!inputs || !signatures)
    return R::fail(Reason::malformed_signature, "malformed Signature-Input or Signature header");
  std::vector<MessageSignature> out;
  for (const auto& [label, member] : *inputs) {
    const sf::InnerList* list = inner_list(member);
    auto components = list ? components_of(*list) : std::nullopt;
    const sf::Member* sig_member = sf::find_member(*signatures, label);
    const auto* sig_item = sig_member ? std::get_if<sf::Item>(sig_member) : nullptr;
    const auto* bytes = sig_item ? std::get_if<sf::ByteSequence>(&sig_item->value) : nullptr;
    if (!components || !bytes)
      return R::fail(Reason::malformed_signature, "malformed signature " + label);
    MessageSignature s{label, std::move(*components), *list, {}, {}, {}, {}, {}, {}, bytes->bytes};
    for (const auto& [name, value] : list->params) {
      const auto* integer = std::get_if<int64_t>(&value);
      const auto* text = std::get_if<std::string>(&value);
      const bool is_time = name == "created" || name == "expires";
      const bool is_text = name == "keyid" || name == "alg" || name == "nonce" || name == "tag";
      if ((is_time && !integer) || (is_text && !text))
        return R::fail(Reason::malformed_signature, "malformed signature parameter " + name);
      if (name == "created") s.created = *integer;
      if (name == "expires") s.expires = *integer;
      if (name == "keyid") s.key_id = *text;
      if (name == "alg") s.alg = *text;
      if (name == "nonce") s.nonce = *text;
      if (name == "tag") s.tag = *text;
    }
    out.push_back(std::move(s));
  }
  if (out.empty()) return R::fail(Reason::missing_signature, "empty Signature-Input header");
  return R{std::move(out)};
}

Result<std::string> signature_base(const MessageView& message,
                                   const std::vector<Component>& components,
                                   const sf::InnerList& signature_params) {
  using R = Result<std::string>;
  std::string base;
  for (std::size_t i = 0; i < components.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (components[j] == components[i])
        return R::fail(Reason::malformed_signature,
                       "component covered twice: " + components[i].name);
    auto identifier = sf::serialize_item(sf::Item{components[i].name, components[i].params});
    if (!identifier) return R::fail(Reason::malformed_signature, "malformed component identifier");
    auto value = component_value(message, components[i]);
    if (!value) return value;
    if (value.value->find_first_of("\r\n") != std::string::npos)
      return R::fail(Reason::malformed_signature, "line break in " + components[i].name);
    base += *identifier + ": " + *value.value + "\n";
  }
  auto params = sf::serialize_inner_list(signature_params);
  if (!params) return R::fail(Reason::malformed_signature, "malformed signature parameters");
  base += "\"@signature-params\": " + *params;
  return R{std::move(base)};
}

Result<CheckedSignature> check_incoming(const MessageView& request, int64_t now,
                                        std::string_view own_authority) {
  using R = Result<CheckedSignature>;
  const auto input = field_value(request.headers, "signature-input");
  const auto signature = field_value(request.headers, "signature");
  if (!input || !signature)
    return R::fail(Reason::missing_signature, "missing Signature-Input or Signature header");
  auto parsed = parse_signatures(*input, *signature);
  if (!parsed) return R::fail(parsed.reason, parsed.detail);
  if (parsed.value->size() != 1)
    return R::fail(Reason::multiple_signatures, "more than one signature");
  const MessageSignature& s = parsed.value->front();

  if (!s.created) return R::fail(Reason::missing_created, "signature has no created parameter");
  if (*s.created > now + kMaxSignatureFutureSeconds)
    return R::fail(Reason::created_in_future, "signature created in the future");
  if (*s.created < now - kMaxSignatureAgeSeconds)
    return R::fail(Reason::signature_too_old, "signature too old");
  if (s.expires && *s.expires < now) return R::fail(Reason::signature_expired, "signature expired");
  if (!s.key_id || s.key_id->empty())
    return R::fail(Reason::missing_key_id, "signature has no keyid parameter");
  if (s.alg && *s.alg != kAlgRsaV15Sha256 && *s.alg != kAlgEd25519)
    return R::fail(Reason::unsupported_algorithm, "unsupported signature algorithm " + *s.alg);

  if (!covers(s.components, "@method"))
    return R::fail(Reason::method_not_covered, "signature does not cover @method");
  const bool target_uri = covers(s.components, "@target-uri");
  if (!target_uri && !(covers(s.components, "@authority") && covers(s.components, "@path")))
    return R::fail(Reason::target_not_covered,
                   "signature does not cover @target-uri (or @authority and @path)");
  if (!target_uri && request.target.find('?') != std::string_view::npos &&
      !covers(s.components, "@query"))
    return R::fail(Reason::query_not_covered, "signature does not cover @query");
  if (normalize_authority(request.authority, request.scheme) !=
      normalize_authority(own_authority, request.scheme))
    return R::fail(Reason::wrong_authority, "signed authority is not this server");

  const auto digest = field_value(request.headers, "content-digest");
  if (needs_body_digest(request)) {
    if (!digest) return R::fail(Reason::missing_content_digest, "missing Content-Digest header");
    if (!covers(s.components, "content-digest"))
      return R::fail(Reason::content_digest_not_covered, "signature does not cover content-digest");
  }
  if (digest) {
    switch (check_content_digest(*digest, request.body)) {
      case ContentDigestStatus::match:
        break;
      case ContentDigestStatus::mismatch:
        return R::fail(Reason::content_digest_mismatch, "content digest mismatch");
      case ContentDigestStatus::no_known:
        return R::fail(Reason::malformed_content_digest,
                       "Content-Digest has no sha-256 or sha-512");
      case ContentDigestStatus::malformed:
        return R::fail(Reason::malformed_content_digest, "malformed Content-Digest header");
    }
  }

  auto base = signature_base(request, s.components, s.input);
  if (!base) return R::fail(base.reason, base.detail);
  return R{CheckedSignature{s.label, *s.key_id, s.alg.value_or(""), std::move(*base.value),
                            s.signature, *s.created}};
}

VerifyOutcome verify_with_key(const CheckedSignature& checked, const crypto::RsaKey& key) {
  if (!checked.alg.empty() && checked.alg != kAlgRsaV15Sha256)
    return {false, Reason::key_type_mismatch, "signature algorithm does not fit an RSA key"};
  if (!key.verify_sha256(checked.base, checked.signature))
    return {false, Reason::bad_signature, "signature does not verify"};
  return {true, Reason::ok, {}};
}

VerifyOutcome verify_with_key(const CheckedSignature& checked,
                              const crypto::Ed25519PublicKey& key) {
  if (!checked.alg.empty() && checked.alg != kAlgEd25519)
    return {false, Reason::key_type_mismatch, "signature algorithm does not fit an Ed25519 key"};
  if (!crypto::ed25519_verify(key, checked.base, checked.signature))
    return {false, Reason::bad_signature, "signature does not verify"};
  return {true, Reason::ok, {}};
}

HeaderFields SignedRequest::fields() const {
  HeaderFields out = covered_fields;
  out.emplace_back("Signature-Input", signature_input);
  out.emplace_back("Signature", signature);
  if (!content_digest.empty()) out.emplace_back("Content-Digest", content_digest);
  return out;
}

namespace {

std::vector<Component> outgoing_components(bool with_body) {
  std::vector<Component> out{{"@method", {}}, {"@target-uri", {}}, {"@authority", {}}};
  if (with_body) out.push_back({"content-digest", {}});
  return out;
}

sf::InnerList inner_list_of(const std::vector<Component>& components, sf::Parameters params) {
  sf::InnerList list;
  for (const auto& c : components) list.items.push_back(sf::Item{c.name, c.params});
  list.params = std::move(params);
  return list;
}

// An outgoing request's URL as the signature base sees it.
struct OutgoingTarget {
  std::string scheme;
  std::string authority;  // normalised: also the Host to send
  std::string target;     // origin-form "/path?query"
};

OutgoingTarget outgoing_target(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw std::invalid_argument("not an absolute URL");
  const boost::urls::url_view& u = *parsed;
  OutgoingTarget out;
  out.scheme = ascii_lower(u.scheme());
  if (out.scheme != "http" && out.scheme != "https")
    throw std::invalid_argument("not an http(s) URL");
  if (!u.has_authority() || u.encoded_host().empty() || u.has_userinfo())
    throw std::invalid_argument("URL without a host");
  out.authority = normalize_authority(u.encoded_host_and_port(), out.scheme);
  out.target = std::string(u.encoded_path());
  if (!out.target.empty() && out.target.front() != '/')
    throw std::invalid_argument("malformed URL");
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
  return out;
}

// Signs the request whose header fields are `fields` (and the body's Content-Digest, added
// here) over `components` with the parameters of `input`, under `label`, into `out`.
template <typename Sign>
Result<SignedRequest> sign_input(std::string_view method, const OutgoingTarget& to,
                                 std::optional<std::string_view> body, HeaderFields fields,
                                 const std::string& label, const std::vector<Component>& components,
                                 const sf::InnerList& input, SignedRequest out, Sign sign) {
  if (body) {
    out.content_digest = make_content_digest(*body);
    fields.emplace_back("content-digest", out.content_digest);
  }
  const MessageView view{
      method, to.scheme, to.authority, to.target, lookup_in(fields), body.value_or(""), {}};
  auto base = signature_base(view, components, input);
  if (!base) return Result<SignedRequest>::fail(base.reason, base.detail);
  auto serialized = sf::serialize_inner_list(input);
  if (!serialized)
    return Result<SignedRequest>::fail(Reason::unsupported_parameter,
                                       "a signature parameter is not printable ASCII");
  out.signature_input = label + "=" + *serialized;
  out.signature = label + "=:" + crypto::base64_encode(sign(*base.value)) + ":";
  return Result<SignedRequest>{std::move(out)};
}

template <typename Sign>
SignedRequest sign_with(std::string_view method, std::string_view url,
                        std::optional<std::string_view> body, std::string_view alg,
                        std::string_view key_id, int64_t now, Sign sign) {
  const OutgoingTarget to = outgoing_target(url);
  const auto components = outgoing_components(body.has_value());
  const sf::InnerList input = inner_list_of(
      components, {{"created", now}, {"keyid", std::string(key_id)}, {"alg", std::string(alg)}});
  auto signed_request = sign_input(method, to, body, {}, "sig1", components, input, {}, sign);
  if (!signed_request) throw std::invalid_argument("cannot sign: " + signed_request.detail);
  return std::move(*signed_request.value);
}

bool is_plain_derived(std::string_view name) {
  for (std::string_view known :
       {"@method", "@target-uri", "@authority", "@scheme", "@request-target", "@path", "@query"})
    if (name == known) return true;
  return false;
}

// The value of a parameter asked for, or why it cannot be given.
Result<sf::BareItem> requested_parameter(const std::string& name, const sf::BareItem& asked,
                                         std::string_view key_id, int64_t now) {
  using R = Result<sf::BareItem>;
  const bool bare = asked == sf::BareItem{true};
  const bool integer = std::holds_alternative<int64_t>(asked);
  const auto* text = std::get_if<std::string>(&asked);
  if (name == "created" || name == "expires") {
    if (integer) return R{asked};
    if (bare) return R{name == "created" ? now : now + kRequestedSignatureLifetimeSeconds};
  } else if (name == "keyid") {
    if (bare || (text && *text == key_id)) return R{std::string(key_id)};
    return R::fail(Reason::unsupported_parameter, "a signature with another key is asked for");
  } else if (name == "alg") {
    if (bare || (text && *text == kAlgRsaV15Sha256)) return R{std::string(kAlgRsaV15Sha256)};
    return R::fail(Reason::unsupported_algorithm, "another signature algorithm is asked for");
  } else if (name == "nonce" || name == "tag") {
    // Only the requester knows what its nonce or tag should be.
    if (text) return R{asked};
  } else {
    return R::fail(Reason::unsupported_parameter, "unknown signature parameter " + name);
  }
  return R::fail(Reason::unsupported_parameter, "cannot fill in signature parameter " + name);
}

}  // namespace

SignedRequest sign_request(std::string_view method, std::string_view url,
                           std::optional<std::string_view> body, const crypto::RsaKey& key,
                           std::string_view key_id, int64_t now) {
  return sign_with(method, url, body, kAlgRsaV15Sha256, key_id, now,
                   [&](const std::string& base) { return key.sign_sha256(base); });
}

SignedRequest sign_request(std::string_view method, std::string_view url,
                           std::optional<std::string_view> body, const crypto::Ed25519Key& key,
                           std::string_view key_id, int64_t now) {
  return sign_with(method, url, body, kAlgEd25519, key_id, now,
                   [&](const std::string& base) { return key.sign(base); });
}

std::string make_accept_signature(bool with_body) {
  const sf::InnerList list =
      inner_list_of(outgoing_components(with_body), {{"created", true}, {"keyid", true}});
  return "sig1=" + *sf::serialize_inner_list(list);
}

Result<SignedRequest> sign_as_requested(const SignatureRequest& request, std::string_view method,
                                        std::string_view url, std::optional<std::string_view> body,
                                        const HeaderFields& other_fields, const crypto::RsaKey& key,
                                        std::string_view key_id, int64_t now) {
  using R = Result<SignedRequest>;
  const OutgoingTarget to = outgoing_target(url);
  SignedRequest out;
  HeaderFields fields = other_fields;
  const auto sent = [&](std::string_view name) {
    for (const auto& [n, v] : fields)
      if (ascii_iequals(n, name)) return true;
    return false;
  };
  for (const Component& c : request.components) {
    if (!c.params.empty() || ascii_lower(c.name) != c.name)
      return R::fail(Reason::unsupported_component, "cannot sign component " + c.name);
    if (is_plain_derived(c.name) || (c.name == "content-digest" && body)) continue;
    if (c.name == "host" && !sent("host")) {
      out.covered_fields.emplace_back("Host", to.authority);
    } else if (c.name == "date" && !sent("date")) {
      out.covered_fields.emplace_back("Date", http_date(now));
    } else if (c.name.empty() || c.name.front() == '@' || c.name == "content-digest" ||
               !sent(c.name)) {
      return R::fail(Reason::unsupported_component, "cannot sign component " + c.name);
    } else {
      continue;
    }
    fields.push_back(out.covered_fields.back());
  }
  sf::InnerList input = inner_list_of(request.components, {});
  for (const auto& [name, asked] : request.params) {
    auto value = requested_parameter(name, asked, key_id, now);
    if (!value) return R::fail(value.reason, value.detail);
    input.params.emplace_back(name, std::move(*value.value));
  }
  return sign_input(method, to, body, std::move(fields), request.label, request.components, input,
                    std::move(out), [&](const std::string& base) { return key.sign_sha256(base); });
}

bool fulfils(std::string_view signature_input, const SignatureRequest& request) {
  const auto inputs = sf::parse_dictionary(signature_input);
  const sf::Member* member = inputs ? sf::find_member(*inputs, request.label) : nullptr;
  const sf::InnerList* list = member ? inner_list(*member) : nullptr;
  if (!list || components_of(*list) != request.components) return false;
  for (const auto& [name, asked] : request.params) {
    const sf::BareItem* given = sf::find_parameter(list->params, name);
    if (!given || (asked != sf::BareItem{true} && *given != asked)) return false;
  }
  return true;
}

std::optional<std::vector<SignatureRequest>> parse_accept_signature(std::string_view value) {
  const auto dictionary = sf::parse_dictionary(value);
  if (!dictionary) return std::nullopt;
  std::vector<SignatureRequest> out;
  for (const auto& [label, member] : *dictionary) {
    const sf::InnerList* list = inner_list(member);
    auto components = list ? components_of(*list) : std::nullopt;
    if (!components) return std::nullopt;
    out.push_back({label, std::move(*components), list->params});
  }
  return out;
}

}  // namespace artdag::activitypub::rfc9421
