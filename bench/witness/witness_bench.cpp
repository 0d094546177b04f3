// Witness benchmark (issue 17): one witness cosigning the checkpoints of 100 growing logs.
//
//   witness_bench [--server PATH] [--logs 100] [--rounds 200] [--entries 8] [--connections 8]
//                 [--database-url URL] [--ed25519-sign-rate R] [--ed25519-verify-rate R]
//                 [--perf FILE] [--big-tree 1048576] [--inproc 2000]
//
// Makes --logs logs (an Ed25519 note key each, origin "bench.witness/log-N", with the
// project's tlog code) and starts a real artdag-l2 `serve` (a fresh data dir; SQLite unless
// --database-url) with ARTDAG_WITNESS_FOR set to their verifier keys. Then each log grows
// --rounds times by 1..--entries random entries; after each growth the log's checkpoint is
// signed, the add-checkpoint body built (old size = the size the witness last cosigned, and
// the consistency proof from it) and POSTed to /log/witness/add-checkpoint over
// --connections keep-alive connections (one thread each, each owning every C-th log, so a
// log's requests are in order). Every answer must be 200 and every cosignature line must
// verify against GET /log/witness/key; any failure makes the exit status 1.
//
// Prints cosignatures/s (wall), the latency of one add-checkpoint (p50/p99), server and
// client CPU, then in-process costs: building and verifying a consistency proof at the
// sizes reached (and at --big-tree leaves), and the parts of one add-checkpoint without HTTP
// (parsing, the log signature's verification, the proof's, the cosignature, the database
// read + compare-and-swap, and WitnessService::add_checkpoint whole) on the same database.
// With the one-core `openssl speed ed25519` rates given, each figure is printed beside
// them as a ratio. --perf FILE records the server with `perf record` during the HTTP phase.
#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "crypto/ed25519_key.h"
#include "services/claim_log/witness_service.h"
#include "store/store.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/witness_request.h"
#include "util/time.h"

namespace {

using namespace std::chrono_literals;
using namespace artdag;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string server = ARTDAG_SERVER_BINARY;
  int logs = 100;
  int rounds = 200;
  int entries = 8;
  int connections = 8;
  std::string database_url;
  double sign_rate = 0;    // openssl speed ed25519, one core
  double verify_rate = 0;  // idem
  std::string perf;
  std::uint64_t big_tree = 1 << 20;
  int inproc = 2000;
};

[[noreturn]] void die(const std::string& message) {
  std::cerr << "witness_bench: " << message << "\n";
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  CLI::App app{"witness_bench: one witness cosigning the checkpoints of many growing logs"};
  app.add_option("--server", a.server, "the artdag-l2 binary");
  app.add_option("--logs", a.logs, "logs witnessed")->check(CLI::Range(1, 1000000));
  app.add_option("--rounds", a.rounds, "growths per log")->check(CLI::Range(1, 1000000));
  app.add_option("--entries", a.entries, "at most this many entries per growth")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--connections", a.connections, "keep-alive connections")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--database-url", a.database_url, "PostgreSQL (SQLite otherwise)");
  app.add_option("--ed25519-sign-rate", a.sign_rate, "openssl speed ed25519 signs/s, one core");
  app.add_option("--ed25519-verify-rate", a.verify_rate, "the same for verifies");
  app.add_option("--perf", a.perf, "record the server with perf into this file");
  app.add_option("--big-tree", a.big_tree, "also time proofs at this many leaves (0: not)");
  app.add_option("--inproc", a.inproc, "in-process repetitions per timed part")
      ->check(CLI::Range(1, 1000000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  if (a.big_tree != 0 && a.big_tree < 1024) die("--big-tree must be 0 (none) or at least 1024");
  return a;
}

struct Reply {
  long status = 0;
  std::string body;
  std::string error;  // transport failure
};

// One keep-alive connection: a curl easy handle reused for every request.
class Connection {
 public:
  Connection() : curl_(curl_easy_init()) {
    // No "Expect: 100-continue" for bodies over 1 KiB: it would wait for a 100 first.
    headers_ = curl_slist_append(headers_, "Expect:");
    headers_ = curl_slist_append(headers_, "Content-Type: text/plain");
  }
  ~Connection() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Reply request(const std::string& url, const std::optional<std::string>& body) {
    Reply r;
    curl_easy_reset(curl_);  // keeps the connection cache
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    if (body) {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, bench::append_to_string);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    const CURLcode code = curl_easy_perform(curl_);
    if (code == CURLE_OK)
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
    else
      r.error = curl_easy_strerror(code);
    return r;
  }

 private:
  CURL* curl_;
  curl_slist* headers_ = nullptr;
};

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(sorted.size()));
  return sorted[std::min(at, sorted.size() - 1)];
}

