#include "services/claim_log/remote_proof.h"

#include "activitypub/canon.h"
#include "activitypub/remote_documents.h"
#include "services/claim_log/witness_submitter.h"
#include "tlog/cosignature.h"
#include "tlog/proof.h"

namespace artdag::services::claim_log {

tlog::Result<store::RemoteLog> claim_log_from_nodeinfo(const Json& nodeinfo,
                                                       const std::string& server) {
  if (!nodeinfo.is_object()) return tlog::Failure{"its NodeInfo is not a JSON object"};
  auto metadata = nodeinfo.find("metadata");
  if (metadata == nodeinfo.end() || !metadata->is_object())
    return tlog::Failure{"its NodeInfo has no metadata"};
  auto log = metadata->find("claimLog");
  if (log == metadata->end() || !log->is_object())
    return tlog::Failure{"its NodeInfo names no claim log (metadata.claimLog)"};
  auto text = [&](const char* name) {
    auto it = log->find(name);
    return it != log->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  store::RemoteLog out;
  out.server = server;
  out.prefix = text("prefix");
  out.origin = text("origin");
  out.log_key = text("key");
  out.witness_key = text("witness_key");
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  if (activitypub::url_origin(out.prefix) != server)
    return tlog::Failure{"its claim log prefix '" + out.prefix + "' is not on " + server};
  auto key = tlog::parse_verifier_key(out.log_key);
  if (!key) return tlog::Failure{"its claim log key is not a note verifier key: " + key.error()};
  if (key->type != tlog::kSignatureTypeEd25519)
    return tlog::Failure{"its claim log key is not an Ed25519 log key"};
  if (out.origin.empty()) out.origin = key->name;
  if (key->name != out.origin)
    return tlog::Failure{"its claim log key is named " + key->name + ", not the origin " +
                         out.origin};
  return out;
}

std::optional<std::string> nodeinfo_document_url(const Json& discovery, const std::string& server) {
  auto links = discovery.is_object() ? discovery.find("links") : discovery.end();
  if (!discovery.is_object() || links == discovery.end() || !links->is_array()) return std::nullopt;
  std::optional<std::string> found;
  for (const auto& link : *links) {
    if (!link.is_object()) continue;
    const std::string rel = link.value("rel", std::string());
    const std::string href = link.value("href", std::string());
    const bool v2 = rel.starts_with("http://nodeinfo.diaspora.software/ns/schema/2.");
    if (!v2 || activitypub::url_origin(href) != server) continue;
    if (!found || rel.ends_with("/2.1")) found = href;
  }
  return found;
}

std::optional<int64_t> earliest_trusted_cosignature(const tlog::Note& note,
                                                    std::span<const tlog::VerifierKey> witnesses) {
  std::optional<int64_t> earliest;
  for (const auto& witness : witnesses) {
    auto at = tlog::verify_cosigned_note(note, witness);
    if (!at || *at > static_cast<std::uint64_t>(INT64_MAX)) continue;
    const auto seconds = static_cast<int64_t>(*at);
    if (!earliest || seconds < *earliest) earliest = seconds;
  }
  return earliest;
}

tlog::Result<ProvenEntry> check_claim_proof(const Json& activity, std::string_view proof_text,
                                            const tlog::VerifierKey& log_key,
                                            std::span<const tlog::VerifierKey> witnesses) {
  auto proof = tlog::parse_tlog_proof(proof_text);
  if (!proof) return tlog::Failure{"not a c2sp.org/tlog-proof@v1: " + proof.error()};
  std::string entry;
  try {
    entry = activitypub::canonical_json(activity);
  } catch (const std::exception& e) {
    return tlog::Failure{std::string("the activity received has no canonical form: ") + e.what()};
  }
  auto checkpoint = tlog::verify_tlog_proof(*proof, entry, log_key);
  if (!checkpoint)
    return tlog::Failure{"the activity received is not proven in " + log_key.name + ": " +
                         checkpoint.error()};
  ProvenEntry out{checkpoint->origin, proof->index, checkpoint->size, std::nullopt};
  if (auto note = tlog::parse_note(proof->checkpoint))
    out.first_cosigned_at = earliest_trusted_cosignature(*note, witnesses);
  return out;
}

std::vector<tlog::VerifierKey> trusted_witnesses(const tlog::VerifierKey& own,
                                                 std::string_view witnesses_setting) {
  std::vector<tlog::VerifierKey> out{own};
  for (auto& target : WitnessSubmitter::parse_witnesses(witnesses_setting))
    out.push_back(std::move(target.key));
  return out;
}

}  // namespace artdag::services::claim_log
