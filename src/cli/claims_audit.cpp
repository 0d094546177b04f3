#include "cli/claims_audit.h"

#include <map>
#include <optional>

#include "activitypub/activities.h"
#include "activitypub/remote_documents.h"
#include "services/claim_log/claim_verdict.h"
#include "services/claim_log/remote_proof.h"
#include "tlog/proof.h"
#include "util/error.h"
#include "util/identifiers.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::cli {

namespace {

using services::claim_log::ClaimView;

std::string text_of(const Json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What one claim of the server's answer is, as checked here.
struct Checked {
  ClaimView view;      // what this tool proved (earliest set by mark_earliest)
  Json server;         // the server's entry
  std::string reason;  // why it is not proven or not witnessed here; "" when it is both
};

class Auditor {
 public:
  Auditor(const LogClient& client, std::vector<tlog::VerifierKey> witnesses)
      : client_(client), witnesses_(std::move(witnesses)) {}

  // The claim logs used so far, by server.
  const std::map<std::string, store::RemoteLog>& logs() const { return logs_; }

  Checked check(const Json& entry, const std::string& content_hash) {
    Checked out;
    out.server = entry;
    ClaimView& claim = out.view;
    claim.actor = text_of(entry, "actor");
    claim.activity_id = text_of(entry, "activity_id");
    claim.local = entry.value("local", false);
    try {
      // The bytes the server's verdict is about: the activity as it received it.
      const auto given = entry.find("activity");
      const Json activity =
          given != entry.end() && given->is_object() ? *given : fetch_activity(claim.activity_id);
      claim.published = text_of(activity, "published");
      if (text_of(activity, "type") != "Create" ||
          activitypub::id_of(activity.value("actor", Json())) != claim.actor ||
          activitypub::claimed_content_hash(activity.value("object", Json())) != content_hash) {
        claim.refuted = "the activity at its id is not a Create of this hash by " + claim.actor;
        return out;
      }
      const auto& log = log_of(claim.actor);
      auto log_key = tlog::parse_verifier_key(log.log_key);
      if (!log_key) throw CheckFailed("its log key does not parse: " + log_key.error());
      const std::string id = encode_query_value(claim.activity_id);
      auto proven = services::claim_log::check_claim_proof(
          activity, client_.get(log.prefix + "/proof?id=" + id, tlog::kMaxTlogProofSize), *log_key,
          witnesses_);
      if (!proven) {
        claim.refuted = "proof: " + proven.error();
        return out;
      }
      claim.proven = true;
      claim.log_origin = proven->origin;
      claim.log_index = static_cast<int64_t>(proven->index);
      std::string evidence;
      try {
        evidence = client_.get(log.prefix + "/evidence?id=" + id, tlog::kMaxTlogProofSize);
      } catch (const CheckFailed& e) {
        out.reason = std::string("no evidence: ") + e.what();
        return out;
      }
      auto witnessed =
          services::claim_log::check_claim_proof(activity, evidence, *log_key, witnesses_);
      if (!witnessed || witnessed->index != proven->index) {
        claim.proven = false;
        claim.refuted =
            "evidence: " + (witnessed ? std::string("for another entry") : witnessed.error());
        return out;
      }
      claim.first_cosigned_at = witnessed->first_cosigned_at;
      if (!claim.first_cosigned_at) out.reason = "no trusted witness cosigned its evidence";
    } catch (const CheckFailed& e) {
      out.reason = e.what();
    }
    return out;
  }

 private:
  Json fetch_activity(const std::string& id) {
    if (!activitypub::url_origin(id)) throw CheckFailed("its activity id is not an http(s) URL");
    return client_.get_json(id, "application/activity+json");
  }

  // The claim log of the actor's server, from its NodeInfo (asked once per server).
  const store::RemoteLog& log_of(const std::string& actor) {
    const auto server = activitypub::url_origin(actor);
    if (!server) throw CheckFailed("its actor is not an http(s) URL");
    if (auto it = logs_.find(*server); it != logs_.end()) return it->second;
    const Json discovery = client_.get_json(*server + "/.well-known/nodeinfo");
    auto href = services::claim_log::nodeinfo_document_url(discovery, *server);
    if (!href) throw CheckFailed(*server + " links no NodeInfo 2.x document of its own");
    auto log = services::claim_log::claim_log_from_nodeinfo(client_.get_json(*href), *server);
    if (!log) throw CheckFailed(*server + ": " + log.error());
    return logs_.emplace(*server, std::move(*log)).first->second;
  }

  const LogClient& client_;
  std::vector<tlog::VerifierKey> witnesses_;
  std::map<std::string, store::RemoteLog> logs_;  // by server
};

std::vector<tlog::VerifierKey> parse_witnesses(const std::vector<std::string>& texts,
                                               const char* where) {
  std::vector<tlog::VerifierKey> out;
  for (const auto& text : texts) {
    auto key = tlog::parse_verifier_key(text);
    if (!key)
      throw CheckFailed(std::string(where) + " names a witness key that does not parse: " + text +
                        " (" + key.error() + ")");
    out.push_back(*key);
  }
  return out;
}

std::string describe(const ClaimView& c) {
  if (!c.refuted.empty()) return "REFUTED (" + c.refuted + ")";
  if (!c.proven) return "not proven";
  std::string text = "proven in " + c.log_origin + " at index " +
                     std::to_string(c.log_index.value_or(-1)) + ", " + c.evidence();
  if (c.first_cosigned_at) text += " " + iso8601_utc(*c.first_cosigned_at);
  return text;
}

std::string describe_server(const Json& c) {
  if (c.value("refuted", Json()).is_string())
    return "REFUTED (" + c["refuted"].get<std::string>() + ")";
  if (c.value("proven", false) != true) return "not proven";
  std::string text = "proven in " + text_of(c, "log_origin") + " at index " +
                     c.value("log_index", Json(-1)).dump() + ", " + text_of(c, "evidence");
  if (c.value("first_cosigned_at", Json()).is_number_integer())
    text += " " + iso8601_utc(c["first_cosigned_at"].get<int64_t>());
  return text;
}

}  // namespace

int audit_claims(const LogClient& client, const ClaimsAuditOptions& options, std::ostream& out) {
  if (!is_sha3_hex(options.content_hash))
    throw ApiError::bad_request("A content hash is 64 lowercase hexadecimal characters (SHA3-256)");
  std::string server = options.server;
  while (!server.empty() && server.back() == '/') server.pop_back();
  const Json answer = client.get_json(server + "/claims/" + options.content_hash);
  if (!answer.is_object() || !answer.value("claims", Json()).is_array())
    throw CheckFailed(server + "/claims/" + options.content_hash + " holds no claims array");

  std::vector<std::string> witness_texts = options.witnesses;
  const bool given = !witness_texts.empty();
  if (!given)
    for (const auto& key : answer.value("witnesses", Json::array()))
      if (key.is_string()) witness_texts.push_back(key.get<std::string>());
  auto witnesses = parse_witnesses(witness_texts, given ? "--witness" : "the server's answer");
  out << "claims of " << options.content_hash << " at " << server << ": " << answer["claims"].size()
      << "\ntrusted witnesses (" << (given ? "given" : "the server's") << "):";
  for (const auto& key : witnesses) out << " " << key.name;
  out << (witnesses.empty() ? " none\n" : "\n");

  Auditor auditor(client, std::move(witnesses));
  std::vector<Checked> checked;
  for (const auto& entry : answer["claims"])
    if (entry.is_object()) checked.push_back(auditor.check(entry, options.content_hash));
  std::vector<ClaimView> views;
  for (const auto& c : checked) views.push_back(c.view);
  services::claim_log::mark_earliest(views);

  int disagreements = 0;
  for (std::size_t i = 0; i < checked.size(); ++i) {
    const ClaimView& mine = views[i];
    const Json& theirs = checked[i].server;
    const bool same = mine.earliest == (theirs.value("earliest", false) == true) &&
                      mine.proven == (theirs.value("proven", false) == true) &&
                      std::string(mine.evidence()) == text_of(theirs, "evidence");
    if (!same) ++disagreements;
    out << (mine.earliest ? "* earliest  " : "            ") << mine.activity_id << "\n    by "
        << mine.actor << (mine.local ? " (local to the server)" : "") << ", published "
        << (mine.published.empty() ? "?" : mine.published)
        << "\n    checked here: " << describe(mine);
    if (!checked[i].reason.empty()) out << " (" << checked[i].reason << ")";
    out << "\n    the server says: " << describe_server(theirs)
        << (theirs.value("earliest", false) == true ? ", earliest" : "")
        << (same ? "" : "\n    DISAGREES with what was checked here") << "\n";
  }
  out << "claim logs used (keys from each server's NodeInfo):\n";
  if (auditor.logs().empty()) out << "  none\n";
  for (const auto& [origin, log] : auditor.logs())
    out << "  " << origin << " " << log.log_key << "\n";
  if (disagreements > 0) {
    out << "the server's verdict is NOT reproduced: " << disagreements << " of " << checked.size()
        << " claims differ\n";
    return 1;
  }
  out << "the server's verdict is reproduced\n";
  return 0;
}

}  // namespace artdag::cli
