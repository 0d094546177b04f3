#pragma once
// The federated registry's verdict (docs/protocol.md "The federated registry"): which of the
// known claims of one content hash, local and remote, is the earliest, and on what evidence.
// Pure: the claims come in with what was proven of them, the verdict goes out.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/json.h"

namespace artdag::services::claim_log {

struct ClaimView {
  std::string actor;        // actor URL
  std::string activity_id;  // the Create's id
  std::string published;    // its `published`, as it says
  std::string log_origin;   // the claim log it is in ("" until proven)
  std::optional<int64_t> log_index;
  bool proven = false;                       // inclusion in that log checked
  std::optional<int64_t> first_cosigned_at;  // earliest trusted cosignature of its evidence
  bool local = false;                        // made on this server
  std::string refuted;                       // why its proof failed; "" unless it did
  std::string proof_url;                     // where its proof and evidence are served
  std::string evidence_url;
  std::string activity_json;  // the activity as received (remote) or as logged (local)
  bool earliest = false;      // set by mark_earliest

  // Proven, and in a checkpoint a trusted witness cosigned.
  bool witnessed() const { return proven && first_cosigned_at.has_value(); }
  const char* evidence() const { return witnessed() ? "witnessed" : "self-asserted"; }
};

// Sets `earliest` on exactly one claim when at least one is proven (on none otherwise):
// among witnessed claims the earliest first_cosigned_at, ties by `published` (as a time;
// one that is not an ISO 8601 UTC time sorts after every one that is), then log origin, then
// log index; with no witnessed claim, the earliest `published` among proven claims (the same
// ties). Unproven and refuted claims never win.
void mark_earliest(std::vector<ClaimView>& claims);

// The `GET /claims/{content_hash}` form of one claim.
Json claim_json(const ClaimView& claim);

}  // namespace artdag::services::claim_log
