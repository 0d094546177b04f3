#pragma once
// The inbox: POST /users/{u}/inbox and the shared POST /inbox.
//
// receive() runs every check before anything is stored, in this order:
//   body ≤ 1 MiB (413) → HTTP signature structure, coverage, digest, time and authority
//   (401, pure: draft-cavage, or RFC 9421 when Signature-Input is sent) → JSON object (400) →
//   id / type / actor (422) → not a domain we block (403) → keyId on the actor (401) → the
//   actor's keys (cache, else a fetch through the InboxGate: failure memory 401, limits 429;
//   refetched once when a cached key fails: key rotation) and the signature check (401) →
//   the activity's FEP-8b32 proof, when it has one (401 naming the proof) → the signer is
//   stored → duplicate (actor, id) (202, nothing done) → the handler for the type, one file
//   per type under inbox/ (unknown types: 202, ignored).
// A valid proof by a key in the actor's assertionMethod stands in for the HTTP signature: an
// activity forwarded by someone else (a signature by another actor's key), or sent unsigned,
// is accepted on its proof alone. Every 401 carries the failed check as its detail, never
// what a remote server answered, and says how to sign (Accept-Signature for RFC 9421, unless
// it is switched off; WWW-Authenticate for draft-cavage).
//
// An Update whose object is its own actor makes the actor be fetched again from its origin
// (what it embeds is not trusted), at most every min_refetch_interval: how a key rotation
// announced by a follow reaches us before its next signature does.
//
// The same checks serve authorized fetch (verify_signed_get): a GET of an ActivityPub
// document must be signed, and its signer's key is found by the same rules and limits.
//
// One exception to "verified or nothing": a Delete whose object is its own actor, from an
// actor we have cached, whose document now answers 404/410. The key is gone with the account,
// so the Delete cannot be verified; the origin saying the actor is gone is the proof, and
// the actor is removed (what Mastodon does). A self-Delete from an actor we never cached is
// acknowledged without any fetch (nothing to remove; servers broadcast these widely).
#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "activitypub/http_signature.h"
#include "activitypub/uris.h"
#include "crypto/public_key_cache.h"
#include "services/federation/actor_resolver.h"
#include "services/federation/domain_blocks.h"
#include "services/federation/inbox_gate.h"
#include "services/federation/outgoing.h"
#include "store/store.h"
#include "util/json.h"

namespace artdag::services::federation {

inline constexpr std::size_t kMaxInboxBody = 1024 * 1024;
// What an inbox's answer depends on besides the target: every answer, 202 or 401.
inline constexpr std::string_view kInboxVary = "Signature, Signature-Input";

// An activity that has the shape every activity needs.
struct InboxActivity {
  Json json;
  std::string id;     // an http(s) URL on the actor's origin
  std::string type;   // first type when an array was sent
  std::string actor;  // the actor's URL (from a string, or an object's id)
};

// Checks the common shape: `activity` is an object with an `id` (http(s) URL on the same
// origin as the actor: an activity cannot take another server's id), a string `type` (or
// array of them) and an `actor` (http(s) URL or object with one). ApiError 422 otherwise.
InboxActivity parse_inbox_activity(Json activity);

struct InboxResult {
  enum class Outcome { kProcessed, kDuplicate, kIgnored };
  Outcome outcome = Outcome::kIgnored;
  std::string note;  // what was done, or why nothing was
  static InboxResult processed(std::string note) { return {Outcome::kProcessed, std::move(note)}; }
  static InboxResult ignored(std::string note) { return {Outcome::kIgnored, std::move(note)}; }
  const char* outcome_name() const;
};

// A POST to an inbox, borrowed from the HTTP request.
struct InboxPost {
  std::string_view method;
  std::string_view target;  // path and query, as received
  const activitypub::HeaderFields& headers;
  std::string_view body;
  std::optional<std::string> username;  // the personal inbox's user; nullopt: shared inbox
  std::string_view client = {};         // the peer address (limits); empty: not limited per address
};

// A GET of an ActivityPub document under authorized fetch, borrowed from the HTTP request.
struct SignedGet {
  std::string_view target;  // path and query, as received
  const activitypub::HeaderFields& headers;
  std::string_view client = {};  // the peer address (limits)
};

class InboxService {
 public:
  InboxService(store::Store& store, const activitypub::Uris& uris, ActorResolver& resolver,
               Outgoing& outgoing, InboxGateOptions gate = {},
               int max_followers_per_host = kDefaultMaxFollowersPerHost,
               const DomainBlockList* blocks = nullptr, bool accept_rfc9421 = true);
  // New followers one local user may gain from one remote host (0: no cap).
  static constexpr int kDefaultMaxFollowersPerHost = 5000;

