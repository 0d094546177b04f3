#include "services/registry_service.h"

#include "activitypub/documents.h"
#include "activitypub/ld_signature.h"
#include "services/claim_log/claim_log_service.h"
#include "services/claim_log/log_activity.h"
#include "util/error.h"
#include "util/metrics.h"
#include "util/paging.h"
#include "util/time.h"

namespace artdag::services {

namespace {
bool has_float(const Json& value) {
  if (value.is_number_float()) return true;
  if (value.is_structured())
    for (const auto& item : value)
      if (has_float(item)) return true;
  return false;
}
}  // namespace

RegistryService::RegistryService(store::Store& store, crypto::KeyStore& keys,
                                 const activitypub::Uris& uris,
                                 federation::DeliveryNotifier* delivery,
                                 claim_log::ClaimLogService* claim_log)
    : store_(store), keys_(keys), uris_(uris), delivery_(delivery), claim_log_(claim_log) {}

RegisteredAsset RegistryService::register_asset(const AssetRegistration& r) {
  if (!r.provenance.is_null() && has_float(r.provenance))
    throw ApiError::unprocessable("Provenance must not contain fractional numbers");
  store::NewAsset request;
  auto& a = request.asset;
  a.name = r.name;
  a.content_hash = r.content_hash;
  a.asset_type = r.asset_type;
  a.tags = r.tags;
  a.description = r.description;
  a.ipfs_cid = r.ipfs_cid;
  a.metadata_json = r.metadata.dump();
  a.provenance_json = r.provenance.is_null() ? "" : r.provenance.dump();
  a.l1_server = r.l1_server;
  a.run_id = r.run_id;
  a.owner = r.owner;
  a.created_at = iso8601_utc(unix_now());

  // Load the keys before the transaction: a missing key fails fast, outside any lock.
  const ActorSigner signer = load_actor_signer(keys_, uris_, r.owner);
  // Signed before it is sequenced: the transaction below only records it.
  auto claim = claim_log::sign_for_log(
      activitypub::create_activity(uris_, a, claim_log::new_activity_id(uris_)), signer, a.owner,
      a.content_hash, a.created_at);
  auto result = store_.create_asset_with_activity(request, claim.sequenced);
  if (auto* conflict = std::get_if<store::CreateConflict>(&result)) {
    switch (*conflict) {
      case store::CreateConflict::kNameTaken:
        throw ApiError::conflict("An asset named '" + r.name + "' already exists")
            .with_field("name");
      case store::CreateConflict::kHashOwned:
        throw ApiError::conflict("Content hash " + r.content_hash + " is already owned")
            .with_field("content_hash");
      case store::CreateConflict::kRunRecorded:
        throw ApiError::conflict("Run " + r.run_id + " was already recorded");
    }
  }
  // The Create's fan-out row was written with it: wake the delivery worker, and the
  // integrator so the claim is in a checkpoint within a second.
  if (delivery_) delivery_->notify();
  metrics::claim_registered();
  const auto& asset = std::get<store::Asset>(result);
  if (claim_log_) claim_log_->notify();
  return {asset, std::move(claim.document),
          claim_log_ ? claim_log_->proof_url(asset.activity_index) : std::string()};
}

store::Asset RegistryService::get_asset(const std::string& name) {
  auto asset = store_.find_asset_by_name(name);
  if (!asset) throw ApiError::not_found("Asset not found");
  return *asset;
}

std::optional<store::Asset> RegistryService::find_by_hash(const std::string& content_hash) {
  return store_.find_asset_by_hash(content_hash);
}

AssetListing RegistryService::list_assets(store::AssetQuery query) {
  if (query.limit < 1 || query.limit > kMaxPageSize)
    throw ApiError::unprocessable("limit must be an integer between 1 and 100").with_field("limit");
  int wanted = query.limit;
  query.limit = wanted + 1;
  AssetListing listing;
  listing.assets = store_.list_assets(query);
  if (trim_to_page(listing.assets, wanted)) listing.next_cursor = listing.assets.back().id;
  return listing;
}

Json RegistryService::asset_json(const store::Asset& a) const {
  Json j{{"name", a.name},
         {"content_hash", a.content_hash},
         {"asset_type", a.asset_type},
         {"tags", a.tags},
         {"description", a.description},
         {"owner", a.owner},
         {"owner_actor", uris_.actor(a.owner)},
         {"created_at", a.created_at},
         {"object_id", uris_.object(a.content_hash)},
         {"url", uris_.asset_page(a.name)},
         {"like_count", a.like_count},
         {"announce_count", a.announce_count}};
  j["ipfs_cid"] = a.ipfs_cid.empty() ? Json(nullptr) : Json(a.ipfs_cid);
  j["metadata"] =
      a.metadata_json.empty() ? Json::object() : Json::parse(a.metadata_json, nullptr, false);
  if (j["metadata"].is_discarded()) j["metadata"] = Json::object();
  if (a.activity_index >= 0) {
    j["activity_index"] = a.activity_index;
    j["activity_id"] = uris_.activity(a.activity_index);
  }
  if (!a.provenance_json.empty()) {
    Json p = Json::parse(a.provenance_json, nullptr, false);
    j["provenance"] = p.is_discarded() ? Json(nullptr) : p;
  } else {
    j["provenance"] = nullptr;
  }
  return j;
}

}  // namespace artdag::services
