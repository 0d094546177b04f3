#pragma once
// Outgoing delivery: turns the database queue (Store "Delivery queue") into signed POSTs.
//
// One DeliveryWorker per server process, owned by `serve`. Its claimer thread, every
// poll_interval or as soon as the DeliveryNotifier is poked, expands new activities into
// jobs (Store::expand_fanouts: one per distinct inbox, shared inbox preferred) and leases
// as many due jobs as it has idle senders (Store::claim_deliveries, FOR UPDATE SKIP LOCKED on
// PostgreSQL, under a worker id unique to this process). A pool of sender threads POSTs them
// concurrently, each signed at send time with the sender's key (RFC 9421 or draft-cavage,
// see send_signed; keyId = the sender's current key, Uris::key_id(sender, generation), the digest
// over the exact payload bytes), through net::HttpClient and its private-address guard. The answer
// is classified by retry_policy.h: complete, retry later, or drop.
//
// Guarantees: at-least-once. A job leaves the queue only after a 2xx (or is dropped); a
// process killed mid-delivery leaves its jobs leased until `lease_seconds` pass, then any
// process takes them again. Several processes never hold a lease on the same job at once.
// stop() stops claiming, gives back the leases of jobs not yet started (due at once; the
// store counts that as an attempt), and waits for in-flight POSTs, which end within
// request_timeout.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "activitypub/uris.h"
#include "config/config.h"
#include "crypto/key_store.h"
#include "net/http_client.h"
#include "services/federation/circuit_breaker.h"
#include "services/federation/delivery_notifier.h"
#include "services/federation/domain_blocks.h"
#include "services/federation/retry_policy.h"
#include "services/federation/signature_style.h"
#include "store/store.h"

namespace artdag::services::federation {

struct DeliveryOptions {
  int concurrency = 32;  // sender threads = most POSTs in flight
  // Most POSTs in flight (or waiting for a sender) to one host: a slow or stalling host
  // holds at most this many senders; its other jobs go back to the database, due again
  // after per_host_postpone (0: at once). The claimer then waits for a sender to finish
  // (or its next poll) before it leases again, so a busy host costs no busy loop.
  int per_host = 4;
  std::chrono::seconds per_host_postpone{0};
  std::chrono::milliseconds poll_interval{200};  // claim at least this often
  int64_t lease_seconds = 120;                   // > request_timeout, with a margin
  std::chrono::milliseconds request_timeout{10000};
  int fanout_batch = 100;  // activities expanded per poll
  RetryPolicy retry;
  // Dead jobs (dropped, kept for operators) are deleted this long after their last attempt;
  // the claimer looks every dead_purge_interval, so the queue never grows without bound.
  std::chrono::seconds dead_job_keep{7 * 24 * 3600};
  std::chrono::seconds dead_purge_interval{600};
  // Per host: after breaker.failures_to_open failures in breaker.window_seconds its jobs wait
  // (without counting attempts) for breaker.open_seconds, then one probes
  // (circuit_breaker.h). A job still waiting breaker_keep after it was queued is dropped.
  CircuitBreakerPolicy breaker;
  std::chrono::seconds breaker_keep{7 * 24 * 3600};
  // Config::rfc9421 (ARTDAG_RFC9421). false: every POST is signed with draft-cavage only,
  // with no RFC 9421 knock, and no peer's style is read or learnt.
  bool rfc9421 = true;
};

// Options from the environment (all optional; tests and benchmarks use them; `rfc9421` comes
// from Config):
//   ARTDAG_DELIVERY_CONCURRENCY      1..256 (32)
//   ARTDAG_DELIVERY_PER_HOST         1..256 (4): POSTs in flight to one host
//   ARTDAG_DELIVERY_TIMEOUT_SECONDS  1..300 (10): one POST, connect included
//   ARTDAG_DELIVERY_LEASE_SECONDS    (120): must exceed the timeout by 2 s or more
//   ARTDAG_DELIVERY_RETRY_SCALE      0..1000 (1): multiplies the retry schedule; 0.01 turns
//                                    days into minutes, 0 retries at once
//   ARTDAG_DELIVERY_MAX_ATTEMPTS     1..1000 (17)
//   ARTDAG_DELIVERY_DEAD_KEEP_SECONDS 0..31536000 (604800): how long dead jobs are kept
//   ARTDAG_DELIVERY_BREAKER_FAILURES  1..1000 (5): failures in the window that open a host's
//                                     circuit breaker
//   ARTDAG_DELIVERY_BREAKER_WINDOW_SECONDS 1..86400 (600)
//   ARTDAG_DELIVERY_BREAKER_OPEN_SECONDS   1..86400 (1800): how long before the probe
// Throws ConfigError with one clear line for a bad value.
DeliveryOptions delivery_options_from_env(const EnvLookup& env);

// How a delivery is signed. RFC 9421 first to a peer not known to refuse it; on a 400 or 401
// at once again with draft-cavage (the "double-knock", as Fedify does); the style that worked
// is remembered per origin in the store, and a draft-cavage peer is asked again after
// kSignatureStyleRecheckSeconds (peers upgrade).

// The headers of one signed delivery POST, in order. draft-cavage: Host, Date, Digest,
// Signature (rsa-sha256 over (request-target) host date digest). RFC 9421: Signature-Input,
// Signature (rsa-v1_5-sha256 over @method @target-uri @authority content-digest; created,
// keyid), Content-Digest (sha-256). Then Content-Type and Accept (application/activity+json).
// Throws std::invalid_argument when `inbox_url` is not an absolute http(s) URL.
net::HeaderList delivery_headers(const std::string& inbox_url, const std::string& payload,
                                 const crypto::RsaKey& key, const std::string& key_id, int64_t now,
                                 SignatureStyle style = SignatureStyle::cavage);

// What the signing reads from a delivery POST's answer.
struct PostAnswer {
  long status = 0;
  std::string retry_after;       // "" when absent
  std::string accept_signature;  // RFC 9421 section 5.1 challenge; "" when absent
};

// The signed POSTs of one delivery attempt and what they taught.
struct SignedAttempt {
  PostAnswer answer;                     // the last POST's
  int posts = 0;                         // how many were sent, at most kMaxSignedPostsPerAttempt
  std::optional<SignatureStyle> learnt;  // the origin's style to remember, when it changed
};

// The first knock, the draft-cavage fallback and one answer to a challenge.
inline constexpr int kMaxSignedPostsPerAttempt = 3;

// One delivery attempt's signing decisions; `post` sends one POST of `payload` to `inbox_url`
// with the given headers and returns its answer (its exceptions pass through). `known` is the
// origin's remembered style. With `rfc9421`: RFC 9421 first unless the origin is known as
// draft-cavage, draft-cavage at once after a 400 or 401, and a 401's Accept-Signature
// answered once (RFC 9421 signed as asked, rfc9421::sign_as_requested) when it asks for a
// signature we can make and have not sent in this attempt; otherwise the challenge is
// passed over. Without: one draft-cavage POST, nothing learnt.
SignedAttempt send_signed(const std::string& inbox_url, const std::string& payload,
                          const crypto::RsaKey& key, const std::string& key_id, int64_t now,
                          std::optional<SignatureStyle> known, bool rfc9421,
                          const std::function<PostAnswer(const net::HeaderList&)>& post);

struct DeliveryStats {
  uint64_t delivered = 0;
  uint64_t retried = 0;
  uint64_t dropped = 0;
  uint64_t released = 0;  // leases given back by stop()
  uint64_t store_errors = 0;
};

class DeliveryWorker {
 public:
  // Jobs to a domain `blocks` names are dropped unsent (blocks may be null).
  DeliveryWorker(store::Store& store, crypto::KeyStore& keys, const activitypub::Uris& uris,
                 DeliveryNotifier& notifier, net::OutboundPolicy policy,
                 DeliveryOptions options = {}, const DomainBlockList* blocks = nullptr);
  ~DeliveryWorker();  // stop()
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();  // starts the threads; once
  void stop();   // idempotent; see above
  void notify() { notifier_.notify(); }

