// Delivery fan-out benchmark (docs/protocol.md: one activity to 10,000 followers on 1,000 hosts in
// under 60 s, one request per shared inbox, against a local receiver).
//
//   fanout_bench [--server PATH] [--followers 10000] [--hosts 1000] [--database-url URL]
//
// Starts a real artdag-l2 (`serve`, a fresh data dir; SQLite unless --database-url), and an
// in-process receiver listening on 0.0.0.0 so that each "host" is its own loopback address
// 127.1.x.y (distinct TCP endpoints and Host headers, one shared inbox `/inbox` each).
// Seeds the followers straight into the server's database (10 per host by default, each
// with its own inbox and the host's shared inbox), registers one asset over HTTP, and times
// until every delivery is done: the receiver has one POST per host and the queue is empty.
// Every POST is checked (Digest over the body, signature against the actor's key) on
// arrival; the receiver's cost is part of the figures, as the machine has only its cores.
// Prints wall time, server CPU time and peak RSS (from /proc), and the receiver's CPU.
#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "activitypub/http_signature.h"
#include "activitypub/message_signature.h"
#include "bench_support.h"
#include "crypto/rsa_key.h"
#include "inbox_receiver.h"
#include "store/store.h"
#include "util/json.h"
#include "util/time.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string server = ARTDAG_SERVER_BINARY;
  int followers = 10000;
  int hosts = 1000;
  std::string database_url;
};

[[noreturn]] void die(const std::string& message) {
  std::cerr << "fanout_bench: " << message << "\n";
  std::exit(1);
}

Args parse_args(int argc, char** argv) {
  Args a;
  CLI::App app{"fanout_bench: one activity delivered to many followers on many hosts"};
  app.add_option("--server", a.server, "the artdag-l2 binary");
  app.add_option("--followers", a.followers, "followers in all");
  app.add_option("--hosts", a.hosts, "hosts (loopback addresses)")->check(CLI::Range(1, 62500));
  app.add_option("--database-url", a.database_url, "PostgreSQL (SQLite otherwise)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  if (a.followers < a.hosts) die("--followers must be at least --hosts");
  return a;
}

struct Reply {
  long status = 0;
  std::string body;
};

Reply http(const std::string& method, const std::string& url,
           const std::vector<std::string>& headers,
           const std::optional<std::string>& body = std::nullopt) {
  Reply r;
  CURL* c = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, artdag::bench::append_to_string);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return r;
}

