#include "activitypub/remote_documents.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

#include "crypto/rsa_key.h"
#include "util/identifiers.h"
#include "util/text.h"
#include "util/url.h"

namespace artdag::activitypub {

namespace {

const std::string* string_member(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

bool is_user_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':
    case '%':
    case '+':
      return true;
    default:
      return false;
  }
}

}  // namespace

bool is_http_url(std::string_view text) {
  return url_origin(text).has_value();
}

std::optional<std::string> url_origin(std::string_view text) {
  if (text.empty() || text.size() > kMaxRemoteUrlLength) return std::nullopt;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return std::nullopt;
  }
  auto parsed = boost::urls::parse_absolute_uri(text.substr(0, text.find('#')));
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& u = *parsed;
  std::string scheme = ascii_lower(u.scheme());
  if (scheme != "http" && scheme != "https") return std::nullopt;
  if (!u.has_authority() || u.has_userinfo() || u.encoded_host().empty() ||
      !is_path_after_authority(u.encoded_path()))
    return std::nullopt;
  std::string out = scheme + "://" + ascii_lower(u.encoded_host());
  if (u.has_port() && !u.port().empty()) {
    const uint16_t port = u.port_number();
    if (port == 0) return std::nullopt;
    if (port != (scheme == "https" ? 443 : 80)) out += ":" + std::to_string(port);
  }
  return out;
}

std::string without_fragment(std::string_view url) {
  return std::string(url.substr(0, url.find('#')));
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view reference) {
  if (reference.empty() || reference.size() > kMaxRemoteUrlLength) return std::nullopt;
  auto parsed_base = boost::urls::parse_absolute_uri(base.substr(0, base.find('#')));
  auto parsed_ref = boost::urls::parse_uri_reference(reference);
  if (!parsed_base || !parsed_ref) return std::nullopt;
  boost::urls::url out;
  if (!boost::urls::resolve(*parsed_base, *parsed_ref, out)) return std::nullopt;
  std::string text(out.buffer());
  if (!is_http_url(text)) return std::nullopt;
  return text;
}

std::optional<std::string> id_of(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    if (const auto* id = string_member(value, "id")) return *id;
  }
  return std::nullopt;
}

std::string claimed_content_hash(const Json& object) {
  if (!object.is_object()) return "";
  auto hash = object.find("contentHash");
  if (hash == object.end() || !hash->is_object()) return "";
  auto algorithm = hash->find("algorithm");
  if (algorithm != hash->end() && (!algorithm->is_string() || *algorithm != "sha3-256")) return "";
  auto value = hash->find("value");
  if (value == hash->end() || !value->is_string()) return "";
  const auto& text = value->get_ref<const std::string&>();
  return is_sha3_hex(text) ? text : "";
}

std::optional<std::string> type_of(const Json& value) {
  if (!value.is_object()) return std::nullopt;
  auto it = value.find("type");
  if (it == value.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    for (const auto& t : *it)
      if (t.is_string()) return t.get<std::string>();
  }
  return std::nullopt;
}

std::optional<AcctAddress> parse_acct(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (ascii_istarts_with(text, "acct:"))
    text.remove_prefix(5);
  else if (text.front() == '@')
    text.remove_prefix(1);
  // The bound is on the address itself, so each of its three spellings is accepted alike.
  if (text.size() > 512) return std::nullopt;
  const auto at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos)
    return std::nullopt;
  std::string_view user = text.substr(0, at);
  std::string_view host = text.substr(at + 1);
  if (user.empty() || host.empty()) return std::nullopt;
  for (char c : user)
    if (!is_user_char(c)) return std::nullopt;
  for (char c : host) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '/' || c == '?' || c == '#') return std::nullopt;
  }
  auto authority = boost::urls::parse_authority(host);
  if (!authority || authority->has_userinfo() || authority->encoded_host().empty())
    return std::nullopt;
  if (authority->has_port() && (authority->port().empty() || authority->port_number() == 0))
    return std::nullopt;
  return AcctAddress{std::string(user), ascii_lower(host)};
}

