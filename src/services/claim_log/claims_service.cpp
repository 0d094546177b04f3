#include "services/claim_log/claims_service.h"

#include "activitypub/remote_documents.h"
#include "services/claim_log/remote_proof.h"
#include "util/error.h"
#include "util/identifiers.h"
#include "util/url.h"

namespace artdag::services::claim_log {

namespace {

std::string text_field(const Json& document, const char* name) {
  if (!document.is_object()) return "";
  auto it = document.find(name);
  if (it == document.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  // An actor given as an object: its id.
  if (it->is_object()) return it->value("id", std::string());
  return "";
}

}  // namespace

ClaimsService::ClaimsService(store::Store& store, ClaimLogService& log,
                             std::vector<tlog::VerifierKey> trusted_witnesses,
                             const federation::DomainBlockList* blocks)
    : store_(store), log_(log), witnesses_(std::move(trusted_witnesses)), blocks_(blocks) {}

std::optional<ClaimView> ClaimsService::local_claim(const std::string& content_hash) {
  auto asset = store_.find_asset_by_hash(content_hash);
  if (!asset || asset->activity_index < 0) return std::nullopt;
  auto activity = store_.find_activity(asset->activity_index);
  if (!activity) return std::nullopt;
  const Json document = Json::parse(activity->json, nullptr, false);
  const int64_t index = activity->index;
  ClaimView claim;
  claim.local = true;
  claim.activity_json = activity->json;
  claim.actor = text_field(document, "actor");
  claim.activity_id = text_field(document, "id");
  claim.published = text_field(document, "published");
  if (claim.published.empty()) claim.published = activity->published;
  claim.log_origin = log_.identity().origin;
  claim.log_index = index;
  claim.proven = log_.checkpoint_size_containing(index).has_value();
  claim.proof_url = log_.proof_url(index);
  claim.evidence_url = log_.prefix() + "/evidence/" + std::to_string(index);
  // Our own evidence: the first cosigned checkpoint holding the entry, with its cosignatures,
  // dated by the trusted witnesses among them (as a remote server dates it from /evidence).
  if (claim.proven) {
    if (auto cosigned = store_.first_cosigned_checkpoint(index + 1)) {
      std::string note_text = cosigned->note;
      for (const auto& line : store_.cosignatures(cosigned->size)) note_text += line;
      if (auto note = tlog::parse_note(note_text))
        claim.first_cosigned_at = earliest_trusted_cosignature(*note, witnesses_);
    }
  }
  return claim;
}

std::vector<ClaimView> ClaimsService::claims_of(const std::string& content_hash) {
  if (!is_sha3_hex(content_hash))
    throw ApiError::bad_request("A content hash is 64 lowercase hexadecimal characters (SHA3-256)");
  std::vector<ClaimView> claims;
  if (auto local = local_claim(content_hash)) claims.push_back(std::move(*local));
  for (const auto& remote : store_.remote_claims_of_hash(content_hash)) {
    if (blocks_ && blocks_->blocks_url(remote.actor_url)) continue;
    ClaimView claim;
    claim.actor = remote.actor_url;
    claim.activity_id = remote.activity_id;
    claim.published = text_field(Json::parse(remote.json, nullptr, false), "published");
    claim.log_origin = remote.log_origin;
    claim.log_index = remote.log_index;
    claim.proven = remote.proven;
    claim.first_cosigned_at = remote.first_cosigned_at;
    claim.refuted = remote.refuted;
    claim.activity_json = remote.json;
    if (auto server = activitypub::url_origin(remote.actor_url)) {
      if (auto log = store_.find_remote_log(*server)) {
        const std::string id = encode_query_value(remote.activity_id);
        claim.proof_url = log->prefix + "/proof?id=" + id;
        claim.evidence_url = log->prefix + "/evidence?id=" + id;
      }
    }
    claims.push_back(std::move(claim));
  }
  mark_earliest(claims);
  return claims;
}

std::vector<store::RemoteLog> ClaimsService::pinned_logs() {
  return store_.list_remote_logs();
}

}  // namespace artdag::services::claim_log