std::string random_hex(std::mt19937_64& rng, int bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    const auto b = rng() & 0xff;
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// One log: its key, its whole tree in memory, and what the witness holds of it.
struct Log {
  Log(std::string origin, std::uint64_t seed)
      : signer(std::move(origin), crypto::Ed25519Key::generate()), rng(seed) {}
  tlog::NoteSigner signer;
  tlog::MemoryTree tree;
  std::uint64_t cosigned_size = 0;
  std::mt19937_64 rng;

  void grow(int max_entries) {
    const auto n = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(max_entries));
    for (int i = 0; i < n; ++i)
      tree.append_entry(signer.name() + " entry " + std::to_string(tree.size()) + " " +
                        random_hex(rng, 32));
  }
  std::string checkpoint_text() {
    return tlog::format_checkpoint({signer.name(), tree.size(), tree.root(), {}});
  }
};

struct WorkerStats {
  std::vector<double> latency_ms;
  std::uint64_t cosigned = 0;
  std::uint64_t failures = 0;
  std::uint64_t proofs = 0;  // consistency proofs sent (old size > 0)
  std::uint64_t proof_lines = 0;
  std::uint64_t max_proof_lines = 0;
  double build_ns = 0;              // tree.consistency_proof
  double verify_ns = 0;             // tlog::verify_consistency of the same proof
  double sign_ns = 0;               // the log's checkpoint signature
  std::vector<std::string> errors;  // the first few
};

void note_error(WorkerStats& s, const std::string& what) {
  ++s.failures;
  if (s.errors.size() < 5) s.errors.push_back(what);
}

// Verifies every line of a 200 body as a cosignature of `text` by the witness.
bool cosignatures_verify(const std::string& body, const tlog::VerifierKey& witness,
                         const std::string& text) {
  std::size_t at = 0, lines = 0;
  while (at < body.size()) {
    const std::size_t end = body.find('\n', at);
    if (end == std::string::npos) return false;  // every line ends in '\n'
    auto cosignature = tlog::parse_cosignature_line(std::string_view(body).substr(at, end - at));
    if (!cosignature || !tlog::verify_cosignature(witness, text, *cosignature)) return false;
    ++lines;
    at = end + 1;
  }
  return lines > 0;
}