Checked<ActorDocument> read_actor_document(const Json& doc, std::string_view fetched_url) {
  using Result = Checked<ActorDocument>;
  if (!doc.is_object()) return Result::fail("actor document is not a JSON object");
  ActorDocument actor;
  const auto* id = string_member(doc, "id");
  if (!id) return Result::fail("actor document has no id");
  if (*id != fetched_url)
    return Result::fail("actor id does not match the URL it was fetched from");
  actor.id = *id;
  const auto origin = url_origin(actor.id);
  if (!origin) return Result::fail("actor id is not an http(s) URL");
  actor.type = type_of(doc).value_or("");

  const auto* inbox = string_member(doc, "inbox");
  if (!inbox || !is_http_url(*inbox)) return Result::fail("actor has no http(s) inbox");
  actor.inbox = *inbox;
  if (auto endpoints = doc.find("endpoints"); endpoints != doc.end() && endpoints->is_object()) {
    if (const auto* shared = string_member(*endpoints, "sharedInbox");
        shared && is_http_url(*shared))
      actor.shared_inbox = *shared;
  }
  if (const auto* name = string_member(doc, "preferredUsername"); name && name->size() <= 256)
    actor.preferred_username = *name;

  auto keys = doc.find("publicKey");
  if (keys == doc.end()) return Result::fail("actor has no publicKey");
  std::vector<const Json*> candidates;
  if (keys->is_object()) {
    candidates.push_back(&*keys);
  } else if (keys->is_array()) {
    for (const auto& k : *keys)
      if (k.is_object()) candidates.push_back(&k);
  }
  std::string reason = "actor's publicKey is not an object";
  for (const Json* key : candidates) {
    const auto* key_id = string_member(*key, "id");
    const auto* owner = string_member(*key, "owner");
    const auto* pem = string_member(*key, "publicKeyPem");
    if (!key_id || !owner || !pem) {
      reason = "actor's publicKey lacks id, owner or publicKeyPem";
      continue;
    }
    if (*owner != actor.id) {
      reason = "actor's publicKey owner is not the actor";
      continue;
    }
    if (url_origin(*key_id) != origin) {
      reason = "actor's publicKey id is not on the actor's host";
      continue;
    }
    if (pem->size() > kMaxRemotePemLength) {
      reason = "actor's publicKeyPem is too long";
      continue;
    }
    try {
      (void)crypto::RsaKey::from_public_pem(*pem);
    } catch (const crypto::CryptoError&) {
      reason = "actor's publicKeyPem is not an RSA public key";
      continue;
    }
    actor.key_id = *key_id;
    actor.public_key_pem = *pem;
    return Result{std::move(actor), {}};
  }
  return Result::fail(reason);
}

std::optional<std::string> actor_public_key_pem(const Json& actor, std::string_view key_id) {
  if (!actor.is_object()) return std::nullopt;
  const auto* id = string_member(actor, "id");
  auto keys = actor.find("publicKey");
  if (!id || keys == actor.end()) return std::nullopt;
  const auto matches = [&](const Json& key) -> const std::string* {
    if (!key.is_object()) return nullptr;
    const auto* entry_id = string_member(key, "id");
    const auto* owner = string_member(key, "owner");
    const auto* pem = string_member(key, "publicKeyPem");
    return entry_id && *entry_id == key_id && owner && *owner == *id ? pem : nullptr;
  };
  if (keys->is_object()) {
    if (const auto* pem = matches(*keys)) return *pem;
  } else if (keys->is_array()) {
    for (const auto& key : *keys)
      if (const auto* pem = matches(key)) return *pem;
  }
  return std::nullopt;
}

std::optional<std::string> jrd_self_link(const Json& jrd) {
  if (!jrd.is_object()) return std::nullopt;
  auto links = jrd.find("links");
  if (links == jrd.end() || !links->is_array()) return std::nullopt;
  for (const auto& link : *links) {
    if (!link.is_object()) continue;
    const auto* rel = string_member(link, "rel");
    const auto* type = string_member(link, "type");
    const auto* href = string_member(link, "href");
    if (!rel || *rel != "self" || !type || !href) continue;
    const std::string media = ascii_lower(*type);
    const bool activity_json =
        media.rfind("application/activity+json", 0) == 0 ||
        (media.rfind("application/ld+json", 0) == 0 &&
         media.find("https://www.w3.org/ns/activitystreams") != std::string::npos);
    if (activity_json && is_http_url(*href)) return *href;
  }
  return std::nullopt;
}

}  // namespace artdag::activitypub
