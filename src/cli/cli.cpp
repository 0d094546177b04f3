#include "cli/cli.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "activitypub/integrity_proof.h"
#include "activitypub/ld_signature.h"
#include "activitypub/multikey.h"
#include "activitypub/remote_documents.h"
#include "app/serve.h"
#include "cli/claims_audit.h"
#include "cli/claims_command.h"
#include "cli/log_tools.h"
#include "config/config.h"
#include "crypto/hash.h"
#include "crypto/key_store.h"
#include "crypto/password.h"
#include "net/http_client.h"
#include "services/outbound_policy.h"
#include "services/services.h"
#include "store/store.h"
#include "util/error.h"
#include "util/json.h"
#include "util/text.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::cli {

namespace {

// A failure that stops a command with one clear line on stderr.
struct Fatal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void setup_logging() {
  auto logger = spdlog::stderr_color_mt("artdag");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::info);
  if (const char* level = std::getenv("ARTDAG_LOG_LEVEL"))
    spdlog::set_level(spdlog::level::from_str(level));
}

Config load(const ConfigOverrides& overrides) {
  Config config = load_config(process_env(), overrides);
  prepare_data_dir(config);
  return config;
}

std::unique_ptr<store::Store> open_and_migrate(const Config& config) {
  try {
    auto store = store::open_store(config.store_location());
    int version = store->migrate();
    spdlog::info("database {} at schema version {}", config.database_url_for_logs(), version);
    return store;
  } catch (const StoreUnavailable& e) {
    throw Fatal("cannot use database " + config.database_url_for_logs() + ": " + e.what());
  }
}

// Reads a password from --password-file, or from stdin (without echo on a terminal).
std::string read_password(const std::string& password_file) {
  std::string password;
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    if (!in) throw Fatal("cannot read " + password_file);
    std::getline(in, password);
    return password;
  }
  termios old_mode{};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (tty) {
    std::cerr << "Password: " << std::flush;
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::getline(std::cin, password);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
    std::cerr << "\n";
  }
  return password;
}

int serve(const ConfigOverrides& overrides) {
  auto started = std::chrono::steady_clock::now();
  Config config = load(overrides);
  auto secret = resolve_jwt_secret(process_env(), config.data_dir);
  if (secret.origin == "generated")
    spdlog::warn("JWT_SECRET not set and no /run/secrets/jwt_secret: generated one in {}",
                 (config.data_dir / "jwt_secret").string());
  config.jwt_secret = secret.secret;
  auto store = open_and_migrate(config);
  return app::serve(std::move(config), std::move(store), started);
}

int setup_keys(const ConfigOverrides& overrides) {
  Config config = load(overrides);
  crypto::KeyStore keys(config.keys_dir());
  if (keys.exists(config.instance_user))
    throw Fatal("keys for '" + config.instance_user + "' already exist in " +
                config.keys_dir().string() + "; refusing to overwrite");
  keys.create(config.instance_user);
  std::cout << "created " << (config.keys_dir() / (config.instance_user + ".pem")).string()
            << " (private, 0600) and " << (config.instance_user + ".pub") << "\n";
  return 0;
}

int migrate(const ConfigOverrides& overrides) {
  Config config = load(overrides);
  open_and_migrate(config);
  return 0;
}

services::Services offline_services(const ConfigOverrides& overrides) {
  Config config = load(overrides);
  config.jwt_secret = resolve_jwt_secret(process_env(), config.data_dir).secret;
  auto store = open_and_migrate(config);
  return services::Services(std::move(config), std::move(store));
}