// Submits one grown checkpoint of `log`; updates its cosigned size on success.
void submit(Log& log, Connection& connection, const std::string& url,
            const tlog::VerifierKey& witness, WorkerStats& s) {
  const std::string text = log.checkpoint_text();
  auto t0 = Clock::now();
  const std::string note = log.signer.sign(text);
  auto t1 = Clock::now();
  s.sign_ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
  const std::uint64_t old_size = log.cosigned_size, size = log.tree.size();
  std::vector<tlog::Hash> proof;
  if (old_size > 0 && old_size < size) {
    const tlog::Hash old_root = log.tree.root(old_size);
    const tlog::Hash new_root = log.tree.root();
    t0 = Clock::now();
    proof = log.tree.consistency_proof(old_size, size);
    t1 = Clock::now();
    const bool ok = tlog::verify_consistency(old_size, size, proof, old_root, new_root);
    auto t2 = Clock::now();
    s.build_ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
    s.verify_ns += std::chrono::duration<double, std::nano>(t2 - t1).count();
    if (!ok) note_error(s, "own consistency proof does not verify");
    ++s.proofs;
    s.proof_lines += proof.size();
    s.max_proof_lines = std::max<std::uint64_t>(s.max_proof_lines, proof.size());
  }
  const std::string body = tlog::format_add_checkpoint_request(old_size, proof, note);
  t0 = Clock::now();
  const Reply r = connection.request(url, body);
  t1 = Clock::now();
  s.latency_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  if (!r.error.empty()) return note_error(s, "transport: " + r.error);
  if (r.status == 409) {  // resynchronise on the witness's size, counted as a failure
    note_error(s, log.signer.name() + ": 409 " + r.body);
    try {
      const std::uint64_t held = std::stoull(r.body);
      if (held <= size) log.cosigned_size = held;
    } catch (const std::exception&) {
    }
    return;
  }
  if (r.status != 200)
    return note_error(s, log.signer.name() + ": " + std::to_string(r.status) + " " + r.body);
  if (!cosignatures_verify(r.body, witness, text))
    return note_error(s, log.signer.name() + ": cosignature does not verify: " + r.body);
  ++s.cosigned;
  log.cosigned_size = size;
}

// Mean time of `f` over `n` calls, in nanoseconds.
template <class F>
double mean_ns(int n, F&& f) {
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) f(i);
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / n;
}

