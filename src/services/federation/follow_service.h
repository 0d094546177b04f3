#pragma once
// What a local user does towards other servers: follow a remote actor, undo that, share
// (Announce) an asset; and what they can read back (their follows with their state, the
// remote claims received).
//
// Ids: a Follow is BASE/users/{u}/follows/{random}, an Undo BASE/users/{u}/undos/{random},
// an Accept BASE/users/{u}/accepts/{random} (Uris::user_activity). They are unique and let an
// Accept be matched to its Follow, but they are not served: fetching one is 404. An Announce
// goes into the public log like a Create: its id is BASE/activities/{index}, it carries the
// claim signature, and the store queues its delivery to the user's followers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activitypub/uris.h"
#include "crypto/key_store.h"
#include "services/federation/actor_resolver.h"
#include "services/federation/domain_blocks.h"
#include "services/federation/outgoing.h"
#include "store/store.h"
#include "util/json.h"

namespace artdag::services::federation {

struct FollowOutcome {
  store::Following following;
  Json activity;      // the Follow sent (or, for an accepted follow, the one sent before)
  bool sent = false;  // false when the follow was accepted already and nothing was sent
};

class FollowService {
 public:
  // `blocks` (may be null) hides the remote claims of blocked domains.
  FollowService(store::Store& store, const activitypub::Uris& uris, crypto::KeyStore& keys,
                ActorResolver& resolver, Outgoing& outgoing,
                const DomainBlockList* blocks = nullptr);

  // `target`: "acct:user@host" (also "user@host", "@user@host") or an actor URL. The actor is
  // fetched fresh; the follow is stored as pending and a Follow queued to the actor's inbox.
  // Following again while pending sends the same Follow again. ApiError 422 (bad target, a
  // local account), 404 (no such account), 502 (the remote server failed).
  FollowOutcome follow(const std::string& username, std::string_view target);
  // Queues an Undo of the Follow and removes the follow; 404 when not following. An actor
  // URL needs no network; an acct: address is matched against the cached actors followed,
  // else looked up by WebFinger.
  Json unfollow(const std::string& username, std::string_view target);
  // Appends a signed Announce of the asset's object by `username` to the log (fan-out to the
  // user's followers follows); 404 when there is no such asset. Each share is a new Announce.
  Json share(const std::string& username, const std::string& asset_name);

  // The user's follows, newest first; before_id a cursor from a previous page.
  std::vector<store::Following> following(const std::string& username,
                                          std::optional<int64_t> before_id, int limit);
  // Remote claims received, newest first; actor_url empty: all actors.
  std::vector<store::RemoteClaim> remote_claims(const std::string& actor_url, int limit);

 private:
  std::string actor_url_for(const std::string& username, std::string_view target);
  void refuse_local(std::string_view actor_url_or_host) const;

  store::Store& store_;
  const activitypub::Uris& uris_;
  crypto::KeyStore& keys_;
  ActorResolver& resolver_;
  Outgoing& outgoing_;
  const DomainBlockList* blocks_;
};

}  // namespace artdag::services::federation