// The actor document `verify` checks a claim against, fetched with the outbound rules of the
// server: its RSA keys (the claim signature: the one its signature.creator names, every key
// generation stays published) and its Ed25519 assertionMethod keys (the FEP-8b32 proof).
Json fetch_actor_document(const std::string& actor_url) {
  net::HttpClient client(services::outbound_policy(load_config(process_env())));
  net::RequestOptions options;
  options.max_redirects = 3;
  net::HttpResponse response;
  try {
    response = client.get(actor_url, {{"Accept", "application/activity+json"}}, options);
  } catch (const net::FetchError& e) {
    throw Fatal("cannot fetch " + actor_url + ": " + e.what());
  }
  if (response.status != 200)
    throw Fatal("fetching " + actor_url + " answered HTTP " + std::to_string(response.status));
  Json actor = Json::parse(response.body, nullptr, false);
  auto document = activitypub::read_actor_document(actor, actor_url);
  if (!document) throw Fatal(actor_url + " is not a usable actor: " + document.error);
  return actor;
}

// The FEP-8b32 proof of a claim, when it has one: checked with `actor`'s assertionMethod key
// (from --actor) or `proof_key` (--proof-key, a publicKeyMultibase). Prints one line saying
// what was checked; false only when a proof is there and fails.
bool check_claim_proof(const Json& activity, const Json& actor, const std::string& proof_key) {
  if (!activity.contains("proof")) {
    std::cout << "no FEP-8b32 proof (claims made before proofs carry none)\n";
    return true;
  }
  std::optional<crypto::Ed25519PublicKey> given;
  if (!proof_key.empty()) {
    given = activitypub::parse_ed25519_public_key_multibase(trim_ascii_space(proof_key));
    if (!given) throw Fatal("--proof-key is not an Ed25519 publicKeyMultibase (z6Mk...)");
  }
  if (!given && actor.is_null()) {
    std::cout << "FEP-8b32 proof not checked (give --actor or --proof-key to check it)\n";
    return true;
  }
  const auto proof = activitypub::verify_activity_proof(
      activity, [&](std::string_view id) -> std::optional<crypto::Ed25519PublicKey> {
        if (given) return given;
        if (activitypub::without_fragment(id) != actor.value("id", std::string())) return {};
        return activitypub::find_ed25519_assertion_key(actor, id);
      });
  if (!proof.ok()) {
    std::cout << "invalid FEP-8b32 proof: " << proof.detail << "\n";
    return false;
  }
  std::cout << "valid FEP-8b32 proof (eddsa-jcs-2022) by " << proof.verification_method << "\n";
  return true;
}

// Where a claim's log inclusion comes from: a saved proof, or the log itself.
struct LogCheck {
  std::string log_prefix;  // --log BASE/log
  std::string log_key;     // --log-key KEY
  std::string proof_file;  // --proof FILE
  std::string pin_file;    // --pin FILE
  bool wanted() const { return !log_prefix.empty() || !proof_file.empty(); }
};

