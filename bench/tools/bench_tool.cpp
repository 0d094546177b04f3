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

int seed(const std::map<std::string, std::string>& options) {
  const std::string location = required(options, "database");
  const std::string owner = required(options, "owner");
  const long count = std::stol(required(options, "assets"));
  const int threads = options.count("threads") ? std::stoi(options.at("threads")) : 1;
  const activitypub::Uris uris(required(options, "base-url"), required(options, "domain"));
  crypto::KeyStore keys(required(options, "keys"));
  const crypto::RsaKey key = keys.ensure(owner);

  auto store = store::open_store(location, {.pool_size = threads});
  if (!store->find_user(owner)) die("no user " + owner + " in " + location);
  const std::string created = iso8601_utc(unix_now());
  // A unique prefix per run, so seeding twice into one database adds rather than conflicts.
  const std::string prefix = "seed" + std::to_string(unix_now()) + "-";
  Json signature_copy;
  std::mutex signature_mutex;

  std::atomic<long> next{0};
  std::atomic<long> failed{0};
  const auto start = std::chrono::steady_clock::now();
  auto work = [&] {
    for (long i = next++; i < count; i = next++) {
      store::NewAsset request;
      auto& a = request.asset;
      a.name = prefix + std::to_string(i);
      a.content_hash = crypto::sha3_256_hex(a.name);
      a.asset_type = i % 3 == 0 ? "video" : "image";
      a.tags = {"seed", i % 2 == 0 ? "even" : "odd"};
      a.description = "Seeded asset " + std::to_string(i);
      a.metadata_json = "{}";
      a.owner = owner;
      a.created_at = created;
      // Seeding, not benchmarking signatures: one real signature is copied onto every claim
      // (they do not verify; the bench measures reads).
      const std::string activity_id = uris.activity_by_uuid(crypto::uuid_v7());
      Json activity = activitypub::create_activity(uris, a, activity_id);
      {
        std::lock_guard lock(signature_mutex);
        if (signature_copy.is_null()) {
          activity =
              activitypub::sign_activity(std::move(activity), key, uris.key_id(owner), created);
          signature_copy = activity["signature"];
        } else {
          activity["signature"] = signature_copy;
        }
      }
      store::NewActivity sequenced{activity_id,    "Create", owner,
                                   a.content_hash, created,  activitypub::canonical_json(activity)};
      auto result = store->create_asset_with_activity(request, sequenced);
      if (!std::holds_alternative<store::Asset>(result)) ++failed;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("seeded %ld assets in %.1f s (%.0f/s), %ld conflicts\n", count - failed.load(),
              seconds, static_cast<double>(count) / seconds, failed.load());
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
  if (argc < 2) die("usage: bench_tool seed|inbox-requests --option value ...");
  const std::string command = argv[1];
  try {
    const auto options = parse_options(argc, argv);
    if (command == "seed") return seed(options);
    if (command == "inbox-requests") return inbox_requests(options);
  } catch (const std::exception& e) {
    die(e.what());
  }
  die("unknown command " + command);
}