void print_rate_vs(const char* label, double per_second, double reference, const char* ref_name) {
  if (reference > 0)
    std::printf("  %-44s %10.0f /s | %9.0f %s  ratio %.3f\n", label, per_second, reference,
                ref_name, per_second / reference);
  else
    std::printf("  %-44s %10.0f /s\n", label, per_second);
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse_args(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!std::filesystem::exists(args.server)) die("no server binary at " + args.server);

  // The logs, with the project's own keys and note code.
  std::vector<std::unique_ptr<Log>> logs;
  std::string witness_for;
  for (int i = 0; i < args.logs; ++i) {
    logs.push_back(std::make_unique<Log>("bench.witness/log-" + std::to_string(i),
                                         0x5eed0000ULL + static_cast<std::uint64_t>(i)));
    if (i) witness_for += ",";
    witness_for += tlog::format_verifier_key(logs.back()->signer.verifier_key());
  }
  // Sanity: the server's own parser takes the setting.
  if (services::claim_log::WitnessService::parse_trusted_logs(witness_for).size() != logs.size())
    die("ARTDAG_WITNESS_FOR does not parse back");

  char tmpl[] = "/tmp/artdag-witness-XXXXXX";
  if (!mkdtemp(tmpl)) die("mkdtemp failed");
  const std::filesystem::path data_dir = tmpl;
  const int port = bench::free_loopback_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto env = bench::server_environment(data_dir.string(), port, args.database_url);
  env.push_back("ARTDAG_WITNESS_FOR=" + witness_for);
  const std::string log_path = (data_dir / "server.log").string();
  const pid_t pid = bench::spawn_logged({args.server, "serve"}, env, log_path);
  if (pid < 0) die("cannot start " + args.server);
  auto stop_server = [&] { bench::stop_process(pid); };

  Connection control;
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    up = control.request(base + "/health", std::nullopt).status == 200;
    if (!up) std::this_thread::sleep_for(50ms);
  }
  if (!up) {
    stop_server();
    die("server did not start; see " + log_path);
  }
  const Reply key_reply = control.request(base + "/log/witness/key", std::nullopt);
  std::string key_text = key_reply.body;
  while (!key_text.empty() && key_text.back() == '\n') key_text.pop_back();
  const auto witness = tlog::parse_verifier_key(key_text);
  if (key_reply.status != 200 || !witness || witness->type != tlog::kSignatureTypeCosignatureV1) {
    stop_server();
    die("GET /log/witness/key: " + std::to_string(key_reply.status) + " " + key_reply.body);
  }

  pid_t perf_pid = -1;
  if (!args.perf.empty()) {
    perf_pid = bench::spawn_logged({"perf", "record", "-F", "499", "--call-graph", "dwarf", "-o",
                                    args.perf, "-p", std::to_string(pid)},
                                   {}, args.perf + ".log");
    if (perf_pid < 0) die("cannot start perf");
    std::this_thread::sleep_for(1s);  // perf attaches
  }

  // The HTTP phase.
  const std::string url = base + "/log/witness/add-checkpoint";
  const int threads = std::min(args.connections, args.logs);
  std::vector<WorkerStats> stats(static_cast<std::size_t>(threads));
  const double server_cpu0 = bench::cpu_seconds(pid), self_cpu0 = bench::self_cpu_seconds();
  const auto t_start = Clock::now();
  {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        Connection connection;
        WorkerStats& s = stats[static_cast<std::size_t>(t)];
        s.latency_ms.reserve(static_cast<std::size_t>(args.rounds) *
                             static_cast<std::size_t>(args.logs / threads + 1));
        for (int round = 0; round < args.rounds; ++round)
          for (int i = t; i < args.logs; i += threads) {
            Log& log = *logs[static_cast<std::size_t>(i)];
            log.grow(args.entries);
            submit(log, connection, url, *witness, s);
          }
      });
    for (auto& th : pool) th.join();
  }
  const double wall = seconds(Clock::now() - t_start);
  const double server_cpu = bench::cpu_seconds(pid) - server_cpu0;
  const double self_cpu = bench::self_cpu_seconds() - self_cpu0;
  if (perf_pid > 0) {
    kill(perf_pid, SIGINT);
    int status = 0;
    waitpid(perf_pid, &status, 0);
  }
  const double peak_rss = bench::status_mib(pid, "VmHWM"), rss = bench::status_mib(pid, "VmRSS");
  stop_server();

  WorkerStats all;
  for (auto& s : stats) {
    all.latency_ms.insert(all.latency_ms.end(), s.latency_ms.begin(), s.latency_ms.end());
    all.cosigned += s.cosigned;
    all.failures += s.failures;
    all.proofs += s.proofs;
    all.proof_lines += s.proof_lines;
    all.max_proof_lines = std::max(all.max_proof_lines, s.max_proof_lines);
    all.build_ns += s.build_ns;
    all.verify_ns += s.verify_ns;
    all.sign_ns += s.sign_ns;
    for (auto& e : s.errors)
      if (all.errors.size() < 10) all.errors.push_back(e);
  }
  std::sort(all.latency_ms.begin(), all.latency_ms.end());
  std::uint64_t min_size = UINT64_MAX, max_size = 0, total_entries = 0;
  for (auto& log : logs) {
    min_size = std::min(min_size, log->tree.size());
    max_size = std::max(max_size, log->tree.size());
    total_entries += log->tree.size();
  }
  const std::size_t requests = all.latency_ms.size();
  const double rate = static_cast<double>(all.cosigned) / wall;

  const std::string location =
      args.database_url.empty() ? (data_dir / "l2.db").string() : args.database_url;
  std::printf("witness: %d logs x %d rounds of 1..%d entries, %d connections (store: %s)\n",
              args.logs, args.rounds, args.entries, threads,
              args.database_url.empty() ? "sqlite" : "postgresql");
  std::printf("  add-checkpoint requests:    %zu, cosigned and verified %llu, failures %llu\n",
              requests, static_cast<unsigned long long>(all.cosigned),
              static_cast<unsigned long long>(all.failures));
  for (auto& e : all.errors) std::printf("    failure: %s\n", e.c_str());
  std::printf("  log sizes reached:          %llu..%llu entries (%llu in all)\n",
              static_cast<unsigned long long>(min_size), static_cast<unsigned long long>(max_size),
              static_cast<unsigned long long>(total_entries));
  std::printf("  wall:                       %.2f s\n", wall);
  print_rate_vs("cosignatures/s (wall)", rate, args.sign_rate, "ed25519 sign/s (1 core)");
  std::printf("  latency per add-checkpoint: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              percentile(all.latency_ms, 0.50), percentile(all.latency_ms, 0.99),
              all.latency_ms.empty() ? 0.0 : all.latency_ms.back());
  std::printf("  server CPU:                 %.2f s (%.2f cores), %.0f us per cosignature\n",
              server_cpu, server_cpu / wall,
              all.cosigned ? server_cpu / static_cast<double>(all.cosigned) * 1e6 : 0.0);
  print_rate_vs("cosignatures per server CPU second",
                static_cast<double>(all.cosigned) / server_cpu, args.sign_rate,
                "ed25519 sign/s (1 core)");
  std::printf("  client CPU:                 %.2f s (log signing, proofs, curl, verifying)\n",
              self_cpu);
  std::printf("  server RSS:                 peak %.1f MiB, at end %.1f MiB\n", peak_rss, rss);
  std::printf(
      "  consistency proofs sent:    %llu, %.1f lines on average, %llu at most\n",
      static_cast<unsigned long long>(all.proofs),
      all.proofs ? static_cast<double>(all.proof_lines) / static_cast<double>(all.proofs) : 0.0,
      static_cast<unsigned long long>(all.max_proof_lines));
  if (all.proofs)
    std::printf("    timed inline (client):    build %.2f us, verify %.2f us per proof\n",
                all.build_ns / static_cast<double>(all.proofs) / 1e3,
                all.verify_ns / static_cast<double>(all.proofs) / 1e3);

  // In-process: consistency proofs at the sizes reached, old = new - (1..entries).
  {
    const int reps = 200;
    struct Pair {
      Log* log;
      std::uint64_t from, to;
      tlog::Hash root1, root2;
      std::vector<tlog::Hash> proof;
    };
    std::vector<Pair> pairs;
    std::mt19937_64 rng(42);
    for (auto& log : logs) {
      const std::uint64_t n = log->tree.size();
      for (int k = 0; k < 8; ++k) {
        const std::uint64_t step = 1 + rng() % static_cast<std::uint64_t>(args.entries);
        if (step < n)
          pairs.push_back({log.get(), n - step, n, log->tree.root(n - step), log->tree.root(), {}});
      }
    }
    if (!pairs.empty()) {
      const int calls = static_cast<int>(pairs.size()) * reps;
      const double build = mean_ns(calls, [&](int i) {
        Pair& p = pairs[static_cast<std::size_t>(i) % pairs.size()];
        p.proof = p.log->tree.consistency_proof(p.from, p.to);
      });
      std::size_t lines = 0;
      for (auto& p : pairs) lines += p.proof.size();
      int bad = 0;
      const double verify = mean_ns(calls, [&](int i) {
        const Pair& p = pairs[static_cast<std::size_t>(i) % pairs.size()];
        if (!tlog::verify_consistency(p.from, p.to, p.proof, p.root1, p.root2)) ++bad;
      });
      std::printf(
          "  consistency proof, in-process, at %llu..%llu leaves (%zu proofs x %d, %.1f lines):\n"
          "    build (MemoryTree) %.2f us, verify %.2f us per proof%s\n",
          static_cast<unsigned long long>(min_size), static_cast<unsigned long long>(max_size),
          pairs.size(), reps, static_cast<double>(lines) / static_cast<double>(pairs.size()),
          build / 1e3, verify / 1e3, bad ? "  (SOME DID NOT VERIFY)" : "");
      if (bad) ++all.failures;
    }
  }
  if (args.big_tree > 0) {
    tlog::MemoryTree big;
    std::mt19937_64 rng(7);
    const auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < args.big_tree; ++i)
      big.append_entry("big entry " + std::to_string(i) + " " + random_hex(rng, 16));
    const double fill = seconds(Clock::now() - t0);
    const std::uint64_t n = big.size();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;
    for (int k = 0; k < 64; ++k) {
      const std::uint64_t to = n - rng() % (n / 4);
      pairs.emplace_back(to - 1 - rng() % static_cast<std::uint64_t>(args.entries), to);
    }
    std::vector<std::vector<tlog::Hash>> proofs(pairs.size());
    std::vector<tlog::Hash> r1(pairs.size()), r2(pairs.size());
    std::size_t lines = 0;
    for (std::size_t k = 0; k < pairs.size(); ++k) {
      r1[k] = big.root(pairs[k].first);
      r2[k] = big.root(pairs[k].second);
    }
    const int reps = 200;
    const double build = mean_ns(static_cast<int>(pairs.size()) * reps, [&](int i) {
      const auto k = static_cast<std::size_t>(i) % pairs.size();
      proofs[k] = big.consistency_proof(pairs[k].first, pairs[k].second);
    });
    for (auto& p : proofs) lines += p.size();
    int bad = 0;
    const double verify = mean_ns(static_cast<int>(pairs.size()) * reps, [&](int i) {
      const auto k = static_cast<std::size_t>(i) % pairs.size();
      if (!tlog::verify_consistency(pairs[k].first, pairs[k].second, proofs[k], r1[k], r2[k]))
        ++bad;
    });
    std::printf(
        "  consistency proof, in-process, at ~%llu leaves (%.1f lines; tree filled in %.1f s):\n"
        "    build (MemoryTree) %.2f us, verify %.2f us per proof%s\n",
        static_cast<unsigned long long>(n), static_cast<double>(lines) / 64.0, fill, build / 1e3,
        verify / 1e3, bad ? "  (SOME DID NOT VERIFY)" : "");
    if (bad) ++all.failures;
  }

  // In-process: the parts of one add-checkpoint, and the whole without HTTP, on the same
  // database (the server is stopped; fresh origins, so the HTTP phase's state is untouched).
  {
    auto store = store::open_store(location, {.pool_size = 2});
    const int n = args.inproc;
    const int nlogs = 10;
    std::vector<std::unique_ptr<Log>> mine;
    std::vector<tlog::VerifierKey> trusted;
    for (int i = 0; i < nlogs; ++i) {
      mine.push_back(std::make_unique<Log>(
          "bench.witness/inproc-" + std::to_string(unix_now()) + "-" + std::to_string(i),
          0xabc0ULL + static_cast<std::uint64_t>(i)));
      trusted.push_back(mine.back()->signer.verifier_key());
    }
    const tlog::CosignatureSigner cosigner("bench.witness/witness", crypto::Ed25519Key::generate());
    services::claim_log::WitnessService service(*store, cosigner, trusted);
    // Bodies made beforehand: n requests, round-robin over the logs, each extending the last.
    struct Prepared {
      std::string body, text;
      std::string origin;
      std::uint64_t size;
      tlog::Hash root;
    };
    std::vector<Prepared> prepared;
    for (int i = 0; i < n; ++i) {
      Log& log = *mine[static_cast<std::size_t>(i % nlogs)];
      const std::uint64_t old_size = log.tree.size();
      log.grow(args.entries);
      const std::string text = log.checkpoint_text();
      std::vector<tlog::Hash> proof;
      if (old_size > 0) proof = log.tree.consistency_proof(old_size, log.tree.size());
      prepared.push_back(
          {tlog::format_add_checkpoint_request(old_size, proof, log.signer.sign(text)), text,
           log.signer.name(), log.tree.size(), log.tree.root()});
    }
    std::vector<tlog::AddCheckpointRequest> parsed(prepared.size());
    const double parse = mean_ns(n, [&](int i) {
      parsed[static_cast<std::size_t>(i)] =
          *tlog::parse_add_checkpoint_request(prepared[static_cast<std::size_t>(i)].body);
    });
    int bad = 0;
    const double note_verify = mean_ns(n, [&](int i) {
      const auto& r = parsed[static_cast<std::size_t>(i)];
      const auto& key = trusted[static_cast<std::size_t>(i % nlogs)];
      if (tlog::verify_note(r.note, std::span(&key, 1)) != tlog::NoteVerdict::verified) ++bad;
    });
    // Roots of the old sizes, for the proofs' verification.
    std::vector<tlog::Hash> old_roots(prepared.size());
    for (std::size_t i = 0; i < prepared.size(); ++i)
      if (i >= static_cast<std::size_t>(nlogs))
        old_roots[i] = prepared[i - static_cast<std::size_t>(nlogs)].root;
    const double proof_verify = mean_ns(n, [&](int i) {
      const auto k = static_cast<std::size_t>(i);
      const auto& r = parsed[k];
      if (r.old_size > 0 &&
          !tlog::verify_consistency(r.old_size, r.checkpoint.size, r.consistency_proof,
                                    old_roots[k], r.checkpoint.root))
        ++bad;
    });
    const int64_t now = unix_now();
    const double cosign = mean_ns(n, [&](int i) {
      (void)cosigner.signature_line(prepared[static_cast<std::size_t>(i)].text,
                                    static_cast<std::uint64_t>(now));
    });
    // The database: the read and the compare-and-swap the service does, on origins of their
    // own ("-cas"), each replacing the one before.
    const double cas = mean_ns(n, [&](int i) {
      const auto& p = prepared[static_cast<std::size_t>(i)];
      const std::string origin = p.origin + "-cas";
      const auto held = store->witnessed_checkpoint(origin);
      std::optional<std::pair<int64_t, std::string>> expected;
      if (held) expected.emplace(held->size, held->root_hex);
      if (!store->replace_witnessed_checkpoint(
              expected, {origin, static_cast<int64_t>(p.size), tlog::hash_hex(p.root),
                         p.body.substr(p.body.find("\n\n") + 2), now}))
        ++bad;
    });
    const double whole = mean_ns(n, [&](int i) {
      if (service.add_checkpoint(prepared[static_cast<std::size_t>(i)].body, now).status != 200)
        ++bad;
    });
    const double http_us = all.cosigned ? server_cpu / static_cast<double>(all.cosigned) * 1e6 : 0;
    std::printf("  one add-checkpoint in-process (%d requests on %d logs, one thread, %s):\n", n,
                nlogs, store->backend().c_str());
    auto part = [&](const char* what, double ns, double reference_rate, const char* ref) {
      std::printf("    %-40s %8.1f us", what, ns / 1e3);
      if (reference_rate > 0)
        std::printf("  | %s %.1f us  ratio %.2f", ref, 1e6 / reference_rate,
                    ns / 1e3 / (1e6 / reference_rate));
      std::printf("\n");
    };
    part("parse the body", parse, 0, "");
    part("verify the log's note signature", note_verify, args.verify_rate,
         "openssl ed25519 verify");
    part("verify the consistency proof", proof_verify, 0, "");
    part("cosign (cosignature/v1 line)", cosign, args.sign_rate, "openssl ed25519 sign");
    part("database read + compare-and-swap", cas, 0, "");
    part("WitnessService::add_checkpoint, whole", whole, 0, "");
    if (http_us > 0)
      std::printf("    %-40s %8.1f us  (server CPU per cosignature over HTTP)\n", "over HTTP",
                  http_us);
    if (bad) {
      std::printf("    IN-PROCESS CHECKS FAILED: %d\n", bad);
      ++all.failures;
    }
    std::printf("  client's own log signing:   %.1f us per checkpoint (inline)\n",
                requests ? all.sign_ns / static_cast<double>(requests) / 1e3 : 0.0);
  }

  const bool ok =
      all.failures == 0 && all.cosigned == requests &&
      requests == static_cast<std::size_t>(args.logs) * static_cast<std::size_t>(args.rounds);
  if (ok)
    std::filesystem::remove_all(data_dir);
  else
    std::printf("  server log kept: %s\n", log_path.c_str());
  std::printf("%s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
