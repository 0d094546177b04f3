#include "services/federation/delivery.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <stdexcept>

#include "activitypub/http_signature.h"
#include "activitypub/message_signature.h"
#include "activitypub/remote_documents.h"
#include "crypto/hash.h"
#include "crypto/rsa_key.h"
#include "services/worker_id.h"
#include "util/error.h"
#include "util/metrics.h"
#include "util/time.h"

namespace artdag::services::federation {

namespace {

constexpr const char* kActivityJson = "application/activity+json";
// Answers to deliveries are read only for their status: keep them small.
constexpr std::size_t kMaxAnswerBytes = 256 * 1024;

double jitter_draw() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

// Origins whose signature style this process keeps in memory (beyond: read again).
constexpr std::size_t kMaxRememberedStyles = 100000;

// The per-host limit's key: the inbox's origin (a URL that has none is its own key).
std::string host_key(const std::string& inbox_url) {
  return activitypub::url_origin(inbox_url).value_or(inbox_url);
}

}  // namespace

DeliveryOptions delivery_options_from_env(const EnvLookup& env) {
  DeliveryOptions o;
  o.concurrency =
      static_cast<int>(integer_setting(env, "ARTDAG_DELIVERY_CONCURRENCY", o.concurrency, 1, 256));
  o.per_host =
      static_cast<int>(integer_setting(env, "ARTDAG_DELIVERY_PER_HOST", o.per_host, 1, 256));
  const int64_t timeout = integer_setting(env, "ARTDAG_DELIVERY_TIMEOUT_SECONDS",
                                          o.request_timeout.count() / 1000, 1, 300);
  o.request_timeout = std::chrono::seconds(timeout);
  o.lease_seconds =
      integer_setting(env, "ARTDAG_DELIVERY_LEASE_SECONDS",
                      std::max<int64_t>(o.lease_seconds, timeout + 2), 1, 7 * 24 * 3600);
  if (o.lease_seconds < timeout + 2)
    throw ConfigError("ARTDAG_DELIVERY_LEASE_SECONDS must exceed the delivery timeout (" +
                      std::to_string(timeout) + " s) by at least 2 s, got " +
                      std::to_string(o.lease_seconds));
  o.retry.scale = decimal_setting(env, "ARTDAG_DELIVERY_RETRY_SCALE", o.retry.scale, 0, 1000);
  o.retry.max_attempts = static_cast<int>(
      integer_setting(env, "ARTDAG_DELIVERY_MAX_ATTEMPTS", o.retry.max_attempts, 1, 1000));
  o.dead_job_keep = std::chrono::seconds(integer_setting(
      env, "ARTDAG_DELIVERY_DEAD_KEEP_SECONDS", o.dead_job_keep.count(), 0, 365 * 24 * 3600));
  o.breaker.failures_to_open = static_cast<int>(integer_setting(
      env, "ARTDAG_DELIVERY_BREAKER_FAILURES", o.breaker.failures_to_open, 1, 1000));
  o.breaker.window_seconds = integer_setting(env, "ARTDAG_DELIVERY_BREAKER_WINDOW_SECONDS",
                                             o.breaker.window_seconds, 1, 86400);
  o.breaker.open_seconds = integer_setting(env, "ARTDAG_DELIVERY_BREAKER_OPEN_SECONDS",
                                           o.breaker.open_seconds, 1, 86400);
  return o;
}

net::HeaderList delivery_headers(const std::string& inbox_url, const std::string& payload,
                                 const crypto::RsaKey& key, const std::string& key_id, int64_t now,
                                 SignatureStyle style) {
  net::HeaderList headers;
  if (style == SignatureStyle::rfc9421) {
    auto signed_request = activitypub::rfc9421::sign_request(
        "POST", inbox_url, std::string_view(payload), key, key_id, now);
    for (auto& field : signed_request.fields()) headers.push_back(std::move(field));
  } else {
    auto signed_headers =
        activitypub::sign_request("POST", inbox_url, std::string_view(payload), key, key_id, now);
    for (auto& field : signed_headers.fields()) headers.push_back(std::move(field));
  }
  headers.emplace_back("Content-Type", kActivityJson);
  headers.emplace_back("Accept", kActivityJson);
  return headers;
}

DeliveryWorker::DeliveryWorker(store::Store& store, crypto::KeyStore& keys,
                               const activitypub::Uris& uris, DeliveryNotifier& notifier,
                               net::OutboundPolicy policy, DeliveryOptions options,
                               const DomainBlockList* blocks)
    : store_(store),
      keys_(keys),
      uris_(uris),
      notifier_(notifier),
      client_(std::move(policy)),
      options_(std::move(options)),
      blocks_(blocks),
      worker_id_(services::make_worker_id()),
      breaker_(options_.breaker) {
  options_.concurrency = std::max(options_.concurrency, 1);
  options_.fanout_batch = std::max(options_.fanout_batch, 1);
}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  for (int i = 0; i < options_.concurrency; ++i) senders_.emplace_back([this] { send_loop(); });
  claimer_ = std::thread([this] { claim_loop(); });
  spdlog::info("delivery worker {} started ({} senders, lease {} s)", worker_id_,
               options_.concurrency, options_.lease_seconds);
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_ || stopped_) return;
    stopped_ = true;
  }
  stopping_ = true;
  notifier_.notify();
  if (claimer_.joinable()) claimer_.join();

  // No more claims. Leased jobs no sender has picked up go back to the queue, due now.
  std::deque<store::DeliveryJob> unsent;
  {
    std::lock_guard lock(mutex_);
    unsent.swap(queue_);
    host_load_.clear();
    closing_ = true;
  }
  work_.notify_all();
  const int64_t now = unix_now();
  for (const auto& job : unsent) {
    try {
      store_.retry_delivery(job.id, now, "not sent: server stopping");
      ++released_;
    } catch (const std::exception& e) {
      ++store_errors_;
      spdlog::warn("delivery: could not release job {} ({}); its lease expires in {} s", job.id,
                   e.what(), options_.lease_seconds);
    }
  }
  // In-flight POSTs end within request_timeout.
  for (auto& t : senders_)
    if (t.joinable()) t.join();
  auto s = stats();
  spdlog::info("delivery worker stopped: {} delivered, {} retried, {} dropped, {} released",
               s.delivered, s.retried, s.dropped, s.released);
}

