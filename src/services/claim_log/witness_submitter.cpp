#include "services/claim_log/witness_submitter.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "config/config.h"
#include "tlog/cosignature.h"
#include "tlog/tiles.h"
#include "tlog/witness_request.h"
#include "util/text.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::services::claim_log {

namespace {

constexpr auto kPoll = std::chrono::milliseconds(500);
constexpr auto kRequestTimeout = std::chrono::seconds(5);

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::uint64_t size = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return size;
}

}  // namespace

WitnessSubmitter::WitnessSubmitter(store::LogStore& store, TileRoots& roots,
                                   net::OutboundPolicy policy, std::vector<WitnessTarget> witnesses)
    : store_(store),
      roots_(roots),
      client_(std::move(policy)),
      witnesses_(std::move(witnesses)),
      known_(witnesses_.size()) {}

WitnessSubmitter::~WitnessSubmitter() {
  stop();
}

std::vector<WitnessTarget> WitnessSubmitter::parse_witnesses(std::string_view setting) {
  std::vector<WitnessTarget> out;
  std::size_t at = 0;
  while (at <= setting.size()) {
    const std::size_t comma = setting.find(',', at);
    const std::string entry(trim_ascii_space(
        setting.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at)));
    at = comma == std::string_view::npos ? setting.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    const std::size_t space = entry.find_first_of(" \t");
    const auto fail = [&](const std::string& why) {
      return ConfigError("ARTDAG_WITNESSES: '" + entry + "' " + why +
                         " (expected \"<cosigner verifier key> <URL>\")");
    };
    if (space == std::string::npos) throw fail("has no URL");
    auto key = tlog::parse_verifier_key(entry.substr(0, space));
    if (!key) throw fail("has no verifier key: " + key.error());
    if (key->type != tlog::kSignatureTypeCosignatureV1) throw fail("is not a cosigner key (0x04)");
    auto url = normalize_server_url(trim_ascii_space(std::string_view(entry).substr(space + 1)));
    if (!url) throw fail("has no http(s) URL");
    out.push_back({std::move(*key), std::move(*url)});
  }
  return out;
}

void WitnessSubmitter::submit_once(int64_t now) {
  if (witnesses_.empty()) return;
  const auto latest = store_.latest_checkpoint();
  if (!latest) return;
  for (std::size_t i = 0; i < witnesses_.size(); ++i) {
    {
      std::lock_guard lock(mutex_);
      const Known& k = known_[i];
      if (k.size && *k.size >= static_cast<std::uint64_t>(latest->size)) continue;
      if (now < k.retry_at) continue;
    }
    submit_to(i, *latest, now);
  }
}

void WitnessSubmitter::submit_to(std::size_t i, const store::LogCheckpoint& latest, int64_t now) {
  const WitnessTarget& witness = witnesses_[i];
  const auto size = static_cast<std::uint64_t>(latest.size);
  auto note = tlog::parse_note(latest.note);
  std::string error;
  // Twice at most: a 409 tells the size the witness holds, and the second request uses it.
  for (int attempt = 0; attempt < 2 && error.empty(); ++attempt) {
    std::uint64_t old_size = 0;
    {
      std::lock_guard lock(mutex_);
      old_size = known_[i].size.value_or(0);
    }
    if (old_size > size) {
      error = "the witness cosigned size " + std::to_string(old_size) +
              ", beyond our latest checkpoint";
      break;
    }
    std::vector<tlog::Hash> proof;
    if (old_size > 0 && old_size < size) {
      StoredTiles tiles(store_, roots_);
      proof = tlog::consistency_proof_from_tiles(tiles, old_size, size);
    }
    net::RequestOptions options;
    options.timeout = kRequestTimeout;
    options.max_response_bytes = 64 * 1024;
    options.allow_private_addresses = true;  // the operator named it
    net::HttpResponse response;
    try {
      response = client_.request(
          "POST", witness.url + "/add-checkpoint", {{"Content-Type", "text/plain; charset=utf-8"}},
          tlog::format_add_checkpoint_request(old_size, proof, latest.note), options);
    } catch (const net::FetchError& e) {
      error = e.what();
      break;
    }
    if (response.status == 409) {
      auto held = parse_size(response.body);
      if (!held) {
        error = "a 409 without a size";
        break;
      }
      std::lock_guard lock(mutex_);
      known_[i].size = *held;
      continue;
    }
    if (response.status != 200) {
      error = "answered " + std::to_string(response.status) + ": " + response.body.substr(0, 200);
      break;
    }
    const std::string line = response.body.substr(0, response.body.find('\n') + 1);
    auto cosignature = tlog::parse_cosignature_line(line);
    if (!cosignature || !note || !tlog::verify_cosignature(witness.key, note->text, *cosignature)) {
      error = "its answer is not a valid cosignature by its key";
      break;
    }
    store_.add_cosignature(latest.size, witness.key.name, line,
                           static_cast<int64_t>(cosignature->timestamp));
    std::lock_guard lock(mutex_);
    known_[i] = Known{size, 0, ""};
    return;
  }
  std::lock_guard lock(mutex_);
  Known& k = known_[i];
  if (k.last_error != error)
    spdlog::warn("witness {}: {}; trying again every {} s", witness.key.name, error, kRetrySeconds);
  k.last_error = error;
  k.retry_at = now + kRetrySeconds;
}

void WitnessSubmitter::start() {
  std::lock_guard lock(mutex_);
  if (witnesses_.empty() || thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void WitnessSubmitter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WitnessSubmitter::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kPoll, [this] { return stopping_; });
      if (stopping_) return;
    }
    try {
      submit_once(unix_now());
    } catch (const std::exception& e) {
      spdlog::warn("witness submission failed: {}", e.what());
    }
  }
}

std::vector<WitnessSubmitter::WitnessStatus> WitnessSubmitter::status() const {
  std::lock_guard lock(mutex_);
  std::vector<WitnessStatus> out;
  for (std::size_t i = 0; i < witnesses_.size(); ++i)
    out.push_back({witnesses_[i].key.name, known_[i].size, known_[i].last_error});
  return out;
}

}  // namespace artdag::services::claim_log
