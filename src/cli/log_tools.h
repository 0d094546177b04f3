#pragma once
// The tools for people who check the registry from outside, built only on the pure verifier
// code (tlog/, activitypub/) and an HTTP client: proving one claim is in the log
// (`verify --log`, `verify --proof`), and monitoring the whole log (`log-monitor`): the
// checkpoint's signature, consistency with what was seen before, every new entry well formed,
// signed by its actor, and no content hash claimed twice.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "net/http_client.h"
#include "util/json.h"

namespace artdag::cli {

// A failed check: the message names what failed (and the index, for entries).
struct CheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Fetches with the server's outbound rules; FetchError or a non-200 answer is CheckFailed.
class LogClient {
 public:
  explicit LogClient(net::OutboundPolicy policy) : http_(std::move(policy)) {}
  // `accept`: the Accept header to send ("": none).
  std::string get(const std::string& url, std::size_t max_bytes = 16 * 1024 * 1024,
                  const std::string& accept = "") const;
  Json get_json(const std::string& url, const std::string& accept = "") const;

 private:
  net::HttpClient http_;
};

// The log's verifier key: `given` when set; else the one pinned for `prefix` in `pin_file`;
// else fetched from `prefix/key` and pinned there (trust on first use). A fetched key that
// differs from the pinned one is CheckFailed.
std::string resolve_log_key(const LogClient& client, const std::string& prefix,
                            const std::string& given, const std::filesystem::path& pin_file);

struct InclusionResult {
  uint64_t index = 0;
  uint64_t checkpoint_size = 0;
};
// Proves `activity` (its canonical bytes) is in the log whose verifier key is `log_key`, with
// `proof_text` (a c2sp.org/tlog-proof@v1). CheckFailed otherwise.
InclusionResult verify_inclusion_proof(const Json& activity, const std::string& proof_text,
                                       const std::string& log_key);

struct MonitorOptions {
  std::string prefix;  // BASE/log
  std::string log_key;
  std::filesystem::path state_file;
  // false: every entry is still parsed, canonical, hashed into the tree and checked for
  // duplicate claims, but no claim signature is verified (and no actor fetched).
  bool check_signatures = true;
  unsigned threads = 0;  // threads checking entries; 0: one per core
  // Progress lines (entries done, total) on long runs; may be empty.
  std::function<void(uint64_t done, uint64_t total)> progress;
};
struct MonitorResult {
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  uint64_t entries_checked = 0;
};
// One monitoring pass; the new state is written only when every check passed.
MonitorResult monitor_log(const LogClient& client, const MonitorOptions& options);

}  // namespace artdag::cli