DeliveryStats DeliveryWorker::stats() const {
  return {delivered_.load(), retried_.load(), dropped_.load(), released_.load(),
          store_errors_.load()};
}

void DeliveryWorker::claim_loop() {
  auto last_error_log = std::chrono::steady_clock::time_point{};
  while (!stopping_) {
    bool more = false;
    try {
      more = claim_once();
    } catch (const std::exception& e) {
      // The database is away (StoreUnavailable) or a query failed: try again next poll.
      ++store_errors_;
      auto now = std::chrono::steady_clock::now();
      if (now - last_error_log > std::chrono::seconds(30)) {
        spdlog::warn("delivery: cannot read the queue: {}", e.what());
        last_error_log = now;
      }
    }
    if (stopping_) break;
    if (!more) notifier_.wait_for(options_.poll_interval);
  }
}

void DeliveryWorker::purge_dead_jobs(int64_t now) {
  if (now - last_dead_purge_ < options_.dead_purge_interval.count()) return;
  last_dead_purge_ = now;
  const int64_t purged = store_.purge_dead_deliveries(now - options_.dead_job_keep.count());
  if (purged > 0) spdlog::info("delivery: purged {} dead jobs", purged);
}

bool DeliveryWorker::claim_once() {
  const int64_t now = unix_now();
  purge_dead_jobs(now);
  const int64_t created = store_.expand_fanouts(now, options_.fanout_batch);
  int idle = 0;
  {
    std::lock_guard lock(mutex_);
    idle = options_.concurrency - in_flight_ - static_cast<int>(queue_.size());
  }
  // No idle sender: a finishing one pokes the notifier.
  if (idle <= 0) return false;
  auto jobs = store_.claim_deliveries(worker_id_, now, now + options_.lease_seconds, idle);
  std::vector<int64_t> postponed;
  std::map<int64_t, std::vector<int64_t>> waiting;  // an open breaker's jobs, by when it may probe
  std::vector<int64_t> expired;
  if (!jobs.empty()) {
    std::lock_guard lock(mutex_);
    for (auto& job : jobs) {
      const std::string host = host_key(job.inbox_url);
      int& load = host_load_[host];
      if (load >= options_.per_host) {
        postponed.push_back(job.id);
        continue;
      }
      // Only a job that will be sent may be the probe: the load check comes first.
      if (auto until = breaker_.wait_until(host, now)) {
        if (load == 0) host_load_.erase(host);
        if (job.created_at > 0 && now - job.created_at >= options_.breaker_keep.count())
          expired.push_back(job.id);
        else
          waiting[*until].push_back(job.id);
        continue;
      }
      ++load;
      queue_.push_back(std::move(job));
    }
  }
  work_.notify_all();
  for (const auto& [until, ids] : waiting) store_.postpone_deliveries(ids, until);
  for (int64_t id : expired) {
    store_.drop_delivery(id, "its host failed for longer than the keep time (circuit open)");
    ++dropped_;
    metrics::delivery_attempted("dropped", "circuit_open");
  }
  if (!postponed.empty()) {
    store_.postpone_deliveries(postponed, now + options_.per_host_postpone.count());
    return false;  // a sender finishing pokes the claimer
  }
  return created > 0 || static_cast<int>(jobs.size()) == idle;
}

