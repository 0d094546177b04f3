#pragma once
// Stored rows to ActivityStreams (and discovery) documents: the one layer that converts.
// Pure functions; every URL comes from Uris. Documents that get signed hold no floats.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activitypub/uris.h"
#include "crypto/ed25519_key.h"
#include "crypto/key_store.h"
#include "store/rows.h"
#include "util/identifiers.h"
#include "util/json.h"

namespace artdag::activitypub {

// ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
Json activity_context();

// The actor document served at uris.actor(user.username), a Person: its RSA key as
// `publicKey` (#main-key: draft-cavage, RFC 9421, the claim signature), its Ed25519 key as a
// FEP-521a Multikey in `assertionMethod` (#ed25519-key: FEP-8b32 proofs), and a FEP-844e
// `generator` saying which signature specifications this software implements.
// `keys` holds every key generation, the current one first (KeyStore::published). After a
// rotation `publicKey` is an array, the current key first (what servers that read one key
// take), then every earlier one (#main-key-{n}, ..., #main-key), so each old claim verifies
// with the key its signature.creator names; `assertionMethod` lists the Ed25519 keys so.
Json actor_document(const Uris& uris, const store::User& user,
                    const std::vector<crypto::PublishedKeys>& keys);

// FEP-844e: the Application that made our actors, with what it implements (RFC 9421 HTTP
// Message Signatures, FEP-8b32 integrity proofs, FEP-521a keys).
Json software_generator(const Uris& uris);

// The JRD for `username` (serve as application/jrd+json): subject acct:, aliases [actor],
// links self (application/activity+json) and profile-page (text/html), both to the actor.
Json webfinger_document(const Uris& uris, std::string_view username);

// /.well-known/nodeinfo: a link to the NodeInfo 2.1 document.
Json nodeinfo_discovery(const Uris& uris);

struct NodeInfoUsage {
  int64_t users_total = 0;
  int64_t local_posts = 0;
};
// The NodeInfo 2.1 document (software "artdag-l2"). `metadata` must be an object; it goes
// out as given (nodeName etc.).
Json nodeinfo_document(std::string_view software_version, const NodeInfoUsage& usage,
                       bool open_registrations = true, const Json& metadata = Json::object());

// /.well-known/host-meta (serve as application/xrd+xml).
std::string host_meta_xml(const Uris& uris);

// The ActivityStreams type for an asset_type: Image, Video, Audio, Application (effect,
// recipe, infrastructure) or Document (document, and anything unknown).
using artdag::activity_streams_type;

// The asset as an AS object, as embedded in its Create (no @context). provenance_json, when
// set, becomes a `provenance` member (any float in it is turned into its decimal string so
// no float reaches a signed document; unparsable text is left out).
Json asset_object(const Uris& uris, const store::Asset& asset);
// The same with @context, as served at /objects/{hash}.
Json object_document(const Uris& uris, const store::Asset& asset);

// The unsigned Create for `asset` with the id `activity_id`, published at asset.created_at,
// addressed to Public with the owner's followers in cc. Sign it with ld_signature.
Json create_activity(const Uris& uris, const store::Asset& asset, std::string_view activity_id);

// ---- Collections: one paging helper for outbox, followers, following and the like ----
//
// Items are keyed by an integer cursor (activity index, row id, ...) and listed newest
// (largest cursor) first. `?page=true` is the first page; `?page=true&max_id=N` the items
// with cursor < N (older); `?page=true&min_id=N` the `limit` items with cursor > N closest to
// N (newer), still listed newest first. The collection's `last` is `?page=true&min_id=-1`.

inline constexpr int kCollectionPageSize = 20;

struct CollectionQuery {
  bool page = false;  // false: the OrderedCollection itself
  std::optional<int64_t> max_id;
  std::optional<int64_t> min_id;
};

// Parses the (encoded) query string of a collection request. `page=true` or a cursor asks
// for a page; unknown parameters are ignored. nullopt (answer 400) on a repeated parameter,
// a cursor that is not a decimal integer, both cursors at once, or a page value other than
// true/false.
std::optional<CollectionQuery> parse_collection_query(std::string_view encoded_query);

struct PageItem {
  int64_t cursor = 0;
  Json item;  // an activity object, an actor URL string, ...
};

struct CollectionPage {
  std::vector<PageItem> items;  // newest first
  bool has_older = false;       // items exist past the last one: sets `next`
  bool has_newer = false;       // items exist before the first one: sets `prev`
};

// {"@context", id, type: OrderedCollection, totalItems, first, last}
Json ordered_collection(const Uris& uris, std::string_view collection_id, int64_t total_items);

// {"@context", id (the page URL for `query`), partOf, type: OrderedCollectionPage,
//  orderedItems, next (max_id = last item's cursor) when has_older, prev (min_id = first
//  item's cursor) when has_newer}.
Json ordered_collection_page(const Uris& uris, std::string_view collection_id,
                             const CollectionQuery& query, const CollectionPage& page);

}  // namespace artdag::activitypub
