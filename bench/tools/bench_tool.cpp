// Helpers for bench/run.sh that need the server's own code:
//
//   bench_tool seed --database LOCATION --base-url URL --domain D --keys DIR --owner USER
//                   --assets N [--threads T]
//     Adds N assets (and their Create activities at the next indices) for USER straight into
//     the server's database through the Store interface, the same transaction the registry
//     uses. Only the first claim is really signed: RSA-signing a million claims would take a
//     quarter of an hour and the read benchmarks never verify them, so the others carry a
//     copy of that signature (they do not verify; the seeded database is for benchmarks only).
//
//   bench_tool inbox-requests --actor-url URL --inbox URL --object URL --count N
//                             --actor-out FILE --lua-out FILE
//     Makes a remote actor (a fresh RSA key and its actor document, written to --actor-out
//     for a static server to serve at --actor-url) and N Like activities of --object, each
//     signed for a POST to --inbox exactly as Mastodon signs deliveries. Writes them as a wrk
//     script that sends them round-robin.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "activitypub/canon.h"
#include "activitypub/documents.h"
#include "activitypub/http_signature.h"
#include "activitypub/ld_signature.h"
#include "activitypub/uris.h"
#include "crypto/hash.h"
#include "crypto/key_store.h"
#include "crypto/rsa_key.h"
#include "crypto/uuid.h"
#include "store/store.h"
#include "util/json.h"
#include "util/time.h"

using namespace artdag;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::cerr << "bench_tool: " << message << "\n";
  std::exit(2);
}

// --name value pairs after the subcommand.
std::map<std::string, std::string> parse_options(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 2; i < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) die("expected --name value, got " + name);
    options[name.substr(2)] = argv[i + 1];
  }
  return options;
}

std::string required(const std::map<std::string, std::string>& options, const std::string& name) {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) die("--" + name + " is required");
  return it->second;
}

// Makes the claims that seed and sequence record: an asset and its signed Create.
// Signing every claim is optional (--sign-all 1): by default only the first is really signed
// and the others carry a copy of its signature (they do not verify), because RSA-signing a
// million claims takes minutes and the read benchmarks never verify them.
class ClaimFactory {
 public:
  ClaimFactory(const std::map<std::string, std::string>& options)
      : uris_(required(options, "base-url"), required(options, "domain")),
        owner_(required(options, "owner")),
        key_(crypto::KeyStore(required(options, "keys")).ensure(owner_)),
        sign_all_(options.count("sign-all") && options.at("sign-all") == "1"),
        created_(iso8601_utc(unix_now())),
        // A unique prefix per run, so seeding twice into one database adds, not conflicts.
        prefix_("seed" + std::to_string(unix_now()) + "-") {}

  const std::string& owner() const { return owner_; }

  std::pair<store::NewAsset, store::NewActivity> make(long i) {
    store::NewAsset request;
    auto& a = request.asset;
    a.name = prefix_ + std::to_string(i);
    a.content_hash = crypto::sha3_256_hex(a.name);
    a.asset_type = i % 3 == 0 ? "video" : "image";
    a.tags = {"seed", i % 2 == 0 ? "even" : "odd"};
    a.description = "Seeded asset " + std::to_string(i);
    a.metadata_json = "{}";
    a.owner = owner_;
    a.created_at = created_;
    const std::string activity_id = uris_.activity_by_uuid(crypto::uuid_v7());
    Json activity = activitypub::create_activity(uris_, a, activity_id);
    if (sign_all_) {
      activity =
          activitypub::sign_activity(std::move(activity), key_, uris_.key_id(owner_), created_);
    } else {
      std::lock_guard lock(signature_mutex_);
      if (signature_copy_.is_null()) {
        activity =
            activitypub::sign_activity(std::move(activity), key_, uris_.key_id(owner_), created_);
        signature_copy_ = activity["signature"];
      } else {
        activity["signature"] = signature_copy_;
      }
    }
    store::NewActivity sequenced{activity_id,    "Create", owner_,
                                 a.content_hash, created_, activitypub::canonical_json(activity)};
    return {std::move(request), std::move(sequenced)};
  }

 private:
  activitypub::Uris uris_;
  std::string owner_;
  crypto::RsaKey key_;
  bool sign_all_;
  std::string created_;
  std::string prefix_;
  Json signature_copy_;
  std::mutex signature_mutex_;
};

// Runs work(i) for i in [0, count) on `threads` threads; returns the seconds it took.
template <typename Work>
double run_parallel(long count, int threads, Work work) {
  std::atomic<long> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (long i = next++; i < count; i = next++) work(i);
    });
  for (auto& t : pool) t.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::unique_ptr<store::Store> open_for(const std::map<std::string, std::string>& options,
                                       const std::string& owner, int threads) {
  const std::string location = required(options, "database");
  auto store = store::open_store(location, {.pool_size = threads});
  if (!store->find_user(owner)) die("no user " + owner + " in " + location);
  return store;
}

