// L1 integration against the real binary and a fake L1 server (fake_l1.py, a real HTTP
// process): POST /assets/record-run on every good and bad path, POST /auth/verify, and the
// renderer attach flow end to end (L2's redirect, the L1 calling back /auth/verify, the
// attachment listed, detach).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "activitypub/ld_signature.h"
#include "crypto/rsa_key.h"
#include "harness.h"

extern char** environ;

namespace artdag::test {
namespace {

const Headers kJson = {"Content-Type: application/json"};

std::string random_hash() {
  static std::mt19937_64 rng(std::random_device{}());
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 64; ++i) out += hex[rng() % 16];
  return out;
}

std::string unique(const std::string& prefix) {
  return prefix + "-" + random_hash().substr(0, 12);
}

// The fake L1 (tests/integration/fake_l1.py) as a child process on a free port.
class FakeL1 {
 public:
  explicit FakeL1(const std::string& l2_url) {
    auto port_file = dir_.path() / "port";
    std::vector<std::string> args = {
        "python3",     std::string(ARTDAG_SOURCE_DIR) + "/tests/integration/fake_l1.py",
        "--l2",        l2_url,
        "--port-file", port_file.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    auto log = (dir_.path() / "fake_l1.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      int port = 0;
      if (in >> port && port > 0) {
        url_ = "http://127.0.0.1:" + std::to_string(port);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~FakeL1() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  FakeL1(const FakeL1&) = delete;
  FakeL1& operator=(const FakeL1&) = delete;

  bool ok() const { return !url_.empty(); }
  const std::string& url() const { return url_; }
  std::string log() const {
    std::ifstream in(dir_.path() / "fake_l1.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Scripts GET /runs/{raw_id} (raw_id as it appears in the request path).
  void script(const std::string& raw_id, const Json& script) const {
    auto r = http_request("PUT", url_ + "/_control/runs/" + raw_id, kJson, script.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void completed_run(const std::string& run_id, const Json& body) const {
    script(run_id, Json{{"kind", "json"}, {"status", 200}, {"body", body}});
  }
  // Raw paths of the /runs and /auth requests it has received, oldest first.
  std::vector<std::string> requests() const {
    auto r = http_request("GET", url_ + "/_control/requests");
    return r.json()["requests"].get<std::vector<std::string>>();
  }
  Json auth_results() const {
    return http_request("GET", url_ + "/_control/auth").json()["results"];
  }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  std::string url_;
};

class L1Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (postgresql_unavailable()) return;
    server_ = new ServerProcess();
    l1_ = new FakeL1(server_->base_url());
    if (!l1_->ok()) {
      ADD_FAILURE() << "fake L1 did not start:\n" << l1_->log();
      return;
    }
    // A port nothing listens on: a configured L1 that refuses connections.
    dead_l1_ = "http://127.0.0.1:" + std::to_string(free_port());
    // Written unnormalised on purpose: L1_SERVERS entries are normalised at start-up.
    server_->env()["L1_SERVERS"] = l1_->url() + "/," + dead_l1_ + ",HTTPS://L1.Example.COM:443/";
    if (!server_->start()) ADD_FAILURE() << "server did not start:\n" << server_->log();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete l1_;
    l1_ = nullptr;
  }
  void SetUp() override {
    if (postgresql_unavailable())
      GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(l1_ && l1_->ok());
    ASSERT_TRUE(server_->running()) << server_->log();
  }

  static std::string url(const std::string& path) { return server_->url(path); }
  static FakeL1& l1() { return *l1_; }

  static Headers auth(const std::string& token) {
    return {"Content-Type: application/json", "Authorization: Bearer " + token};
  }

  // A completed run of `username` producing a fresh hash.
  static Json run_body(const std::string& run_id, const std::string& username) {
    return Json{{"run_id", run_id},
                {"status", "completed"},
                {"recipe", "dog-effect"},
                {"inputs", {random_hash(), random_hash()}},
                {"output_hash", random_hash()},
                {"output_ipfs_cid", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"},
                {"output_type", "video"},
                {"username", username},
                {"created_at", "2026-01-02T03:04:05Z"},
                {"completed_at", "2026-01-02T03:05:00Z"}};
  }

  static HttpResult record(const std::string& token, const std::string& run_id,
                           const std::string& output_name, const std::string& l1_server = "") {
    Json body{{"run_id", run_id},
              {"l1_server", l1_server.empty() ? l1_->url() : l1_server},
              {"output_name", output_name}};
    return http_request("POST", url("/assets/record-run"), auth(token), body.dump());
  }

  // Registers a plain asset and returns its activity index: two probes around a failure
  // show whether the failure consumed an index (they must be consecutive).
  static int64_t probe_index(const std::string& token) {
    Json body{{"name", unique("probe")}, {"content_hash", random_hash()}, {"asset_type", "image"}};
    auto r = http_request("POST", url("/assets"), auth(token), body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return -100;
    return r.json()["asset"]["activity_index"].get<int64_t>();
  }

  // A failed record-run: the status, a detail, and nothing stored under the name.
  static void expect_refused(const HttpResult& r, long status, const std::string& name,
                             const std::string& detail_part = "") {
    EXPECT_EQ(r.status, status) << r.body;
    Json body = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    ASSERT_TRUE(body["detail"].is_string()) << r.body;
    EXPECT_FALSE(body["detail"].get<std::string>().empty());
    if (!detail_part.empty()) {
      EXPECT_NE(body["detail"].get<std::string>().find(detail_part), std::string::npos) << r.body;
    }
    EXPECT_EQ(http_request("GET", url("/assets/" + name)).status, 404) << name << " was stored";
  }

  static inline ServerProcess* server_ = nullptr;
  static inline FakeL1* l1_ = nullptr;
  static inline std::string dead_l1_;
};

TEST_F(L1Api, RecordsACompletedRunWithItsProvenance) {
  std::string token = register_user(*server_, "renderer_ann");
  std::string run_id = unique("run-ok");
  Json run = run_body(run_id, "renderer_ann");
  l1().completed_run(run_id, run);
  std::string name = unique("rendered");

  // The server URL is given unnormalised: it still matches the configured entry.
  auto r = record(token, run_id, name, "HTTP://127.0.0.1:" + l1().url().substr(17) + "/");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("location"), url("/assets/" + name));
  EXPECT_EQ(l1().requests().back(), "/runs/" + run_id);

  Json expected_provenance{{"l1_server", l1().url()},
                           {"run_id", run_id},
                           {"recipe", "dog-effect"},
                           {"inputs", run["inputs"]},
                           {"completed_at", "2026-01-02T03:05:00Z"}};
  Json asset = r.json()["asset"];
  EXPECT_EQ(asset["name"], name);
  EXPECT_EQ(asset["owner"], "renderer_ann");
  EXPECT_EQ(asset["content_hash"], run["output_hash"]);
  EXPECT_EQ(asset["asset_type"], "video");
  EXPECT_EQ(asset["ipfs_cid"], run["output_ipfs_cid"]);
  EXPECT_EQ(asset["provenance"], expected_provenance);

  auto got = http_request("GET", url("/assets/" + name));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["provenance"], expected_provenance);

  auto object = http_request("GET", url("/objects/" + run["output_hash"].get<std::string>()));
  ASSERT_EQ(object.status, 200) << object.body;
  EXPECT_EQ(object.json()["provenance"], expected_provenance);
  EXPECT_EQ(object.json()["ipfsCid"], run["output_ipfs_cid"]);
  EXPECT_EQ(object.json()["type"], "Video");

  int64_t index = asset["activity_index"].get<int64_t>();
  auto activity = http_request("GET", url("/activities/" + std::to_string(index)));
  ASSERT_EQ(activity.status, 200) << activity.body;
  Json act = activity.json();
  EXPECT_EQ(act, r.json()["activity"]);
  EXPECT_EQ(act["type"], "Create");
  EXPECT_EQ(act["actor"], url("/users/renderer_ann"));
  EXPECT_EQ(act["object"]["provenance"], expected_provenance);

  // The claim verifies with the actor's published key and nothing else.
  auto actor =
      http_request("GET", url("/users/renderer_ann"), {"Accept: application/activity+json"});
  ASSERT_EQ(actor.status, 200);
  auto key =
      crypto::RsaKey::from_public_pem(actor.json()["publicKey"]["publicKeyPem"].get<std::string>());
  auto check = activitypub::verify_claim(act, key);
  EXPECT_TRUE(check.valid) << check.reason;
  EXPECT_EQ(act["signature"]["creator"], url("/users/renderer_ann#main-key"));

  // The same run again, under another name: 409 before L1 is asked again.
  auto before = l1().requests().size();
  auto again = record(token, run_id, unique("again"));
  expect_refused(again, 409, "no-such-asset", "already recorded");
  EXPECT_EQ(l1().requests().size(), before);
}

TEST_F(L1Api, OutputTypeDefaultsToVideoAndMapsMediaTypes) {
  std::string token = register_user(*server_, "renderer_typ");
  std::string run_a = unique("run-notype");
  Json a = run_body(run_a, "renderer_typ");
  a.erase("output_type");
  a.erase("output_ipfs_cid");
  a.erase("completed_at");
  a.erase("inputs");
  l1().completed_run(run_a, a);
  auto ra = record(token, run_a, unique("notype"));
  ASSERT_EQ(ra.status, 201) << ra.body;
  EXPECT_EQ(ra.json()["asset"]["asset_type"], "video");
  EXPECT_TRUE(ra.json()["asset"]["ipfs_cid"].is_null());
  EXPECT_EQ(ra.json()["asset"]["provenance"], (Json{{"l1_server", l1().url()},
                                                    {"run_id", run_a},
                                                    {"recipe", "dog-effect"},
                                                    {"inputs", Json::array()}}));

  std::string run_b = unique("run-png");
  Json b = run_body(run_b, "Renderer_Typ");  // L1's username is matched case-insensitively
  b["output_type"] = "image/png";
  l1().completed_run(run_b, b);
  auto rb = record(token, run_b, unique("png"));
  ASSERT_EQ(rb.status, 201) << rb.body;
  EXPECT_EQ(rb.json()["asset"]["asset_type"], "image");
}

TEST_F(L1Api, OnlyConfiguredL1ServersAreContacted) {
  std::string token = register_user(*server_, "renderer_cfg");
  int64_t first = probe_index(token);
  auto before = l1().requests().size();
  for (const std::string& server :
       {std::string("http://127.0.0.1:1"), std::string("https://evil.example.com"),
        l1().url() + "/elsewhere", std::string("not a url"), std::string("ftp://127.0.0.1/"),
        std::string("http://user:pw@") + l1().url().substr(7)}) {
    std::string name = unique("cfg");
    expect_refused(record(token, "run-anything", name, server), 403, name);
  }
  EXPECT_EQ(l1().requests().size(), before) << "a request left for an unlisted server";
  EXPECT_EQ(probe_index(token), first + 1);
}

TEST_F(L1Api, RequestIsCheckedBeforeAnythingIsFetched) {
  std::string token = register_user(*server_, "renderer_req");
  auto before = l1().requests().size();
  std::string name = unique("req");
  // No token.
  auto anon =
      http_request("POST", url("/assets/record-run"), kJson,
                   Json{{"run_id", "x"}, {"l1_server", l1().url()}, {"output_name", name}}.dump());
  expect_refused(anon, 401, name);
  // Bad run ids, a bad name, missing and unknown members.
  for (const std::string& bad_id : {std::string(".."), std::string("."), std::string("has space"),
                                    std::string(129, 'a'), std::string("tab\there")})
    expect_refused(record(token, bad_id, name), 422, name, "run_id");
  expect_refused(record(token, "run-x", "-bad"), 422, "-bad");
  expect_refused(http_request("POST", url("/assets/record-run"), auth(token),
                              Json{{"run_id", "x"}, {"l1_server", l1().url()}}.dump()),
                 422, name, "output_name");
  expect_refused(
      http_request(
          "POST", url("/assets/record-run"), auth(token),
          Json{{"run_id", "x"}, {"l1_server", l1().url()}, {"output_name", name}, {"extra", 1}}
              .dump()),
      422, name, "extra");
  expect_refused(
      http_request("POST", url("/assets/record-run"),
                   {"Authorization: Bearer " + token, "Content-Type: text/plain"}, "run_id=x"),
      415, name);
  EXPECT_EQ(l1().requests().size(), before);
}

TEST_F(L1Api, RunIdIsOneEncodedPathSegment) {
  std::string token = register_user(*server_, "renderer_enc");
  std::string name = unique("enc");
  auto r = record(token, "a/../../b?x=1#f%", name);
  expect_refused(r, 404, name);
  EXPECT_EQ(l1().requests().back(), "/runs/a%2F..%2F..%2Fb%3Fx%3D1%23f%25");

  // A scripted run with such an id is found under its encoded segment and recorded.
  std::string run_id = "odd/id?" + random_hash().substr(0, 8);
  std::string encoded = "odd%2Fid%3F" + run_id.substr(7);
  l1().completed_run(encoded, run_body(run_id, "renderer_enc"));
  auto ok = record(token, run_id, name);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json()["asset"]["provenance"]["run_id"], run_id);
}

TEST_F(L1Api, RunsThatCannotBeRecorded) {
  std::string token = register_user(*server_, "renderer_bad");
  register_user(*server_, "renderer_other");
  int64_t first = probe_index(token);

  struct Case {
    std::string what;
    std::function<void(Json&)> edit;
    long status;
    std::string detail_part;
  };
  std::vector<Case> cases = {
      {"running", [](Json& j) { j["status"] = "running"; }, 409, "running"},
      {"failed", [](Json& j) { j["status"] = "failed"; }, 409, "failed"},
      {"pending",
       [](Json& j) {
         j["status"] = "pending";
         j.erase("output_hash");
       },
       409, "pending"},
      {"other user's", [](Json& j) { j["username"] = "renderer_other"; }, 403, "another user"},
      {"other user's running",
       [](Json& j) {
         j["username"] = "renderer_other";
         j["status"] = "running";
       },
       403, ""},
      {"ownerless", [](Json& j) { j.erase("username"); }, 403, ""},
      {"no output hash", [](Json& j) { j.erase("output_hash"); }, 422, "output_hash"},
      {"short output hash", [](Json& j) { j["output_hash"] = "abc123"; }, 422, "output_hash"},
      {"upper-case output hash", [](Json& j) { j["output_hash"] = std::string(64, 'A'); }, 422,
       "output_hash"},
      {"bad inputs", [](Json& j) { j["inputs"] = Json::array({"not-a-hash"}); }, 422, "inputs"},
      {"inputs not a list", [](Json& j) { j["inputs"] = random_hash(); }, 422, "inputs"},
      {"no recipe", [](Json& j) { j.erase("recipe"); }, 422, "recipe"},
      {"recipe not a string",
       [](Json& j) {
         j["recipe"] = Json{{"a", 1}};
       },
       422, "recipe"},
      {"unknown output type", [](Json& j) { j["output_type"] = "hologram"; }, 422, "output_type"},
      {"float completed_at", [](Json& j) { j["completed_at"] = 1.5; }, 422, "completed_at"},
      {"bad cid", [](Json& j) { j["output_ipfs_cid"] = "Qm<script>"; }, 422, "cid"},
      {"another run", [](Json& j) { j["run_id"] = "some-other-run"; }, 502, "another run"},
      {"no status", [](Json& j) { j.erase("status"); }, 502, "status"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::string run_id = unique("run-bad");
    Json body = run_body(run_id, "renderer_bad");
    c.edit(body);
    l1().completed_run(run_id, body);
    std::string name = unique("bad");
    expect_refused(record(token, run_id, name), c.status, name, c.detail_part);
  }
  EXPECT_EQ(probe_index(token), first + 1) << "a refused run consumed an activity index";
}

TEST_F(L1Api, OwnershipConflictsComeFromTheRegistry) {
  std::string token = register_user(*server_, "renderer_own");
  std::string owned = random_hash();
  auto reg = http_request(
      "POST", url("/assets"), auth(token),
      Json{{"name", unique("owned")}, {"content_hash", owned}, {"asset_type", "video"}}.dump());
  ASSERT_EQ(reg.status, 201) << reg.body;
  std::string taken_name = reg.json()["asset"]["name"];
  int64_t first = probe_index(token);

  std::string run_id = unique("run-dup-hash");
  Json body = run_body(run_id, "renderer_own");
  body["output_hash"] = owned;
  l1().completed_run(run_id, body);
  std::string name = unique("dup");
  expect_refused(record(token, run_id, name), 409, name, "already owned");

  std::string run_2 = unique("run-dup-name");
  l1().completed_run(run_2, run_body(run_2, "renderer_own"));
  auto r = record(token, run_2, taken_name);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(probe_index(token), first + 1);
}

TEST_F(L1Api, L1FailuresAreBadGatewayInBoundedTime) {
  std::string token = register_user(*server_, "renderer_gw");
  int64_t first = probe_index(token);
  std::string completed = unique("run-target");
  l1().completed_run(completed, run_body(completed, "renderer_gw"));

  struct Case {
    std::string what;
    Json script;  // null: not scripted (404)
    long status;
    std::string detail_part;
  };
  std::vector<Case> cases = {
      {"unknown run", nullptr, 404, "no run"},
      {"500", Json{{"kind", "json"}, {"status", 500}, {"body", {{"detail", "boom"}}}}, 502, "500"},
      {"503 text", Json{{"kind", "raw"}, {"status", 503}, {"body", "down"}}, 502, "503"},
      {"401", Json{{"kind", "json"}, {"status", 401}, {"body", {{"detail", "who"}}}}, 502, "401"},
      {"non-JSON",
       Json{{"kind", "raw"},
            {"status", 200},
            {"body", "<html>hello</html>"},
            {"content_type", "text/html"}},
       502, "JSON"},
      {"JSON array",
       Json{{"kind", "raw"},
            {"status", 200},
            {"body", "[1,2]"},
            {"content_type", "application/json"}},
       502, "JSON"},
      {"truncated JSON",
       Json{{"kind", "raw"},
            {"status", 200},
            {"body", "{\"status\": \"compl"},
            {"content_type", "application/json"}},
       502, "JSON"},
      {"lone surrogate",
       Json{{"kind", "raw"}, {"status", 200}, {"body", "{\"status\": \"\\udcff\"}"}}, 502, ""},
      {"50 MB body", Json{{"kind", "huge"}, {"bytes", 50 * 1024 * 1024}, {"content_length", true}},
       502, "larger"},
      {"50 MB body without length",
       Json{{"kind", "huge"}, {"bytes", 50 * 1024 * 1024}, {"content_length", false}}, 502,
       "larger"},
      {"redirect elsewhere",
       Json{{"kind", "redirect"}, {"location", l1().url() + "/runs/" + completed}}, 502,
       "redirect"},
      {"permanent redirect",
       Json{{"kind", "redirect"}, {"status", 308}, {"location", "http://127.0.0.1:1/"}}, 502,
       "redirect"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    std::string run_id = unique("run-gw");
    if (!c.script.is_null()) l1().script(run_id, c.script);
    std::string name = unique("gw");
    auto start = std::chrono::steady_clock::now();
    expect_refused(record(token, run_id, name), c.status, name, c.detail_part);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
  // The redirect target was never fetched.
  for (const auto& path : l1().requests()) EXPECT_NE(path, "/runs/" + completed);

  // Refused connection: a configured L1 that is down.
  std::string name = unique("gw-down");
  expect_refused(record(token, "run-1", name, dead_l1_), 502, name, "connect");

  EXPECT_EQ(probe_index(token), first + 1);
}

TEST_F(L1Api, NeverEndingAnswerFailsWithinTheTimeout) {
  std::string token = register_user(*server_, "renderer_slow");
  int64_t first = probe_index(token);
  std::string run_id = unique("run-trickle");
  l1().script(run_id, Json{{"kind", "trickle"}});
  std::string name = unique("slow");
  auto start = std::chrono::steady_clock::now();
  auto r = record(token, run_id, name);
  auto elapsed = std::chrono::steady_clock::now() - start;
  expect_refused(r, 502, name, "did not answer");
  EXPECT_GE(elapsed, std::chrono::seconds(9));
  EXPECT_LT(elapsed, std::chrono::seconds(13));
  EXPECT_EQ(probe_index(token), first + 1);
}

TEST_F(L1Api, AuthVerifyAnswersOnlyListedL1Servers) {
  std::string token = register_user(*server_, "renderer_ver");
  auto verify = [](const std::string& l1_server, const std::optional<std::string>& bearer) {
    Headers h = kJson;
    if (bearer) h.push_back("Authorization: Bearer " + *bearer);
    return http_request("POST", url("/auth/verify"), h, Json{{"l1_server", l1_server}}.dump());
  };
  // The token an L1 gets: from the attach redirect (not followed here).
  auto l1_token_for = [&](const std::string& l1_server) {
    auto attach = http_request("POST", url("/renderers/attach"), auth(token),
                               Json{{"l1_server", l1_server}}.dump());
    EXPECT_EQ(attach.status, 302) << attach.body;
    const std::string location = attach.header("location");
    return location.substr(location.find("auth_token=") + 11);
  };

  auto ok = verify(l1().url(), l1_token_for(l1().url()));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), (Json{{"valid", true},
                             {"username", "renderer_ver"},
                             {"actor_id", url("/users/renderer_ver")}}));
  EXPECT_EQ(verify(l1().url() + "/", l1_token_for(l1().url())).status, 200);  // normalised
  EXPECT_EQ(verify("HTTPS://l1.example.com", l1_token_for("https://l1.example.com")).status, 200);

  // Single use.
  const std::string once = l1_token_for(l1().url());
  EXPECT_EQ(verify(l1().url(), once).status, 200);
  EXPECT_EQ(verify(l1().url(), once).status, 401);
  // Bound to its L1: another listed L1 cannot use it.
  EXPECT_EQ(verify("https://l1.example.com", l1_token_for(l1().url())).status, 401);
  // A session token is not an L1 token, and an L1 token is no session.
  auto session = verify(l1().url(), token);
  EXPECT_EQ(session.status, 401);
  const std::string unused = l1_token_for(l1().url());
  EXPECT_EQ(http_request("GET", url("/auth/me"), auth(unused)).status, 401);

  // Unlisted callers learn nothing about the token: 403 whatever it is.
  for (const std::string& other :
       {std::string("http://127.0.0.1:1"), std::string("https://evil.example.com"),
        std::string("junk"), l1().url() + "/sub"}) {
    EXPECT_EQ(verify(other, unused).status, 403) << other;
    EXPECT_EQ(verify(other, std::string("garbage")).status, 403) << other;
    EXPECT_EQ(verify(other, std::nullopt).status, 403) << other;
  }
  auto missing = http_request("POST", url("/auth/verify"), auth(unused), "{}");
  EXPECT_EQ(missing.status, 422) << missing.body;

  // Listed caller, bad tokens: 401.
  EXPECT_EQ(verify(l1().url(), std::nullopt).status, 401);
  EXPECT_EQ(verify(l1().url(), std::string("garbage")).status, 401);
  EXPECT_EQ(verify(l1().url(), unused + "x").status, 401);
  EXPECT_EQ(verify(l1().url(), unused).status, 200);
}

TEST_F(L1Api, AttachFlowEndToEnd) {
  std::string token = register_user(*server_, "renderer_att");
  const std::vector<std::string> configured = {l1().url(), dead_l1_, "https://l1.example.com"};

  // Anonymous: every configured server, nothing attached.
  auto anon = http_request("GET", url("/renderers"));
  ASSERT_EQ(anon.status, 200) << anon.body;
  ASSERT_EQ(anon.json()["renderers"].size(), 3u);
  for (size_t i = 0; i < configured.size(); ++i) {
    EXPECT_EQ(anon.json()["renderers"][i]["l1_server"], configured[i]);
    EXPECT_EQ(anon.json()["renderers"][i]["attached"], false);
    EXPECT_EQ(anon.json()["renderers"][i]["configured"], true);
  }
  EXPECT_EQ(http_request("GET", url("/renderers"), {"Authorization: Bearer nope"}).status, 401);

  // Attach: recorded, and the browser is sent to the L1 with the token.
  auto attach = http_request("POST", url("/renderers/attach"), auth(token),
                             Json{{"l1_server", l1().url() + "/"}}.dump());
  ASSERT_EQ(attach.status, 302) << attach.body;
  std::string location = attach.header("location");
  // The L1 gets a token of its own (JWT characters need no escaping), not the session's.
  const std::string prefix = l1().url() + "/auth?auth_token=";
  ASSERT_EQ(location.rfind(prefix, 0), 0u) << location;
  const std::string l1_token = location.substr(prefix.size());
  EXPECT_NE(l1_token, token);
  EXPECT_EQ(attach.header("cache-control"), "no-store");

  // The browser follows it; the L1 calls back /auth/verify with the token.
  auto landed = http_request("GET", location);
  ASSERT_EQ(landed.status, 200) << landed.body;
  Json outcome = landed.json();
  EXPECT_EQ(outcome["token"], l1_token);
  EXPECT_EQ(outcome["status"], 200) << outcome.dump();
  EXPECT_EQ(outcome["body"]["valid"], true);
  EXPECT_EQ(outcome["body"]["username"], "renderer_att");
  EXPECT_EQ(outcome["body"]["actor_id"], url("/users/renderer_att"));
  EXPECT_EQ(l1().auth_results().back(), outcome);

  auto listed = http_request("GET", url("/renderers"), {"Authorization: Bearer " + token});
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json()["username"], "renderer_att");
  Json entries = listed.json()["renderers"];
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["l1_server"], l1().url());
  EXPECT_EQ(entries[0]["attached"], true);
  EXPECT_TRUE(entries[0]["attached_at"].is_string());
  EXPECT_EQ(entries[1]["attached"], false);
  EXPECT_TRUE(entries[1]["attached_at"].is_null());
  // Another user sees nothing attached.
  std::string other = register_user(*server_, "renderer_att2");
  auto theirs = http_request("GET", url("/renderers"), {"Authorization: Bearer " + other});
  EXPECT_EQ(theirs.json()["renderers"][0]["attached"], false);

  // Attaching again keeps one attachment; a form works too.
  auto again = http_request(
      "POST", url("/renderers/attach"),
      {"Authorization: Bearer " + token, "Content-Type: application/x-www-form-urlencoded"},
      "l1_server=" + l1().url());
  EXPECT_EQ(again.status, 302) << again.body;

  // Only configured servers; a token is required.
  auto unlisted = http_request("POST", url("/renderers/attach"), auth(token),
                               Json{{"l1_server", "https://evil.example.com"}}.dump());
  EXPECT_EQ(unlisted.status, 403) << unlisted.body;
  EXPECT_TRUE(unlisted.header("location").empty());
  EXPECT_EQ(
      http_request("POST", url("/renderers/attach"), kJson, Json{{"l1_server", l1().url()}}.dump())
          .status,
      401);

  // Detach.
  auto detach = http_request("POST", url("/renderers/detach"), auth(token),
                             Json{{"l1_server", l1().url()}}.dump());
  ASSERT_EQ(detach.status, 200) << detach.body;
  EXPECT_EQ(detach.json()["detached"], true);
  EXPECT_EQ(detach.json()["attached"], false);
  auto after = http_request("GET", url("/renderers"), {"Authorization: Bearer " + token});
  EXPECT_EQ(after.json()["renderers"][0]["attached"], false);
  auto twice = http_request("POST", url("/renderers/detach"), auth(token),
                            Json{{"l1_server", l1().url()}}.dump());
  EXPECT_EQ(twice.status, 200);
  EXPECT_EQ(twice.json()["detached"], false);
  EXPECT_EQ(http_request("POST", url("/renderers/detach"), auth(token),
                         Json{{"l1_server", "https://evil.example.com"}}.dump())
                .status,
            403);
  EXPECT_EQ(
      http_request("POST", url("/renderers/detach"), kJson, Json{{"l1_server", l1().url()}}.dump())
          .status,
      401);

  // After logout the L1 is told the token is no longer good.
  ASSERT_EQ(http_request("POST", url("/auth/logout"), {"Authorization: Bearer " + token}).status,
            200);
  auto stale = http_request("GET", location);
  ASSERT_EQ(stale.status, 200);
  EXPECT_EQ(stale.json()["status"], 401);
}

}  // namespace
}  // namespace artdag::test
