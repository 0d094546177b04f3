#pragma once
// Server configuration: the table of settings in README.md plus CLI flags.
// load_config() is pure (environment passed in) so it can be unit-tested; resolving the
// JWT secret touches the file system and lives apart in resolve_jwt_secret().
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/net.h"

namespace artdag {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Abuse limits on the listener and on login/registration (docs/decisions.md "Limits").
// A count of 0 switches that limit off.
struct Limits {
  int auth_attempts_per_ip = 10;          // logins + registrations per client address...
  int auth_ip_window_seconds = 60;        // ...per this many seconds
  int failed_logins_per_account = 5;      // failed logins per username and client key...
  int failed_login_window_seconds = 900;  // ...per this many seconds (then it unlocks)
  // Failed logins to one account from all addresses together, per the same window: over
  // it, only addresses without failures on that account may still try.
  int failed_logins_account_wide = 100;
  int max_connections_per_ip = 256;  // concurrent connections per client address (IPv6: /64)
  int max_connections = 10000;       // concurrent connections in all (ServerOptions)
  int request_timeout_seconds = 15;  // to read one whole request (cuts slow-loris)
  // How long a public GET answer may be repeated from memory (http/response_cache.h); this
  // process's own writes invalidate at once, so it bounds only other processes' writes. 0: off.
  int response_cache_ms = 1000;
  // Inbox POSTs whose signer is not cached need a remote fetch; those are limited before
  // the fetch, per client address and per claimed actor host (docs/decisions.md "Inbox
  // abuse"). 0 switches a limit off.
  int inbox_fetches_per_ip = 60;          // per client address...
  int inbox_fetches_per_host = 30;        // ...and per actor host...
  int inbox_fetch_window_seconds = 300;   // ...per this many seconds
  int actor_fetch_timeout_seconds = 3;    // one signer fetch, DNS and redirects included
  int actor_fetch_failure_seconds = 300;  // a failed host / actor is not asked again for this long
  int actor_fetch_threads = 4;            // the signer-fetch pool (never the request workers)
  int followers_per_remote_host = 5000;   // followers of one local user on one remote host
};

struct Config {
  std::string domain = "artdag.rose-ash.com";
  std::string base_url;  // normalised, no trailing slash: "https://artdag.rose-ash.com"
  std::string instance_user = "giles";
  std::filesystem::path data_dir;
  std::string database_url;             // empty: SQLite file in the data dir
  std::vector<std::string> l1_servers;  // normalised (util/url.h normalize_server_url)
  // The logs this server witnesses: their verifier keys, as given (ARTDAG_WITNESS_FOR;
  // parsed by the witness service, which knows the format).
  std::string witness_for;
  // The witnesses this server's log is submitted to, as given (ARTDAG_WITNESSES).
  std::string witnesses;
  // RFC 9421 HTTP Message Signatures (ARTDAG_RFC9421, default 1). 0 makes this server a
  // draft-cavage-only peer: deliveries are signed only with draft-cavage, and inbox requests
  // signed with RFC 9421 are refused (401) as a server that does not know it would.
  bool rfc9421 = true;
  std::string jwt_secret;  // filled by resolve_jwt_secret()
  std::string host = "0.0.0.0";
  uint16_t port = 8200;
  std::vector<Cidr> allow_private_networks;
  // Who may read GET /metrics: clients from these addresses (ARTDAG_METRICS_ALLOW, default
  // loopback only; "none" allows no address), or anyone with the bearer token
  // ARTDAG_METRICS_TOKEN (none by default).
  std::vector<Cidr> metrics_allow;
  std::string metrics_token;
  // The home page lists the blocked domains with their reasons (ARTDAG_PUBLISH_DOMAIN_BLOCKS,
  // default 0: an operator's choice, as on Mastodon's /about).
  bool publish_domain_blocks = false;
  // ARTDAG_AUTHORIZED_FETCH=1: ActivityPub documents (actors, collections, objects,
  // activities) answer only GETs signed by an actor of a domain we do not block.
  bool authorized_fetch = false;
  std::string allow_private_networks_text;  // as given, for logs
  Limits limits;

  std::filesystem::path keys_dir() const { return data_dir / "keys"; }
  // The claim log's own keys; no username can name this folder (usernames have no '-').
  std::filesystem::path log_keys_dir() const { return data_dir / "log-keys"; }
  std::filesystem::path sqlite_path() const { return data_dir / "l2.db"; }
  // What open_store() takes: the PostgreSQL URL or the SQLite file path.
  std::string store_location() const;
  bool uses_postgresql() const { return !database_url.empty(); }
  // The URL with any password replaced by "***", for logs and error lines.
  std::string database_url_for_logs() const;
};

// Values given on the command line win over the environment.
struct ConfigOverrides {
  std::optional<std::string> host;
  std::optional<uint16_t> port;
  std::optional<std::string> data_dir;
  std::optional<std::string> user;
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup process_env();

// Reading one setting, the same way for every part that has settings: trimmed, unset when
// empty; a value out of range is a ConfigError naming the setting and what it must be.
std::optional<std::string> read_setting(const EnvLookup& env, const char* name);
int64_t integer_setting(const EnvLookup& env, const char* name, int64_t fallback, int64_t min,
                        int64_t max);
double decimal_setting(const EnvLookup& env, const char* name, double fallback, double min,
                       double max);

// Throws ConfigError with one clear line for any bad setting.
Config load_config(const EnvLookup& env, const ConfigOverrides& overrides = {});

// Makes the data dir (0700 when new) and checks it is writable; throws ConfigError.
void prepare_data_dir(const Config& config);

struct JwtSecretSource {
  std::string secret;
  std::string origin;  // "JWT_SECRET", "/run/secrets/jwt_secret", "generated", "data dir"
};

// JWT_SECRET, then the Docker secret file, then `$ARTDAG_DATA/jwt_secret` (generated with
// 0600 on first start). Throws ConfigError when a source exists but is unusable.
JwtSecretSource resolve_jwt_secret(
    const EnvLookup& env, const std::filesystem::path& data_dir,
    const std::filesystem::path& docker_secret_path = "/run/secrets/jwt_secret");

}  // namespace artdag