int seed(const std::map<std::string, std::string>& options) {
  const long count = std::stol(required(options, "assets"));
  const int threads = options.count("threads") ? std::stoi(options.at("threads")) : 1;
  ClaimFactory claims(options);
  auto store = open_for(options, claims.owner(), threads);
  std::atomic<long> failed{0};
  const double seconds = run_parallel(count, threads, [&](long i) {
    auto [asset, activity] = claims.make(i);
    if (!std::holds_alternative<store::Asset>(store->create_asset_with_activity(asset, activity)))
      ++failed;
  });
  std::printf("seeded %ld assets in %.1f s (%.0f/s), %ld conflicts\n", count - failed.load(),
              seconds, static_cast<double>(count) / seconds, failed.load());
  return failed == 0 ? 0 : 1;
}

// The sequencer alone: claims made (and signed) beforehand, then recorded by many writers
// through the registry's own transaction. Its rate is the ceiling that every process on one
// database shares, whatever the signing cores.
int sequence(const std::map<std::string, std::string>& options) {
  const long count = std::stol(required(options, "claims"));
  const int writers = options.count("writers") ? std::stoi(options.at("writers")) : 8;
  ClaimFactory claims(options);
  auto store = open_for(options, claims.owner(), writers);
  std::vector<std::pair<store::NewAsset, store::NewActivity>> made;
  made.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) made.push_back(claims.make(i));
  std::atomic<long> failed{0};
  const double seconds = run_parallel(count, writers, [&](long i) {
    const auto& [asset, activity] = made[static_cast<std::size_t>(i)];
    if (!std::holds_alternative<store::Asset>(store->create_asset_with_activity(asset, activity)))
      ++failed;
  });
  std::printf("RESULT claims=%ld writers=%d seconds=%.3f rate=%.0f conflicts=%ld\n", count,
              writers, seconds, static_cast<double>(count) / seconds, failed.load());
  return failed == 0 ? 0 : 1;
}

int inbox_requests(const std::map<std::string, std::string>& options) {
  const std::string actor_url = required(options, "actor-url");
  const std::string inbox = required(options, "inbox");
  const std::string object = required(options, "object");
  const long count = std::stol(required(options, "count"));
  const crypto::RsaKey key = crypto::RsaKey::generate();
  const std::string key_id = actor_url + "#main-key";

  const Json actor = {
      {"@context",
       Json::array({"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"})},
      {"id", actor_url},
      {"type", "Person"},
      {"preferredUsername", "benchremote"},
      {"inbox", actor_url + "/inbox"},
      {"outbox", actor_url + "/outbox"},
      {"publicKey", {{"id", key_id}, {"owner", actor_url}, {"publicKeyPem", key.public_pem()}}},
  };
  std::ofstream(required(options, "actor-out")) << to_wire(actor);

  const std::size_t path_start = inbox.find('/', inbox.find("//") + 2);
  if (path_start == std::string::npos) die("--inbox must be an absolute URL with a path");
  const std::string path = inbox.substr(path_start);
  // Lua long strings ([==[ ... ]==]) need no escaping for JSON and header values.
  std::ofstream lua(required(options, "lua-out"));
  lua << "-- generated by bench_tool inbox-requests: " << count << " signed Like activities\n"
      << "local raw = {\n";
  const int64_t now = unix_now();
  for (long i = 0; i < count; ++i) {
    const Json like = {
        {"@context", "https://www.w3.org/ns/activitystreams"},
        {"id", actor_url + "#likes/" + std::to_string(now) + "-" + std::to_string(i)},
        {"type", "Like"},
        {"actor", actor_url},
        {"object", object}};
    const std::string body = to_wire(like);
    auto signed_headers = activitypub::sign_request("POST", inbox, body, key, key_id, now);
    lua << "{[==[" << signed_headers.date << "]==],[==[" << signed_headers.digest << "]==],[==["
        << signed_headers.signature << "]==],[==[" << body << "]==]},\n";
  }
  lua << "}\n"
      << "local requests = {}\n"
      << "local counter = 0\n"
      << "local thread_count = 0\n"
      << "function setup(thread)\n"
      << "  thread:set('id', thread_count)\n"
      << "  thread_count = thread_count + 1\n"
      << "end\n"
      << "function init(args)\n"
      << "  -- threads start at different requests, so each activity id is new the first time\n"
      << "  counter = (id or 0) * 9973\n"
      << "  for i, r in ipairs(raw) do\n"
      << "    requests[i] = wrk.format('POST', '" << path << "', {\n"
      << "      ['Content-Type'] = 'application/activity+json', ['Date'] = r[1],\n"
      << "      ['Digest'] = r[2], ['Signature'] = r[3]}, r[4])\n"
      << "  end\n"
      << "end\n"
      << "function request()\n"
      << "  counter = counter % #requests + 1\n"
      << "  return requests[counter]\n"
      << "end\n";
  std::printf("wrote %ld signed inbox requests\n", count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: bench_tool seed|sequence|inbox-requests --option value ...");
  const std::string command = argv[1];
  try {
    const auto options = parse_options(argc, argv);
    if (command == "seed") return seed(options);
    if (command == "sequence") return sequence(options);
    if (command == "inbox-requests") return inbox_requests(options);
  } catch (const std::exception& e) {
    die(e.what());
  }
  die("unknown command " + command);
}
