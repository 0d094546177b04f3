#pragma once
// Proves remote claims in the background (docs/protocol.md "The federated registry"), in a
// thread of its own, never on the inbox's path. For each due claim: the remote server's
// claim log is found through its NodeInfo `metadata.claimLog` and its key pinned on first use
// (logged, and listed by `artdag-l2 claims`); then `prefix/proof?id=` proves the exact
// activity received is in that log and `prefix/evidence?id=` gives its first cosigned
// checkpoint, whose cosignatures by the trusted witnesses date it. A proof that fails refutes
// the claim for good, with the reason; a log that cannot be reached (or has no proof yet) is
// asked again later, with a growing delay. Bounded work: a batch of claims per pass, a time
// and size cap per fetch, one failing server asked once per pass; nothing is fetched from a
// blocked domain.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "services/federation/domain_blocks.h"
#include "store/federation_store.h"
#include "tlog/note.h"
#include "util/json.h"

namespace artdag::services::claim_log {

class RemoteClaimProver {
 public:
  static constexpr int kBatch = 20;
  static constexpr int64_t kFirstRetrySeconds = 5;
  static constexpr int64_t kMaxRetrySeconds = 3600;
  // The delay before check number `attempts + 1` of a claim that is not finished:
  // 5 s, 10 s, 20 s, ... up to an hour.
  static int64_t retry_delay(int64_t attempts);

  RemoteClaimProver(store::FederationStore& store, net::OutboundPolicy policy,
                    std::vector<tlog::VerifierKey> trusted_witnesses,
                    const federation::DomainBlockList* blocks);
  ~RemoteClaimProver();  // stop()
  RemoteClaimProver(const RemoteClaimProver&) = delete;
  RemoteClaimProver& operator=(const RemoteClaimProver&) = delete;

  // One pass at `now` over at most kBatch due claims; returns how many were checked.
  int prove_due(int64_t now);
  void start();
  void stop();

 private:
  struct Fetched {
    long status = 0;
    std::string body;
  };
  // GET `url`; nullopt (with `error`) when there is no answer or the domain is blocked.
  std::optional<Fetched> fetch(const std::string& url, std::size_t max_bytes, std::string& error);
  // The pinned log of `server`, pinning it from NodeInfo when it has none; nullopt (with
  // `error`) when it cannot be had now.
  std::optional<store::RemoteLog> log_of(const std::string& server, std::string& error);
  void prove(store::RemoteClaimProof& claim, int64_t now, std::map<std::string, std::string>& down);
  void run();

  store::FederationStore& store_;
  net::HttpClient client_;
  std::vector<tlog::VerifierKey> witnesses_;
  const federation::DomainBlockList* blocks_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace artdag::services::claim_log
