// RFC 8941 Structured Fields and the RFC 9421 / RFC 9530 parsers built on them: sf Item,
// List and Dictionary (what parses serialises, and the serialisation parses back to the same
// value), Signature-Input + Signature, Content-Digest and Accept-Signature. The first
// input byte picks which. Every parser must return a value or a documented failure.
#include <variant>

#include "activitypub/content_digest.h"
#include "activitypub/message_signature.h"
#include "activitypub/structured_fields.h"
#include "fuzz_common.h"

namespace {

namespace sf = artdag::sf;
namespace ap = artdag::activitypub;
namespace sig = artdag::activitypub::rfc9421;
using artdag::fuzz::Input;
using artdag::fuzz::take_until;

// Parse → serialise → parse gives the same value and the same text (the serialisation is
// canonical). Decimals may round when serialised, so only their re-serialisation is compared.
template <typename Parse, typename Serialize>
void round_trip(std::string_view text, Parse parse, Serialize serialize) {
  auto parsed = parse(text);
  if (!parsed) return;
  auto out = serialize(*parsed);
  FUZZ_CHECK(out.has_value());
  auto again = parse(*out);
  FUZZ_CHECK(again.has_value());
  auto out_again = serialize(*again);
  FUZZ_CHECK(out_again.has_value() && *out_again == *out);
}

void structured_field(uint8_t kind, std::string_view text) {
  switch (kind % 3) {
    case 0:
      round_trip(
          text, [](std::string_view t) { return sf::parse_item(t); },
          [](const sf::Item& i) { return sf::serialize_item(i); });
      break;
    case 1:
      round_trip(
          text, [](std::string_view t) { return sf::parse_list(t); },
          [](const sf::List& l) { return sf::serialize_list(l); });
      break;
    case 2:
      round_trip(
          text, [](std::string_view t) { return sf::parse_dictionary(t); },
          [](const sf::Dictionary& d) { return sf::serialize_dictionary(d); });
      break;
  }
}

// "<Signature-Input>\n<Signature>\n<target>": parsed signatures have what parse_signatures
// promises, and a base built from them ends with their @signature-params line.
void signatures(std::string_view rest) {
  const std::string_view input = take_until(rest, '\n');
  const std::string_view signature = take_until(rest, '\n');
  auto parsed = sig::parse_signatures(input, signature);
  if (!parsed) {
    FUZZ_CHECK(parsed.reason == sig::Reason::missing_signature ||
               parsed.reason == sig::Reason::malformed_signature);
    FUZZ_CHECK(!parsed.detail.empty());
    return;
  }
  FUZZ_CHECK(!parsed.value->empty());
  const ap::HeaderFields fields{{"content-type", "application/json"}, {"date", "x"}};
  const std::string target = "/" + std::string(rest);
  const sig::MessageView view{"POST", "https",     "example.com", target, ap::lookup_in(fields),
                              rest,   std::nullopt};
  for (const auto& s : *parsed.value) {
    FUZZ_CHECK(!s.label.empty());
    FUZZ_CHECK(s.components.size() == s.input.items.size());
    auto base = sig::signature_base(view, s.components, s.input);
    if (!base) {
      FUZZ_CHECK(!base.detail.empty());
      continue;
    }
    const std::string params = "\"@signature-params\": " + *sf::serialize_inner_list(s.input);
    FUZZ_CHECK(base.value->size() >= params.size() &&
               base.value->compare(base.value->size() - params.size(), params.size(), params) == 0);
  }
}

// "<Content-Digest>\n<body>": never throws; the digest we make matches.
void content_digest(std::string_view rest) {
  const std::string_view header = take_until(rest, '\n');
  const auto status = ap::check_content_digest(header, rest);
  FUZZ_CHECK(
      status == ap::ContentDigestStatus::match || status == ap::ContentDigestStatus::mismatch ||
      status == ap::ContentDigestStatus::no_known || status == ap::ContentDigestStatus::malformed);
  FUZZ_CHECK(ap::check_content_digest(ap::make_content_digest(rest), rest) ==
             ap::ContentDigestStatus::match);
}

void accept_signature(std::string_view rest) {
  auto asked = sig::parse_accept_signature(rest);
  if (!asked) return;
  for (const auto& request : *asked) FUZZ_CHECK(sf::is_valid_key(request.label));
}

// "<Signature-Input>\n<Signature>\n<Content-Digest>\n<body>" as an incoming inbox POST:
// check_incoming returns a reason and a detail, or a signature whose base verifies or not.
void incoming(std::string_view rest) {
  const std::string input(take_until(rest, '\n'));
  const std::string signature(take_until(rest, '\n'));
  const std::string digest(take_until(rest, '\n'));
  ap::HeaderFields fields{{"Signature-Input", input}, {"Signature", signature}};
  if (!digest.empty()) fields.emplace_back("Content-Digest", digest);
  const sig::MessageView view{
      "POST", "https", "example.com", "/inbox?a=b", ap::lookup_in(fields), rest, std::nullopt};
  auto checked = sig::check_incoming(view, 1748341414, "example.com");
  if (!checked) {
    FUZZ_CHECK(checked.reason != sig::Reason::ok && !checked.detail.empty());
    FUZZ_CHECK(sig::reason_name(checked.reason) != "unknown");
    return;
  }
  FUZZ_CHECK(!checked.value->key_id.empty());
  static const auto key = artdag::crypto::Ed25519Key::from_seed(std::string(32, '\x01'));
  const auto v = sig::verify_with_key(*checked.value, key.public_key());
  FUZZ_CHECK(v.ok == (v.reason == sig::Reason::ok));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Input input = Input::from(data, size);
  switch (input.selector % 8) {
    case 0:
    case 1:
    case 2:
      structured_field(input.selector, input.rest);
      break;
    case 3:
      signatures(input.rest);
      break;
    case 4:
      content_digest(input.rest);
      break;
    case 5:
      accept_signature(input.rest);
      break;
    default:
      incoming(input.rest);
      break;
  }
  return 0;
}