void DeliveryWorker::send_loop() {
  for (;;) {
    store::DeliveryJob job;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++in_flight_;
    }
    Verdict verdict = attempt(job);
    finish(job, verdict);
    {
      std::lock_guard lock(mutex_);
      --in_flight_;
      auto load = host_load_.find(host_key(job.inbox_url));
      if (load != host_load_.end() && --load->second <= 0) host_load_.erase(load);
    }
    notifier_.notify();  // a sender is idle: claim more
  }
}

namespace {

bool refused(long status) {
  return status == 400 || status == 401;
}
bool accepted(long status) {
  return status >= 200 && status < 300;
}

// The headers answering `accept_signature`: the first member we can sign, unless a member
// asks for a signature already sent (the refusal was not about what it covered, so signing
// it again would only be refused again). nullopt: not to be answered.
std::optional<net::HeaderList> challenge_answer(const std::string& accept_signature,
                                                const std::vector<std::string>& sent_inputs,
                                                const std::string& inbox_url,
                                                const std::string& payload,
                                                const crypto::RsaKey& key,
                                                const std::string& key_id, int64_t now) {
  namespace sig = activitypub::rfc9421;
  const auto requests = sig::parse_accept_signature(accept_signature);
  if (!requests) return std::nullopt;
  for (const auto& request : *requests)
    for (const auto& input : sent_inputs)
      if (sig::fulfils(input, request)) return std::nullopt;
  const activitypub::HeaderFields content{{"Content-Type", kActivityJson},
                                          {"Accept", kActivityJson}};
  for (const auto& request : *requests) {
    auto answer = sig::sign_as_requested(request, "POST", inbox_url, std::string_view(payload),
                                         content, key, key_id, now);
    if (!answer) {
      spdlog::debug("delivery to {}: cannot sign as asked ({})", inbox_url, answer.detail);
      continue;
    }
    net::HeaderList headers;
    for (auto& field : answer.value->fields()) headers.push_back(std::move(field));
    headers.insert(headers.end(), content.begin(), content.end());
    return headers;
  }
  return std::nullopt;
}

}  // namespace

SignedAttempt send_signed(const std::string& inbox_url, const std::string& payload,
                          const crypto::RsaKey& key, const std::string& key_id, int64_t now,
                          std::optional<SignatureStyle> known, bool rfc9421,
                          const std::function<PostAnswer(const net::HeaderList&)>& post) {
  SignedAttempt out;
  std::vector<std::string> sent_inputs;  // Signature-Input of each RFC 9421 POST sent
  bool challenge_answered = false;
  const auto send = [&](const net::HeaderList& headers) {
    for (const auto& [name, value] : headers)
      if (name == "Signature-Input") sent_inputs.push_back(value);
    ++out.posts;
    out.answer = post(headers);
  };
  const auto send_style = [&](SignatureStyle style) {
    send(delivery_headers(inbox_url, payload, key, key_id, now, style));
  };
  // Once per attempt, and only for a 401 (RFC 9421 section 5.1 pairs the challenge with it).
  const auto answer_challenge = [&] {
    if (challenge_answered || out.answer.status != 401 || out.answer.accept_signature.empty())
      return false;
    auto headers = challenge_answer(out.answer.accept_signature, sent_inputs, inbox_url, payload,
                                    key, key_id, now);
    if (!headers) return false;
    challenge_answered = true;
    send(*headers);
    return true;
  };

  if (!rfc9421) {
    send_style(SignatureStyle::cavage);
    return out;
  }
  if (known != SignatureStyle::cavage) {
    send_style(SignatureStyle::rfc9421);
    if (refused(out.answer.status)) answer_challenge();
    if (!refused(out.answer.status)) {
      if (known != SignatureStyle::rfc9421 && accepted(out.answer.status))
        out.learnt = SignatureStyle::rfc9421;
      return out;
    }
  }
  send_style(SignatureStyle::cavage);
  if (accepted(out.answer.status)) {
    if (known != SignatureStyle::cavage) out.learnt = SignatureStyle::cavage;
  } else if (answer_challenge() && accepted(out.answer.status) &&
             known != SignatureStyle::rfc9421) {
    out.learnt = SignatureStyle::rfc9421;
  }
  return out;
}