std::string host_address(int h) {
  return "127.1." + std::to_string(h / 250) + "." + std::to_string(h % 250 + 1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace artdag;
  Args args = parse_args(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!std::filesystem::exists(args.server)) die("no server binary at " + args.server);

  char tmpl[] = "/tmp/artdag-fanout-XXXXXX";
  if (!mkdtemp(tmpl)) die("mkdtemp failed");
  const std::filesystem::path data_dir = tmpl;
  const int port = artdag::bench::free_loopback_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);

  // The receiver: counts, and checks every POST as it arrives.
  test::InboxReceiver receiver(/*any_loopback=*/true);
  receiver.set_keep_bodies(false);
  std::atomic<int> bad_digest{0}, bad_signature{0};
  std::optional<crypto::RsaKey> actor_key;
  std::atomic<bool> key_ready{false};
  // Signed by RFC 9421 (each host takes it, so after the first knock every POST is) or by
  // draft-cavage.
  receiver.set_handler([&](const test::ReceivedRequest& r) {
    activitypub::HeaderFields fields(r.headers.begin(), r.headers.end());
    const auto headers = activitypub::lookup_in(fields);
    if (!r.header("signature-input").empty()) {
      const std::string host = r.header("host");
      const activitypub::rfc9421::MessageView view{r.method, "http", host,        r.target,
                                                   headers,  r.body, std::nullopt};
      auto checked = activitypub::rfc9421::check_incoming(view, unix_now(), host);
      if (!checked) {
        ++bad_digest;
      } else if (key_ready &&
                 !activitypub::rfc9421::verify_with_key(*checked.value, *actor_key).ok) {
        ++bad_signature;
      }
      return test::ReceiverReply{};
    }
    auto checked = activitypub::check_incoming({r.method, r.target, headers, r.body}, unix_now());
    if (!checked) {
      ++bad_digest;
    } else if (key_ready && !activitypub::verify_with_key(*checked.value, *actor_key).ok) {
      ++bad_signature;
    }
    return test::ReceiverReply{};
  });

  // The server.
  auto env = artdag::bench::server_environment(data_dir.string(), port, args.database_url);
  env.push_back("ARTDAG_ALLOW_PRIVATE_NETWORKS=127.0.0.0/8");
  for (const char* pass : {"ARTDAG_DELIVERY_CONCURRENCY"})
    if (const char* v = std::getenv(pass)) env.push_back(std::string(pass) + "=" + v);
  const std::string log_path = (data_dir / "server.log").string();
  const pid_t pid = artdag::bench::spawn_logged({args.server, "serve"}, env, log_path);
  if (pid < 0) die("cannot start " + args.server);
  auto stop_server = [&] { artdag::bench::stop_process(pid); };
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    up = http("GET", base + "/health", {}).status == 200;
    if (!up) std::this_thread::sleep_for(50ms);
  }
  if (!up) {
    stop_server();
    die("server did not start; see " + log_path);
  }

  auto reg = http("POST", base + "/auth/register", {"Content-Type: application/json"},
                  Json{{"username", "bench"}, {"password", "correct horse battery"}}.dump());
  if (reg.status != 201) die("register failed: " + reg.body);
  const std::string token = Json::parse(reg.body)["access_token"].get<std::string>();
  auto actor = http("GET", base + "/users/bench", {"Accept: application/activity+json"});
  actor_key = crypto::RsaKey::from_public_pem(
      Json::parse(actor.body)["publicKey"]["publicKeyPem"].get<std::string>());
  key_ready = true;

  // Followers, straight into the server's database.
  const std::string location =
      args.database_url.empty() ? (data_dir / "l2.db").string() : args.database_url;
  auto store = store::open_store(location, {.pool_size = 2});
  auto seed_start = Clock::now();
  for (int i = 0; i < args.followers; ++i) {
    const int h = i % args.hosts;
    const std::string origin = "http://" + host_address(h) + ":" + std::to_string(receiver.port());
    store::Follower f;
    f.username = "bench";
    f.actor_url = origin + "/users/f" + std::to_string(i);
    f.inbox = f.actor_url + "/inbox";
    f.shared_inbox = origin + "/inbox";
    store->add_follower(f);
  }
  const double seed_seconds = std::chrono::duration<double>(Clock::now() - seed_start).count();

  // One asset; time until every shared inbox has it and the queue is empty.
  const double cpu_before = artdag::bench::cpu_seconds(pid);
  const double self_before = artdag::bench::self_cpu_seconds();
  auto t0 = Clock::now();
  auto posted =
      http("POST", base + "/assets",
           {"Authorization: Bearer " + token, "Content-Type: application/json"},
           Json{{"name", "fanout"}, {"content_hash", std::string(64, 'f')}, {"asset_type", "image"}}
               .dump());
  auto t_posted = Clock::now();
  if (posted.status != 201) die("POST /assets failed: " + posted.body);
  std::optional<Clock::time_point> t_first;
  const size_t expected = static_cast<size_t>(args.hosts);
  bool done = false;
  while (Clock::now() - t0 < 300s) {
    if (!t_first && receiver.count() > 0) t_first = Clock::now();
    if (receiver.count() >= expected) {
      auto c = store->delivery_counts();
      if (c.pending == 0 && c.fanouts == 0) {
        done = true;
        break;
      }
    }
    std::this_thread::sleep_for(2ms);
  }
  auto t_done = Clock::now();
  const double cpu = artdag::bench::cpu_seconds(pid) - cpu_before;
  const double self_cpu = artdag::bench::self_cpu_seconds() - self_before;
  const double peak_rss = artdag::bench::status_mib(pid, "VmHWM");
  const double rss = artdag::bench::status_mib(pid, "VmRSS");
  std::this_thread::sleep_for(500ms);  // anything late would be a duplicate
  auto targets = receiver.per_target();
  int duplicates = 0;
  for (const auto& [t, n] : targets) duplicates += n - 1;
  auto counts = store->delivery_counts();
  stop_server();

  auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf("fan-out: %d followers on %d hosts (store: %s)\n", args.followers, args.hosts,
              store->backend().c_str());
  std::printf("  seeding followers (not timed):  %.1f s\n", seed_seconds);
  std::printf("  POST /assets answered in:       %.1f ms\n", secs(t_posted - t0) * 1000);
  std::printf("  first delivery after:           %.1f ms\n",
              t_first ? secs(*t_first - t0) * 1000 : -1.0);
  std::printf("  all deliveries done after:      %.2f s%s\n", secs(t_done - t0),
              done ? "" : "  (NOT DONE: timed out)");
  std::printf(
      "  requests received:              %zu (distinct shared inboxes %zu, duplicates %d)\n",
      receiver.count(), targets.size(), duplicates);
  std::printf("  throughput:                     %.0f deliveries/s\n",
              static_cast<double>(receiver.count()) / secs(t_done - t0));
  std::printf("  queue after:                    pending %lld, dead %lld\n",
              static_cast<long long>(counts.pending), static_cast<long long>(counts.dead));
  std::printf("  receiver checks failed:         digest/structure %d, signature %d\n",
              bad_digest.load(), bad_signature.load());
  std::printf("  server CPU during fan-out:      %.2f s (user+system)\n", cpu);
  std::printf("  receiver+driver CPU:            %.2f s\n", self_cpu);
  std::printf("  server RSS: peak %.1f MiB, at end %.1f MiB\n", peak_rss, rss);
  std::filesystem::remove_all(data_dir);
  const bool ok = done && targets.size() == expected && duplicates == 0 && bad_digest == 0 &&
                  bad_signature == 0 && counts.dead == 0;
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