std::filesystem::path default_pin_file() {
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".artdag" / "known-logs";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Fatal("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

LogClient outbound_log_client() {
  return LogClient(services::outbound_policy(load_config(process_env())));
}

int verify(const std::string& activity_file, const std::string& key_file,
           const std::string& actor_url, const std::string& proof_key, const LogCheck& log_check) {
  std::ifstream activity_in(activity_file);
  if (!activity_in) throw Fatal("cannot read " + activity_file);
  std::stringstream activity_text;
  activity_text << activity_in.rdbuf();
  Json activity;
  try {
    activity = parse_json_object(activity_text.str(), 64);
  } catch (const ApiError& e) {
    throw Fatal(activity_file + ": " + e.detail());
  }
  std::stringstream key_text;
  std::string expected_creator;
  Json actor_document;
  if (actor_url.empty() && key_file.empty()) throw Fatal("verify needs --public-key or --actor");
  if (!actor_url.empty()) {
    actor_document = fetch_actor_document(actor_url);
    expected_creator = activity.value("signature", Json::object()).value("creator", std::string());
    const auto pem = activitypub::actor_public_key_pem(actor_document, expected_creator);
    if (!pem) {
      std::cout << "invalid: signed with "
                << (expected_creator.empty() ? "no key" : expected_creator) << ", which "
                << actor_url << " does not publish\n";
      return 1;
    }
    key_text << *pem;
  } else {
    std::ifstream key_in(key_file);
    if (!key_in) throw Fatal("cannot read " + key_file);
    key_text << key_in.rdbuf();
  }

  crypto::RsaKey key = [&] {
    try {
      return crypto::RsaKey::from_public_pem(key_text.str());
    } catch (const crypto::CryptoError&) {
      return crypto::RsaKey::from_private_pem(key_text.str());
    }
  }();
  auto result = expected_creator.empty()
                    ? activitypub::verify_claim(activity, key)
                    : activitypub::verify_claim_by(activity, key, expected_creator);
  if (!result.valid) {
    std::cout << "invalid: " << result.reason << "\n";
    return 1;
  }
  std::cout << "valid RsaSignature2017 by "
            << activity["signature"].value("creator", std::string("?")) << "\n";
  if (!check_claim_proof(activity, actor_document, proof_key)) return 1;
  if (!log_check.wanted()) return 0;
  try {
    const auto client = outbound_log_client();
    std::string proof_text, log_key = log_check.log_key;
    if (!log_check.proof_file.empty()) {
      proof_text = read_file(log_check.proof_file);
      if (log_key.empty() && log_check.log_prefix.empty())
        throw CheckFailed("an offline --proof needs --log-key (or --log to fetch and pin it)");
    } else {
      proof_text = client.get(log_check.log_prefix + "/proof?id=" +
                              encode_path_segment(activity.value("id", std::string())));
    }
    if (log_key.empty())
      log_key =
          resolve_log_key(client, log_check.log_prefix, "",
                          log_check.pin_file.empty() ? default_pin_file()
                                                     : std::filesystem::path(log_check.pin_file));
    auto included = verify_inclusion_proof(activity, proof_text, log_key);
    std::cout << "in the claim log at index " << included.index << ", checkpoint size "
              << included.checkpoint_size << "\n";
    return 0;
  } catch (const CheckFailed& e) {
    std::cout << "not in the log: " << e.what() << "\n";
    return 1;
  }
}

int log_monitor(MonitorOptions options) {
  while (!options.prefix.empty() && options.prefix.back() == '/') options.prefix.pop_back();
  uint64_t reported = 0;
  options.progress = [&reported](uint64_t done, uint64_t total) {
    if (total >= 10000 && (done - reported >= total / 10 || done == total)) {
      std::cerr << "log-monitor: " << done << " of " << total << " new entries checked\n";
      reported = done;
    }
  };
  try {
    const auto client = outbound_log_client();
    auto result = monitor_log(client, options);
    std::cout << "consistent: size " << result.old_size << " -> " << result.new_size << ", "
              << result.entries_checked << " new entries checked\n";
    return 0;
  } catch (const CheckFailed& e) {
    std::cout << "INCONSISTENT: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int run(int argc, char** argv) {
  setup_logging();
  CLI::App app{
      "Art DAG L2 server: ownership registry for content-addressed media over ActivityPub"};
  app.require_subcommand(1);
  ConfigOverrides overrides;
  std::string data_dir, user, host;
  uint16_t port = 0;

  auto add_data_flags = [&](CLI::App* cmd) {
    cmd->add_option("--data-dir", data_dir,
                    "data directory (default $ARTDAG_DATA or ~/.artdag/l2)");
  };

  auto* serve_cmd = app.add_subcommand("serve", "start the HTTP server");
  add_data_flags(serve_cmd);
  serve_cmd->add_option("--host", host, "listen address (default $HOST or 0.0.0.0)");
  serve_cmd->add_option("--port", port, "listen port (default $PORT or 8200)")
      ->check(CLI::Range(1, 65535));

  auto* keys_cmd = app.add_subcommand("setup-keys", "generate the RSA key pair of a user");
  add_data_flags(keys_cmd);
  keys_cmd->add_option("--user", user, "user name (default $ARTDAG_USER or giles)");

  auto* migrate_cmd = app.add_subcommand("migrate", "apply database migrations and exit");
  add_data_flags(migrate_cmd);

  std::string new_username, email, password_file;
  auto* create_cmd = app.add_subcommand("create-user", "create a user (password read from stdin)");
  add_data_flags(create_cmd);
  create_cmd->add_option("username", new_username)->required();
  create_cmd->add_option("--email", email);
  create_cmd->add_option("--password-file", password_file, "read the password from this file");

  auto* passwd_cmd = app.add_subcommand("set-password", "set a user's password (read from stdin)");
  add_data_flags(passwd_cmd);
  passwd_cmd->add_option("username", new_username)->required();
  passwd_cmd->add_option("--password-file", password_file, "read the password from this file");

  std::string activity_file, key_file, actor_url, proof_key;
  auto* verify_cmd = app.add_subcommand(
      "verify", "check a claim's ownership signature and its FEP-8b32 proof offline");
  verify_cmd->add_option("activity", activity_file, "the activity JSON file")->required();
  auto* key_opt = verify_cmd->add_option("--public-key", key_file, "the actor's public key PEM");
  auto* actor_opt =
      verify_cmd->add_option("--actor", actor_url, "fetch the key from this actor URL");
  key_opt->excludes(actor_opt);
  verify_cmd->add_option("--proof-key", proof_key,
                         "the actor's Ed25519 publicKeyMultibase (z6Mk...), to check the proof "
                         "offline");
  LogCheck log_check;
  verify_cmd->add_option("--log", log_check.log_prefix,
                         "also prove the claim is in this claim log (BASE/log)");
  verify_cmd->add_option("--log-key", log_check.log_key,
                         "the log's verifier key (else fetched once and pinned)");
  verify_cmd->add_option("--proof", log_check.proof_file,
                         "prove inclusion offline from this saved tlog-proof");
  verify_cmd->add_option("--pin", log_check.pin_file,
                         "where fetched log keys are pinned (default ~/.artdag/known-logs)");

  std::string role_user, role_name;
  auto* role_cmd = app.add_subcommand("set-role", "make a user an admin (or a user again)");
  add_data_flags(role_cmd);
  role_cmd->add_option("username", role_user)->required();
  role_cmd->add_option("role", role_name, "admin or user")->required();

  std::string rotate_user;
  auto* rotate_cmd = app.add_subcommand(
      "rotate-keys",
      "new RSA and Ed25519 keys for a user, under new key ids (the old ones stay published); "
      "its followers are sent an Update of the actor");
  add_data_flags(rotate_cmd);
  rotate_cmd->add_option("username", rotate_user)->required();

  std::string block_host, block_reason;
  auto* block_cmd = app.add_subcommand(
      "domain-block", "block a domain (and its subdomains) from federating with this server");
  block_cmd->require_subcommand(1);
  auto* block_add = block_cmd->add_subcommand(
      "add", "block HOST: refuse its inbox traffic, deliver and fetch nothing, drop its followers");
  add_data_flags(block_add);
  block_add->add_option("host", block_host, "the domain, e.g. example.com")->required();
  block_add->add_option("--reason", block_reason, "why (shown to operators)");
  auto* block_remove = block_cmd->add_subcommand("remove", "lift the block of HOST");
  add_data_flags(block_remove);
  block_remove->add_option("host", block_host)->required();
  auto* block_list = block_cmd->add_subcommand("list", "the blocked domains, with reasons");
  add_data_flags(block_list);

  ClaimsAuditOptions claims_audit;
  auto* claims_cmd = app.add_subcommand(
      "claims", "every known claim of a content hash, which is the earliest and on what evidence");
  add_data_flags(claims_cmd);
  claims_cmd->add_option("content_hash", claims_audit.content_hash, "the SHA3-256 content hash")
      ->required();
  claims_cmd->add_option("--server", claims_audit.server,
                         "ask this server (its base URL) and check every proof here instead of "
                         "reading the local database");
  claims_cmd->add_option("--witness", claims_audit.witnesses,
                         "with --server: a witness cosigner key to trust (repeatable; default: "
                         "the witnesses the server trusts)");

  MonitorOptions monitor;
  bool monitor_hashes_only = false;
  auto* monitor_cmd = app.add_subcommand(
      "log-monitor", "check a claim log: signature, consistency, every new entry");
  monitor_cmd->add_option("log", monitor.prefix, "the log prefix, BASE/log")->required();
  monitor_cmd->add_option("--log-key", monitor.log_key, "the log's verifier key")->required();
  monitor_cmd->add_option("--state", monitor.state_file, "the file that remembers what was checked")
      ->required();
  monitor_cmd->add_flag("--hashes-only", monitor_hashes_only,
                        "check the tree, each entry's form and duplicate claims, but no claim "
                        "signature (a quick pass over a large log)");
  monitor_cmd->add_option("--threads", monitor.threads,
                          "threads checking entries (default: one "
                          "per core)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!data_dir.empty()) overrides.data_dir = data_dir;
  if (!user.empty()) overrides.user = user;
  if (!host.empty()) overrides.host = host;
  if (port != 0) overrides.port = port;

  try {
    if (*serve_cmd) return serve(overrides);
    if (*keys_cmd) return setup_keys(overrides);
    if (*migrate_cmd) return migrate(overrides);
    if (*create_cmd) {
      auto services = offline_services(overrides);
      auto created = services.auth.create_user(new_username, read_password(password_file), email);
      std::cout << "created user " << created.username << "\n";
      return 0;
    }
    if (*passwd_cmd) {
      auto services = offline_services(overrides);
      services.auth.set_password(new_username, read_password(password_file));
      std::cout << "password updated\n";
      return 0;
    }
    if (*role_cmd) {
      auto services = offline_services(overrides);
      services.auth.set_role(role_user, role_name);
      std::cout << role_user << " is now " << (role_name == "admin" ? "an admin" : "a user")
                << "\n";
      return 0;
    }
    if (*rotate_cmd) {
      auto services = offline_services(overrides);
      const auto rotation = services.rotate_keys(rotate_user);
      std::cout << rotate_user << " now signs with "
                << services.uris.key_id(rotate_user, rotation.generation) << " and "
                << activitypub::ed25519_key_id(services.uris.actor(rotate_user),
                                               rotation.generation)
                << "; the Update of the actor is queued for " << rotation.inboxes << " inboxes\n";
      return 0;
    }
    if (*block_add) {
      auto services = offline_services(overrides);
      auto effect = services.federation.block_domain(block_host, block_reason);
      std::cout << (effect.added ? "blocked " : "already blocked (reason updated): ") << block_host
                << "; " << effect.followers_removed << " followers removed, "
                << effect.deliveries_dropped << " queued deliveries dropped\n";
      return 0;
    }
    if (*block_remove) {
      auto services = offline_services(overrides);
      if (!services.federation.unblock_domain(block_host))
        throw Fatal(block_host + " was not blocked");
      std::cout << "unblocked " << block_host << "\n";
      return 0;
    }
    if (*block_list) {
      auto services = offline_services(overrides);
      for (const auto& block : services.federation.domain_blocks())
        std::cout << block.host << "\t" << iso8601_utc(block.created_at) << "\t" << block.reason
                  << "\n";
      return 0;
    }
    if (*claims_cmd) {
      if (!claims_audit.server.empty())
        return audit_claims(outbound_log_client(), claims_audit, std::cout);
      if (!claims_audit.witnesses.empty()) throw Fatal("--witness goes with --server");
      auto services = offline_services(overrides);
      return print_claims(services, claims_audit.content_hash, std::cout);
    }
    if (*verify_cmd) return verify(activity_file, key_file, actor_url, proof_key, log_check);
    if (*monitor_cmd) {
      monitor.check_signatures = !monitor_hashes_only;
      return log_monitor(std::move(monitor));
    }
  } catch (const ConfigError& e) {
    std::cerr << "artdag-l2: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const Fatal& e) {
    std::cerr << "artdag-l2: " << e.what() << "\n";
    return 1;
  } catch (const ApiError& e) {
    std::cerr << "artdag-l2: " << e.detail() << "\n";
    return 1;
  } catch (const crypto::CryptoError& e) {
    std::cerr << "artdag-l2: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "artdag-l2: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace artdag::cli
