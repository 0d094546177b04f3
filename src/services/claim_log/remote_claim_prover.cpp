#include "services/claim_log/remote_claim_prover.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "activitypub/remote_documents.h"
#include "services/claim_log/remote_proof.h"
#include "tlog/proof.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::services::claim_log {

namespace {

constexpr auto kPoll = std::chrono::seconds(1);
constexpr auto kFetchTimeout = std::chrono::seconds(5);
constexpr std::size_t kMaxNodeInfoBytes = 64 * 1024;
// A blocked domain's claims are looked at again this often (a block may be lifted).
constexpr int64_t kBlockedRecheckSeconds = 600;

Json parse_json(const std::string& text) {
  return Json::parse(text, nullptr, false);
}

}  // namespace

int64_t RemoteClaimProver::retry_delay(int64_t attempts) {
  const int64_t doublings = std::clamp<int64_t>(attempts, 0, 20);
  return std::min(kFirstRetrySeconds << doublings, kMaxRetrySeconds);
}

RemoteClaimProver::RemoteClaimProver(store::FederationStore& store, net::OutboundPolicy policy,
                                     std::vector<tlog::VerifierKey> trusted_witnesses,
                                     const federation::DomainBlockList* blocks)
    : store_(store),
      client_(std::move(policy)),
      witnesses_(std::move(trusted_witnesses)),
      blocks_(blocks) {}

RemoteClaimProver::~RemoteClaimProver() {
  stop();
}

std::optional<RemoteClaimProver::Fetched> RemoteClaimProver::fetch(const std::string& url,
                                                                   std::size_t max_bytes,
                                                                   std::string& error) {
  if (blocks_ && blocks_->blocks_url(url)) {
    error = "its domain is blocked";
    return std::nullopt;
  }
  net::RequestOptions options;
  options.timeout = kFetchTimeout;
  options.max_response_bytes = max_bytes;
  try {
    auto response = client_.get(url, {{"Accept", "application/json, text/plain"}}, options);
    return Fetched{response.status, std::move(response.body)};
  } catch (const net::FetchError& e) {
    error = "cannot fetch " + url + ": " + e.what();
    return std::nullopt;
  }
}

std::optional<store::RemoteLog> RemoteClaimProver::log_of(const std::string& server,
                                                          std::string& error) {
  if (auto pinned = store_.find_remote_log(server)) return pinned;
  auto discovery = fetch(server + "/.well-known/nodeinfo", kMaxNodeInfoBytes, error);
  if (!discovery) return std::nullopt;
  if (discovery->status != 200) {
    error = server + "/.well-known/nodeinfo answered " + std::to_string(discovery->status);
    return std::nullopt;
  }
  auto href = nodeinfo_document_url(parse_json(discovery->body), server);
  if (!href) {
    error = server + " links no NodeInfo 2.x document of its own";
    return std::nullopt;
  }
  auto document = fetch(*href, kMaxNodeInfoBytes, error);
  if (!document) return std::nullopt;
  if (document->status != 200) {
    error = *href + " answered " + std::to_string(document->status);
    return std::nullopt;
  }
  auto log = claim_log_from_nodeinfo(parse_json(document->body), server);
  if (!log) {
    error = server + ": " + log.error();
    return std::nullopt;
  }
  log->pinned_at = unix_now();
  if (store_.pin_remote_log(*log))
    spdlog::warn("claim log of {} pinned on first use: {} (prefix {}, witness key {})", server,
                 log->log_key, log->prefix, log->witness_key.empty() ? "none" : log->witness_key);
  return store_.find_remote_log(server);  // what is pinned, whoever pinned it first
}

void RemoteClaimProver::prove(store::RemoteClaimProof& claim, int64_t now,
                              std::map<std::string, std::string>& down) {
  auto refute = [&](const std::string& reason) {
    claim.refuted = reason;
    claim.proven = false;
    claim.last_error.clear();
    spdlog::warn("remote claim {} refuted: {}", claim.activity_id, reason);
  };
  auto later = [&](const std::string& why) {
    claim.last_error = why;
    claim.next_check_at = now + retry_delay(claim.check_attempts);
    ++claim.check_attempts;
  };
  if (blocks_ && blocks_->blocks_url(claim.actor_url)) {
    claim.last_error = "its domain is blocked";
    claim.next_check_at = now + kBlockedRecheckSeconds;
    return;
  }
  const Json activity = parse_json(claim.json);
  if (!activity.is_object()) return refute("the activity received is not a JSON object");
  const auto server = activitypub::url_origin(claim.actor_url);
  if (!server) return refute("its actor is not an http(s) URL");
  if (auto it = down.find(*server); it != down.end()) return later(it->second);

  std::string error;
  auto log = log_of(*server, error);
  if (!log) {
    down.emplace(*server, error);
    return later(error);
  }
  auto log_key = tlog::parse_verifier_key(log->log_key);
  if (!log_key) return refute("the pinned log key does not parse: " + log_key.error());
  // The body of prefix/<kind>?id=..., or nullopt when the claim must wait (`later` is set).
  auto served = [&](const std::string& kind) -> std::optional<std::string> {
    const std::string url =
        log->prefix + "/" + kind + "?id=" + encode_query_value(claim.activity_id);
    auto answer = fetch(url, tlog::kMaxTlogProofSize, error);
    if (!answer) {
      down.emplace(*server, error);
      later(error);
      return std::nullopt;
    }
    if (answer->status != 200) {
      later("its log answered " + std::to_string(answer->status) + " for the " + kind);
      return std::nullopt;
    }
    return std::move(answer->body);
  };

  if (!claim.proven) {
    auto proof = served("proof");
    if (!proof) return;
    auto proven = check_claim_proof(activity, *proof, *log_key, witnesses_);
    if (!proven) return refute("proof: " + proven.error());
    claim.proven = true;
    claim.log_origin = proven->origin;
    claim.log_index = static_cast<int64_t>(proven->index);
    claim.check_attempts = 0;
    spdlog::info("remote claim {} proven: {} entry {}", claim.activity_id, claim.log_origin,
                 proven->index);
  }

  auto evidence = served("evidence");
  if (!evidence) return;
  auto witnessed = check_claim_proof(activity, *evidence, *log_key, witnesses_);
  if (!witnessed) return refute("evidence: " + witnessed.error());
  if (static_cast<int64_t>(witnessed->index) != claim.log_index)
    return refute("its evidence is for entry " + std::to_string(witnessed->index) +
                  ", its proof for entry " + std::to_string(claim.log_index.value_or(-1)));
  if (!witnessed->first_cosigned_at) return later("no trusted witness cosigned its evidence yet");
  // Evidence only ever moves to an earlier checkpoint: keep the earliest time seen.
  claim.first_cosigned_at =
      std::min(claim.first_cosigned_at.value_or(INT64_MAX), *witnessed->first_cosigned_at);
  claim.last_error.clear();
}

int RemoteClaimProver::prove_due(int64_t now) {
  auto due = store_.remote_claims_due(now, kBatch);
  std::map<std::string, std::string> down;  // servers that failed in this pass
  for (auto& claim : due) {
    prove(claim, now, down);
    store_.save_remote_claim_proof(claim);
  }
  return static_cast<int>(due.size());
}

void RemoteClaimProver::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void RemoteClaimProver::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RemoteClaimProver::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kPoll, [this] { return stopping_; });
      if (stopping_) return;
    }
    try {
      prove_due(unix_now());
    } catch (const std::exception& e) {
      spdlog::warn("proving remote claims failed: {}", e.what());
    }
  }
}

}  // namespace artdag::services::claim_log
