#include "activitypub/documents.h"

#include "activitypub/multikey.h"
#include "util/text.h"

namespace artdag::activitypub {

namespace {

std::string xml_escape(std::string_view text) {
  return html_escape(text);
}

// Replaces every float in `value` by its decimal string: signed documents carry no floats
// (their canonical form would not be stable across implementations).
void strip_floats(Json& value) {
  if (value.is_number_float()) {
    value = value.dump();
  } else if (value.is_structured()) {
    for (auto& member : value) strip_floats(member);
  }
}

}  // namespace

Json activity_context() {
  return Json::array({kActivityStreamsContext, kSecurityContext});
}

Json software_generator(const Uris& uris) {
  const auto implements = [](std::string_view name, std::string_view href) {
    return Json{{"name", name}, {"href", href}};
  };
  return {
      {"type", "Application"},
      {"name", "artdag-l2"},
      {"url", uris.base()},
      {"implements",
       Json::array({implements("RFC-9421: HTTP Message Signatures",
                               "https://datatracker.ietf.org/doc/html/rfc9421"),
                    implements("FEP-8b32: Object Integrity Proofs", "https://w3id.org/fep/8b32"),
                    implements("FEP-521a: Representing actor's public keys",
                               "https://w3id.org/fep/521a")})},
  };
}

Json actor_document(const Uris& uris, const store::User& user,
                    const std::vector<crypto::PublishedKeys>& keys) {
  if (keys.empty()) throw std::invalid_argument("an actor document needs at least one key");
  const std::string actor = uris.actor(user.username);
  Json public_keys = Json::array();
  Json assertion_keys = Json::array();
  for (const auto& key : keys) {
    public_keys.push_back({{"id", uris.key_id(user.username, key.generation)},
                           {"owner", actor},
                           {"publicKeyPem", key.rsa_public_pem}});
    assertion_keys.push_back(ed25519_multikey_entry(actor, key.ed25519, key.generation));
  }
  Json context = activity_context();
  context.push_back(kMultikeyContext);
  Json doc = {
      {"@context", std::move(context)},
      {"id", actor},
      {"type", "Person"},
      {"preferredUsername", user.username},
      {"name", user.username},
      {"inbox", uris.inbox(user.username)},
      {"outbox", uris.outbox(user.username)},
      {"followers", uris.followers(user.username)},
      {"following", uris.following(user.username)},
      {"url", actor},
      {"manuallyApprovesFollowers", false},
      {"publicKey", keys.size() == 1 ? std::move(public_keys[0]) : std::move(public_keys)},
      {"assertionMethod", std::move(assertion_keys)},
      {"generator", software_generator(uris)},
      {"endpoints", {{"sharedInbox", uris.shared_inbox()}}},
  };
  if (!user.created_at.empty()) doc["published"] = user.created_at;
  return doc;
}

Json webfinger_document(const Uris& uris, std::string_view username) {
  const std::string actor = uris.actor(username);
  return {
      {"subject", uris.acct(username)},
      {"aliases", Json::array({actor})},
      {"links", Json::array({
                    {{"rel", "self"}, {"type", "application/activity+json"}, {"href", actor}},
                    {{"rel", "http://webfinger.net/rel/profile-page"},
                     {"type", "text/html"},
                     {"href", actor}},
                })},
  };
}

Json nodeinfo_discovery(const Uris& uris) {
  return {{"links", Json::array({{{"rel", "http://nodeinfo.diaspora.software/ns/schema/2.1"},
                                  {"href", uris.nodeinfo()}}})}};
}

Json nodeinfo_document(std::string_view software_version, const NodeInfoUsage& usage,
                       bool open_registrations, const Json& metadata) {
  return {
      {"version", "2.1"},
      {"software", {{"name", "artdag-l2"}, {"version", software_version}}},
      {"protocols", Json::array({"activitypub"})},
      {"services", {{"inbound", Json::array()}, {"outbound", Json::array()}}},
      {"openRegistrations", open_registrations},
      {"usage", {{"users", {{"total", usage.users_total}}}, {"localPosts", usage.local_posts}}},
      {"metadata", metadata.is_object() ? metadata : Json::object()},
  };
}

std::string host_meta_xml(const Uris& uris) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
         "  <Link rel=\"lrdd\" type=\"application/jrd+json\" template=\"" +
         xml_escape(uris.webfinger_template()) +
         "\"/>\n"
         "</XRD>\n";
}