  // Throws ApiError (400 / 401 / 404 unknown user / 413 / 422 / 429); returning means 202.
  InboxResult receive(const InboxPost& post);

  // Authorized fetch: the actor URL whose key signed `get` — RFC 9421 (unless switched off)
  // or draft-cavage, checked as an inbox POST's (time, our Host, the key on its actor, the
  // actor fetched through the gate when not cached, refetched once when a cached key
  // fails). Throws ApiError 401 (unsigned, a bad signature, a key of a blocked domain or of
  // this server) or 429 (the gate's limits).
  std::string verify_signed_get(const SignedGet& get);

  // Deletes seen ids older than the Date window and cached actors nobody here follows or
  // is followed by that were fetched more than kActorCacheSeconds ago. receive() calls it
  // every kPurgeIntervalSeconds; public for tests.
  void purge(int64_t now);
  static constexpr int64_t kSeenKeepSeconds = 13 * 3600;  // Date: 12 h past + 1 h future
  static constexpr int64_t kActorCacheSeconds = 7 * 24 * 3600;
  static constexpr int64_t kPurgeIntervalSeconds = 600;

  InboxGate& gate() { return gate_; }

 private:
  InboxResult receive_checked(const InboxPost& post);  // receive() without its metrics
  std::string verify_signed_get_checked(const SignedGet& get);
  // An Update of the signer itself: fetch it again (not more often than the resolver allows).
  InboxResult refresh_actor(const InboxPost& post, const store::RemoteActor& signer);
  // The signer, fetched through the gate (not stored); nullopt for a self-Delete of a gone
  // actor. Throws the 401/429 refusals.
  std::optional<store::RemoteActor> fetch_signer(const InboxPost& post, const std::string& actor,
                                                 bool self_delete);
  void maybe_purge(int64_t now);

  // A signature checked up to its key (draft-cavage or RFC 9421): `verify` says why the
  // signer's RSA key does not verify it, or "" when it does; `verify_ed25519` the same for an
  // Ed25519 key (RFC 9421 only; empty for draft-cavage).
  struct PendingSignature {
    std::string key_id;
    std::function<std::string(const crypto::RsaKey&)> verify;
    std::function<std::string(const crypto::Ed25519PublicKey&)> verify_ed25519;
  };
  PendingSignature check_signature(const InboxPost& post, const activitypub::HeaderLookup& headers,
                                   int64_t now) const;
  // A 401 naming the check that failed, and how to sign.
  ApiError refused(std::string detail, std::string reason) const;

  // What vouches for an activity: its HTTP signature when the key is the actor's, its
  // FEP-8b32 proof when it has one (both are checked when both are there).
  struct Credentials {
    const PendingSignature* signature = nullptr;  // null: the proof alone vouches
    bool proof = false;
  };
  // Why `actor` does not vouch for `activity` by `credentials`, or "" when it does; `reason`
  // gets the refusal's short name.
  std::string check_credentials(const store::RemoteActor& actor, const InboxActivity& activity,
                                const Credentials& credentials, std::string& reason);
  // The verified signer, or nullopt for a self-Delete of an actor that is gone.
  std::optional<store::RemoteActor> verify_signer(const InboxPost& post,
                                                  const Credentials& credentials,
                                                  const InboxActivity& activity, bool self_delete);

  store::Store& store_;
  const activitypub::Uris& uris_;
  ActorResolver& resolver_;
  Outgoing& outgoing_;
  const DomainBlockList* blocks_;  // may be null (tests)
  crypto::PublicKeyCache signer_keys_;
  std::atomic<int64_t> last_purge_{0};
  int max_followers_per_host_;
  bool accept_rfc9421_;
  InboxGate gate_;  // last: its threads stop before anything they use goes
};

}  // namespace artdag::services::federation
