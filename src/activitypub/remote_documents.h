#pragma once
// Reading what other servers send: actor documents, WebFinger JRDs, acct: addresses and the
// shapes members of activities take (a URL, or an object with an id). Pure: no I/O. Every
// check here answers with a reason fit to show a client or put in a log.
#include <optional>
#include <string>
#include <string_view>

#include "activitypub/http_signature.h"
#include "util/json.h"

namespace artdag::activitypub {

// Upper bounds for what is read from remote documents.
inline constexpr std::size_t kMaxRemoteUrlLength = 2048;
inline constexpr std::size_t kMaxRemotePemLength = 16 * 1024;

// An absolute http(s) URL with a host, no userinfo, at most kMaxRemoteUrlLength bytes.
bool is_http_url(std::string_view text);
// "scheme://host[:port]" of an http(s) URL, lower case, the default port dropped; nullopt
// when `text` is not is_http_url().
std::optional<std::string> url_origin(std::string_view text);
// `url` without its "#fragment".
std::string without_fragment(std::string_view url);

// `reference` (a Location header: absolute, or relative to `base`) resolved against `base`;
// nullopt when the result is not is_http_url().
std::optional<std::string> resolve_url(std::string_view base, std::string_view reference);

// The id of a member that is either a URL string or an object with a string "id".
std::optional<std::string> id_of(const Json& value);
// The "type" of an object: a string, or the first string of an array of types.
std::optional<std::string> type_of(const Json& value);
// The content hash an Art DAG object claims: `contentHash.value` when it is 64 lowercase hex
// and `contentHash.algorithm` is absent or "sha3-256"; "" otherwise.
std::string claimed_content_hash(const Json& object);

// An account address: "acct:user@host", "user@host" or "@user@host". The host may carry a
// port ("127.0.0.1:8200"); it is lower-cased, the user part kept as given.
struct AcctAddress {
  std::string user;
  std::string host;
  std::string uri() const { return "acct:" + user + "@" + host; }
};
std::optional<AcctAddress> parse_acct(std::string_view text);

// What this server keeps of a remote actor.
struct ActorDocument {
  std::string id;
  std::string type;
  std::string inbox;
  std::string shared_inbox;  // endpoints.sharedInbox; empty when absent or not an http(s) URL
  std::string key_id;        // publicKey.id
  std::string public_key_pem;
  std::string preferred_username;  // empty when absent
};

// Checks a fetched actor document: a JSON object whose `id` equals `fetched_url` (the URL
// it was finally served from), with an http(s) `inbox` and a `publicKey` (an object, or an
// array of them: the first one owned by the actor is used) whose `owner` is the actor, whose
// `id` is on the actor's origin and whose `publicKeyPem` is an RSA public key.
Checked<ActorDocument> read_actor_document(const Json& doc, std::string_view fetched_url);

// The publicKeyPem of the actor's `publicKey` entry (an object, or one of an array) whose id
// is `key_id` and whose owner is the actor: how a claim signed before a key rotation finds
// the key its signature.creator names. nullopt when the actor publishes no such key. The PEM
// is not parsed here.
std::optional<std::string> actor_public_key_pem(const Json& actor, std::string_view key_id);

// The `href` of the JRD's `self` link typed application/activity+json (or application/ld+json
// with the ActivityStreams profile); nullopt when there is none or it is not an http(s) URL.
std::optional<std::string> jrd_self_link(const Json& jrd);

}  // namespace artdag::activitypub