Json asset_object(const Uris& uris, const store::Asset& asset) {
  const std::string actor = uris.actor(asset.owner);
  Json tags = Json::array();
  for (const std::string& tag : asset.tags)
    tags.push_back({{"type", "Hashtag"}, {"href", uris.tag_page(tag)}, {"name", "#" + tag}});
  Json object = {
      {"id", uris.object(asset.content_hash)},
      {"type", activity_streams_type(asset.asset_type)},
      {"attributedTo", actor},
      {"name", asset.name},
      {"tag", std::move(tags)},
      {"url", uris.asset_page(asset.name)},
      {"to", Json::array({kPublicCollection})},
      {"cc", Json::array({uris.followers(asset.owner)})},
      {"contentHash", {{"algorithm", "sha3-256"}, {"value", asset.content_hash}}},
  };
  if (!asset.created_at.empty()) object["published"] = asset.created_at;
  if (!asset.description.empty())
    object["content"] = "<p>" + html_escape(asset.description) + "</p>";
  if (!asset.ipfs_cid.empty()) object["ipfsCid"] = asset.ipfs_cid;
  if (!asset.provenance_json.empty()) {
    Json provenance = Json::parse(asset.provenance_json, nullptr, /*allow_exceptions=*/false);
    if (!provenance.is_discarded() && provenance.is_object()) {
      strip_floats(provenance);
      object["provenance"] = std::move(provenance);
    }
  }
  return object;
}

Json object_document(const Uris& uris, const store::Asset& asset) {
  Json doc = {{"@context", activity_context()}};
  doc.update(asset_object(uris, asset));
  return doc;
}

Json create_activity(const Uris& uris, const store::Asset& asset, std::string_view activity_id) {
  Json activity = {
      {"@context", activity_context()},
      {"id", activity_id},
      {"type", "Create"},
      {"actor", uris.actor(asset.owner)},
      {"to", Json::array({kPublicCollection})},
      {"cc", Json::array({uris.followers(asset.owner)})},
      {"object", asset_object(uris, asset)},
  };
  if (!asset.created_at.empty()) activity["published"] = asset.created_at;
  return activity;
}

Json ordered_collection(const Uris& uris, std::string_view collection_id, int64_t total_items) {
  return {
      {"@context", kActivityStreamsContext},
      {"id", collection_id},
      {"type", "OrderedCollection"},
      {"totalItems", total_items},
      {"first", uris.collection_page(collection_id, std::nullopt, std::nullopt)},
      {"last", uris.collection_page(collection_id, std::nullopt, int64_t{-1})},
  };
}

Json ordered_collection_page(const Uris& uris, std::string_view collection_id,
                             const CollectionQuery& query, const CollectionPage& page) {
  Json items = Json::array();
  for (const PageItem& entry : page.items) items.push_back(entry.item);
  Json doc = {
      {"@context", kActivityStreamsContext},
      {"id", uris.collection_page(collection_id, query.max_id, query.min_id)},
      {"partOf", collection_id},
      {"type", "OrderedCollectionPage"},
      {"orderedItems", std::move(items)},
  };
  if (!page.items.empty()) {
    if (page.has_older)
      doc["next"] = uris.collection_page(collection_id, page.items.back().cursor, std::nullopt);
    if (page.has_newer)
      doc["prev"] = uris.collection_page(collection_id, std::nullopt, page.items.front().cursor);
  }
  return doc;
}

}  // namespace artdag::activitypub
