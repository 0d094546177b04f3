#include "services/claim_log/claim_verdict.h"

#include <limits>
#include <tuple>

#include "util/time.h"

namespace artdag::services::claim_log {

namespace {

// What orders two claims once their first cosignature times are equal (or absent).
auto tie_key(const ClaimView& c) {
  const auto at = parse_iso8601_utc(c.published);
  return std::make_tuple(at.value_or(std::numeric_limits<int64_t>::max()), c.published,
                         c.log_origin, c.log_index.value_or(std::numeric_limits<int64_t>::max()),
                         c.activity_id);
}

}  // namespace

void mark_earliest(std::vector<ClaimView>& claims) {
  ClaimView* best = nullptr;
  auto better = [](const ClaimView& a, const ClaimView& b) {
    if (a.witnessed() != b.witnessed()) return a.witnessed();
    if (a.witnessed() && *a.first_cosigned_at != *b.first_cosigned_at)
      return *a.first_cosigned_at < *b.first_cosigned_at;
    return tie_key(a) < tie_key(b);
  };
  for (auto& claim : claims) {
    claim.earliest = false;
    if (!claim.proven || !claim.refuted.empty()) continue;
    if (!best || better(claim, *best)) best = &claim;
  }
  if (best) best->earliest = true;
}

Json claim_json(const ClaimView& c) {
  auto text_or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  auto int_or_null = [](const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); };
  return Json{{"actor", c.actor},
              {"activity_id", c.activity_id},
              {"published", text_or_null(c.published)},
              {"log_origin", text_or_null(c.log_origin)},
              {"log_index", int_or_null(c.log_index)},
              {"proven", c.proven},
              {"first_cosigned_at", int_or_null(c.first_cosigned_at)},
              {"evidence", c.evidence()},
              {"earliest", c.earliest},
              {"local", c.local},
              {"refuted", text_or_null(c.refuted)},
              {"proof_url", text_or_null(c.proof_url)},
              {"evidence_url", text_or_null(c.evidence_url)},
              {"activity", c.activity_json.empty() ? Json(nullptr)
                                                   : Json::parse(c.activity_json, nullptr, false)}};
}

}  // namespace artdag::services::claim_log