  const std::string& worker_id() const { return worker_id_; }
  const DeliveryOptions& options() const { return options_; }
  DeliveryStats stats() const;
  std::size_t open_breakers() const { return breaker_.open_hosts(); }

  // One attempt at one job: sign, POST (up to kMaxSignedPostsPerAttempt times, see
  // send_signed), read the answer. Touches no queue state; learns the peer's signature style.
  Verdict attempt(const store::DeliveryJob& job) const;

 private:
  void claim_loop();
  bool claim_once();  // true when there may be more to claim right away
  // Deletes dead jobs past dead_job_keep, at most once per dead_purge_interval (claimer only).
  void purge_dead_jobs(int64_t now);
  void send_loop();
  void finish(const store::DeliveryJob& job, const Verdict& verdict);
  // The remembered style of `origin` (nullopt: knock with RFC 9421), and learning one.
  std::optional<SignatureStyle> known_style(const std::string& origin, int64_t now) const;
  void learn_style(const std::string& origin, SignatureStyle style, int64_t now) const;

  store::Store& store_;
  crypto::KeyStore& keys_;
  const activitypub::Uris& uris_;
  DeliveryNotifier& notifier_;
  net::HttpClient client_;
  DeliveryOptions options_;
  const DomainBlockList* blocks_;
  std::string worker_id_;

  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<store::DeliveryJob> queue_;            // leased, not yet picked by a sender
  std::unordered_map<std::string, int> host_load_;  // per inbox origin: queued + in flight
  int64_t last_dead_purge_ = 0;                     // claimer thread only
  CircuitBreaker breaker_;
  // The store's peer_signature_styles as read or learnt by this process.
  mutable std::mutex styles_mutex_;
  mutable std::unordered_map<std::string, store::DeliveryStore::SignatureStyle> styles_;
  int in_flight_ = 0;
  bool closing_ = false;  // senders exit once the queue is empty
  bool started_ = false;
  bool stopped_ = false;
  std::atomic<bool> stopping_{false};
  std::thread claimer_;
  std::vector<std::thread> senders_;

  std::atomic<uint64_t> delivered_{0}, retried_{0}, dropped_{0}, released_{0}, store_errors_{0};
};

}  // namespace artdag::services::federation
