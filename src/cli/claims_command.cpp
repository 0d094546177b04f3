#include "cli/claims_command.h"

#include "util/time.h"

namespace artdag::cli {

int print_claims(services::Services& services, const std::string& content_hash, std::ostream& out) {
  const auto claims = services.claims.claims_of(content_hash);
  out << "claims of " << content_hash << ": " << claims.size() << "\n";
  for (const auto& c : claims) {
    out << (c.earliest ? "* earliest  " : "            ") << c.evidence();
    if (c.first_cosigned_at) out << ", first cosigned " << iso8601_utc(*c.first_cosigned_at);
    out << "\n    " << (c.local ? "local  " : "remote ") << c.actor << "\n    activity "
        << c.activity_id << "\n    published " << (c.published.empty() ? "?" : c.published)
        << "\n    ";
    if (!c.refuted.empty())
      out << "REFUTED: " << c.refuted;
    else if (c.proven)
      out << "proven in " << c.log_origin << " at index " << c.log_index.value_or(-1);
    else
      out << "not proven yet";
    out << "\n";
    if (!c.proof_url.empty()) out << "    proof " << c.proof_url << "\n";
    if (!c.evidence_url.empty()) out << "    evidence " << c.evidence_url << "\n";
  }
  out << "trusted witnesses:";
  for (const auto& key : services.claims.trusted_witnesses()) out << " " << key.name;
  out << "\npinned claim logs (trust on first use):\n";
  const auto logs = services.claims.pinned_logs();
  if (logs.empty()) out << "  none\n";
  for (const auto& log : logs)
    out << "  " << log.server << " " << log.log_key << " (pinned " << iso8601_utc(log.pinned_at)
        << ")\n";
  return 0;
}

}  // namespace artdag::cli