Verdict DeliveryWorker::attempt(const store::DeliveryJob& job) const {
  const int64_t now = unix_now();
  if (blocks_ && blocks_->blocks_url(job.inbox_url))
    return {Outcome::kDrop, "domain blocked", std::nullopt, "blocked"};
  try {
    const auto sender = keys_.current(job.sender);
    const std::string origin = host_key(job.inbox_url);
    // Without RFC 9421 there is nothing to choose, so nothing is read or learnt.
    const auto known = options_.rfc9421 ? known_style(origin, now) : std::nullopt;
    net::RequestOptions request;
    request.timeout = options_.request_timeout;
    request.max_response_bytes = kMaxAnswerBytes;
    request.max_redirects = 0;
    auto attempt = send_signed(
        job.inbox_url, job.payload, sender.rsa, uris_.key_id(job.sender, sender.generation), now,
        known, options_.rfc9421, [&](const net::HeaderList& headers) {
          auto response = client_.request("POST", job.inbox_url, headers, job.payload, request);
          return PostAnswer{response.status, response.header("retry-after"),
                            response.header("accept-signature")};
        });
    if (attempt.learnt) learn_style(origin, *attempt.learnt, now);
    return classify_response(attempt.answer.status, attempt.answer.retry_after, unix_now());
  } catch (const net::FetchError& e) {
    return classify_fetch_error(e.kind(), e.what());
  } catch (const std::invalid_argument& e) {
    // sign_request: the inbox is not an absolute http(s) URL. It never will be.
    return {Outcome::kDrop, std::string("bad inbox URL: ") + e.what(), std::nullopt, "bad_url"};
  } catch (const crypto::CryptoError& e) {
    // The sender's key cannot be read (permissions, a disk problem): an operator can fix it.
    return {Outcome::kRetry, std::string("signing key unavailable: ") + e.what(), std::nullopt,
            "signing"};
  } catch (const std::exception& e) {
    return {Outcome::kRetry, e.what(), std::nullopt, "error"};
  }
}

std::optional<SignatureStyle> DeliveryWorker::known_style(const std::string& origin,
                                                          int64_t now) const {
  std::optional<store::DeliveryStore::SignatureStyle> entry;
  {
    std::lock_guard lock(styles_mutex_);
    if (auto it = styles_.find(origin); it != styles_.end()) entry = it->second;
  }
  if (!entry) {
    entry = store_.signature_style(origin).value_or(store::DeliveryStore::SignatureStyle{});
    std::lock_guard lock(styles_mutex_);
    if (styles_.size() >= kMaxRememberedStyles) styles_.clear();
    styles_.emplace(origin, *entry);
  }
  return remembered_style(entry, now);
}

void DeliveryWorker::learn_style(const std::string& origin, SignatureStyle style,
                                 int64_t now) const {
  const std::string name = style == SignatureStyle::rfc9421 ? "rfc9421" : "cavage";
  {
    std::lock_guard lock(styles_mutex_);
    styles_[origin] = {name, now};
  }
  try {
    store_.remember_signature_style(origin, name, now);
  } catch (const std::exception& e) {
    // Only the memory is lost: the next process knocks twice once more.
    spdlog::warn("delivery: could not remember that {} takes {}: {}", origin, name, e.what());
  }
}

void DeliveryWorker::finish(const store::DeliveryJob& job, const Verdict& verdict) {
  const int64_t now = unix_now();
  breaker_.record(host_key(job.inbox_url),
                  CircuitBreaker::result_of(verdict.outcome == Outcome::kDelivered, verdict.kind),
                  now);
  metrics::delivery_breakers_open(breaker_.open_hosts());
  Decision d = decide(verdict, job.attempts, options_.retry, now, jitter_draw());
  try {
    switch (d.action) {
      case Action::kComplete:
        store_.complete_delivery(job.id);
        ++delivered_;
        metrics::delivery_attempted("delivered", "");
        spdlog::info("delivery {}: delivered to {}", job.id, job.inbox_url);
        break;
      case Action::kRetry:
        store_.retry_delivery(job.id, d.next_attempt_at, d.error);
        ++retried_;
        metrics::delivery_attempted("retry", verdict.kind);
        spdlog::info("delivery {}: {} answered '{}'; attempt {} in {} s", job.id, job.inbox_url,
                     d.error, job.attempts + 2, d.next_attempt_at - now);
        break;
      case Action::kDrop:
        store_.drop_delivery(job.id, d.error);
        ++dropped_;
        // Given up after retries, or refused for good (a 4xx, a blocked domain).
        metrics::delivery_attempted(verdict.outcome == Outcome::kRetry ? "dead" : "dropped",
                                    verdict.kind);
        spdlog::info("delivery {}: dropped delivery to {}: {}", job.id, job.inbox_url, d.error);
        break;
    }
  } catch (const std::exception& e) {
    // The outcome is lost; the lease runs out and the job is tried again (at-least-once).
    ++store_errors_;
    spdlog::warn("delivery {}: could not record the outcome ({}); retried after the lease", job.id,
                 e.what());
  }
}

}  // namespace artdag::services::federation
