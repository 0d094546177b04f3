#include "services/claim_log/witness_service.h"

#include <optional>
#include <span>

#include "config/config.h"
#include "services/claim_log/stored_tiles.h"
#include "tlog/merkle.h"
#include "tlog/witness_request.h"

namespace artdag::services::claim_log {

namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
// A lost compare-and-swap means another request moved the state; deciding again on the new
// state gives the right answer (usually a 409). Only a storm of racing writers exhausts this.
constexpr int kMaxRaces = 8;

WitnessService::Answer plain(int status, std::string text) {
  return {status, std::string(kTextPlain), std::move(text) + "\n"};
}

}  // namespace

WitnessService::WitnessService(store::LogStore& store, const tlog::CosignatureSigner& signer,
                               std::vector<tlog::VerifierKey> trusted_logs)
    : store_(store), signer_(signer), trusted_(std::move(trusted_logs)) {}

std::vector<tlog::VerifierKey> WitnessService::parse_trusted_logs(std::string_view setting) {
  std::vector<tlog::VerifierKey> keys;
  std::size_t at = 0;
  while (at < setting.size()) {
    const std::size_t end = setting.find_first_of(", \t\n", at);
    const std::string_view item =
        setting.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? setting.size() : end + 1;
    if (item.empty()) continue;
    auto key = tlog::parse_verifier_key(item);
    if (!key)
      throw ConfigError("ARTDAG_WITNESS_FOR: '" + std::string(item) +
                        "' is not a verifier key: " + key.error());
    if (key->type != tlog::kSignatureTypeEd25519)
      throw ConfigError("ARTDAG_WITNESS_FOR: '" + std::string(item) +
                        "' is not a log's Ed25519 key (type 0x01)");
    keys.push_back(std::move(*key));
  }
  return keys;
}

WitnessService::Answer WitnessService::add_checkpoint(std::string_view body, int64_t now) {
  if (body.size() > tlog::kMaxAddCheckpointBody) return plain(400, "request body too large");
  auto request = tlog::parse_add_checkpoint_request(body);
  if (!request) return plain(400, request.error());
  const std::string& origin = request->checkpoint.origin;
  std::vector<tlog::VerifierKey> keys;
  for (const auto& key : trusted_)
    if (key.name == origin) keys.push_back(key);

  for (int race = 0; race < kMaxRaces; ++race) {
    const auto stored = store_.witnessed_checkpoint(origin);
    std::optional<tlog::WitnessState> state;
    if (stored)
      state = tlog::WitnessState{static_cast<std::uint64_t>(stored->size),
                                 hashes_from_hex(stored->root_hex).at(0)};
    const auto decision = tlog::decide_add_checkpoint(*request, keys, state);
    if (decision.answer == tlog::WitnessAnswer::conflict)
      return {409, std::string(tlog::kTlogSizeContentType),
              tlog::conflict_body(decision.stored_size)};
    if (decision.answer != tlog::WitnessAnswer::cosign)
      return plain(decision.status(), decision.reason);

    const std::string line =
        signer_.signature_line(request->note.text, static_cast<std::uint64_t>(now));
    store::WitnessedCheckpoint next{origin, static_cast<int64_t>(request->checkpoint.size),
                                    tlog::hash_hex(request->checkpoint.root),
                                    request->checkpoint_note, now};
    std::optional<std::pair<int64_t, std::string>> expected;
    if (stored) expected.emplace(stored->size, stored->root_hex);
    if (store_.replace_witnessed_checkpoint(expected, next))
      return {200, std::string(kTextPlain), line};
  }
  return plain(503, "the log's state changed too often while this request was decided");
}

}  // namespace artdag::services::claim_log
