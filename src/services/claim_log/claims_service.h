#pragma once
// The federated registry's read side: every known claim of a content hash, the local one (if
// any) and those received from followed remote actors, with what was proven of each and the
// verdict (claim_verdict.h). Remote claims of blocked domains are left out.
#include <string>
#include <vector>

#include "services/claim_log/claim_log_service.h"
#include "services/claim_log/claim_verdict.h"
#include "services/federation/domain_blocks.h"
#include "store/store.h"
#include "tlog/note.h"

namespace artdag::services::claim_log {

class ClaimsService {
 public:
  ClaimsService(store::Store& store, ClaimLogService& log,
                std::vector<tlog::VerifierKey> trusted_witnesses,
                const federation::DomainBlockList* blocks);

  // ApiError 400 unless `content_hash` is 64 lowercase hex; an unknown hash has no claims.
  // The verdict is marked (ClaimView::earliest).
  std::vector<ClaimView> claims_of(const std::string& content_hash);
  // The remote claim logs pinned on first use, by server.
  std::vector<store::RemoteLog> pinned_logs();
  const std::vector<tlog::VerifierKey>& trusted_witnesses() const { return witnesses_; }

 private:
  std::optional<ClaimView> local_claim(const std::string& content_hash);

  store::Store& store_;
  ClaimLogService& log_;
  std::vector<tlog::VerifierKey> witnesses_;
  const federation::DomainBlockList* blocks_;
};

}  // namespace artdag::services::claim_log
