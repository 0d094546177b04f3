#pragma once
// The registry: validating registrations, turning each into an asset plus its signed
// Create claim in one transaction, and reading assets back.
#include <optional>
#include <string>
#include <vector>

#include "activitypub/uris.h"
#include "crypto/key_store.h"
#include "services/federation/delivery_notifier.h"
#include "store/store.h"
#include "util/json.h"

namespace artdag::services {

namespace claim_log {
class ClaimLogService;
}

// A registration after validation; the one input of register_asset (POST /assets and
// record-run both come through here).
struct AssetRegistration {
  std::string owner;
  std::string name;
  std::string content_hash;
  std::string asset_type;
  std::vector<std::string> tags;
  std::string description;
  std::string ipfs_cid;
  Json metadata = Json::object();
  Json provenance;  // null unless recorded from an L1 run
  std::string l1_server;
  std::string run_id;
};

struct RegisteredAsset {
  store::Asset asset;
  Json activity;          // the signed Create as stored
  std::string proof_url;  // its tlog-proof in the claim log (BASE/log/proof/{index})
};

struct AssetListing {
  std::vector<store::Asset> assets;
  std::optional<int64_t> next_cursor;
};

class RegistryService {
 public:
  static constexpr int kMaxTags = 20;
  static constexpr std::size_t kMaxTagLength = 64;
  static constexpr std::size_t kMaxDescription = 5000;
  static constexpr std::size_t kMaxMetadataBytes = 16 * 1024;
  static constexpr int kMaxPageSize = 100;

  // `delivery`, when given, is poked after each registration so its Create goes out now.
  RegistryService(store::Store& store, crypto::KeyStore& keys, const activitypub::Uris& uris,
                  federation::DeliveryNotifier* delivery = nullptr,
                  claim_log::ClaimLogService* claim_log = nullptr);

  // Validates a POST /assets body for `owner`; throws ApiError 422 naming the bad field.
  static AssetRegistration parse_registration(const Json& body, const std::string& owner);
  static void validate_name(const std::string& name);
  static void validate_content_hash(const std::string& hash, const char* field);

  // Stores the asset and its signed Create at the next index, atomically. 409 when the
  // name is taken, the hash is owned, or the run was recorded already.
  RegisteredAsset register_asset(const AssetRegistration& registration);

  store::Asset get_asset(const std::string& name);  // 404 when absent
  std::optional<store::Asset> find_by_hash(const std::string& content_hash);
  // limit 1..100 (422 otherwise); cursor from a previous page's next_cursor.
  AssetListing list_assets(store::AssetQuery query);

  // The asset as the JSON API shows it.
  Json asset_json(const store::Asset& asset) const;

 private:
  store::Store& store_;
  crypto::KeyStore& keys_;
  const activitypub::Uris& uris_;
  federation::DeliveryNotifier* delivery_;
  claim_log::ClaimLogService* claim_log_;
};

}  // namespace artdag::services
