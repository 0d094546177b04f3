#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace artdag::test {

namespace {
size_t collect_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t collect_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

std::string random_suffix() {
  std::random_device rd;
  std::ostringstream out;
  out << std::hex << rd() << rd();
  return out.str();
}
}  // namespace

Json HttpResult::json() const {
  return Json::parse(body);
}

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

HttpResult http_request(const std::string& method, const std::string& url, const Headers& headers,
                        const std::optional<std::string>& body, long timeout_ms,
                        const std::string& from) {
  static const bool initialised = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }();
  (void)initialised;
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  // libcurl adds "Expect: 100-continue" for large bodies; the tests want plain requests.
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  std::string interface = "host!" + from;
  if (!from.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

int connect_from(const std::string& from, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, from.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  remote.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

double metric_sample(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

bool using_postgresql() {
  const char* backend = std::getenv("ARTDAG_TEST_BACKEND");
  return backend && std::string(backend) == "postgresql";
}

std::string fresh_database_url() {
  if (!using_postgresql()) return "";
  const char* base = std::getenv("ARTDAG_TEST_PG_URL");
  if (!base || !*base) return "";
  std::string schema = "it_" + random_suffix();
  PGconn* conn = PQconnectdb(base);
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << base << ": " << PQerrorMessage(conn);
    PQfinish(conn);
    return "";
  }
  PGresult* res = PQexec(conn, ("CREATE SCHEMA " + schema).c_str());
  if (PQresultStatus(res) != PGRES_COMMAND_OK) ADD_FAILURE() << PQerrorMessage(conn);
  PQclear(res);
  PQfinish(conn);
  std::string url = base;
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "options=-csearch_path%3D" + schema;
  return url;
}

namespace {
// The lowest port the kernel hands out to sockets bound to port 0 (and outgoing connections).
int ephemeral_port_floor() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  range >> low;
  return low > 12000 ? low : 32768;
}

bool bindable(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}
}  // namespace

// ctest runs the SQLite and the PostgreSQL halves of this binary at once, beside the browser
// and API suites. A port found free by binding port 0 and closing it could be handed to the
// other half before our server binds it; then our health check is answered by the other
// half's server. So servers get ports below the kernel's ephemeral range (which port-0 binds
// and outgoing connections never use), each backend its own half of it, taken in turn.
int free_port() {
  constexpr int kFloor = 10000;
  const int half = (ephemeral_port_floor() - kFloor) / 2;
  const int base = kFloor + (using_postgresql() ? half : 0);
  static std::atomic<int> next{static_cast<int>(getpid() % half)};
  for (int tries = 0; tries < half; ++tries) {
    const int port = base + next++ % half;
    if (bindable(port)) return port;
  }
  ADD_FAILURE() << "no free port in [" << base << ", " << base + half << ")";
  return 0;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/artdag-it-XXXXXX";
  path_ = mkdtemp(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(std::map<std::string, std::string> env) : env_(std::move(env)) {
  port_ = free_port();
  base_url_ = "http://127.0.0.1:" + std::to_string(port_);
  if (!env_.count("DATABASE_URL") && using_postgresql())
    env_["DATABASE_URL"] = fresh_database_url();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

std::vector<std::string> ServerProcess::environment() const {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/bin:/bin"},
      {"HOME", data_dir_.path().string()},
      {"ARTDAG_DATA", data_dir_.path().string()},
      {"ARTDAG_DOMAIN", "127.0.0.1:" + std::to_string(port_)},
      {"ARTDAG_BASE_URL", base_url_},
      {"ARTDAG_USER", "giles"},
      {"HOST", "127.0.0.1"},
      {"PORT", std::to_string(port_)},
      {"JWT_SECRET", "integration-test-secret-0123456789"},
      {"ARTDAG_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128"},
      {"ASAN_OPTIONS", "detect_leaks=1"},
      // Suites register and log in many users from 127.0.0.1; limits_test sets its own.
      {"ARTDAG_AUTH_ATTEMPTS_PER_IP", "100000"},
      {"ARTDAG_LOGIN_FAILURES_PER_ACCOUNT", "100000"},
  };
  for (const auto& [k, v] : env_) env[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : env)
    if (!v.empty() || k == "JWT_SECRET") out.push_back(k + "=" + v);
  return out;
}

namespace {
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& log_path, int stdin_fd) {
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  pid_t pid = -1;
  if (posix_spawn(&pid, ARTDAG_SERVER_BINARY, &actions, nullptr, argv.data(), envp.data()) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}
}  // namespace

bool ServerProcess::start(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {ARTDAG_SERVER_BINARY, "serve"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(args, environment(), (data_dir_.path() / "server.log").string(), -1);
  if (pid_ <= 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return false;
    auto r = http_request("GET", url("/health"), {}, std::nullopt, 1000);
    if (r.status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ServerProcess::stop(int signal_number) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal_number);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::string ServerProcess::log() const {
  std::ifstream in(data_dir_.path() / "server.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<store::Store> ServerProcess::open_store(int pool_size) {
  auto it = env_.find("DATABASE_URL");
  std::string location =
      it != env_.end() && !it->second.empty() ? it->second : (data_dir_.path() / "l2.db").string();
  return store::open_store(location, {.pool_size = pool_size});
}

int ServerProcess::run_command(const std::vector<std::string>& args, std::string* output,
                               const std::string& stdin_text) {
  std::vector<std::string> argv = {ARTDAG_SERVER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  auto log_path = data_dir_.path() / ("command-" + random_suffix() + ".log");
  int pipe_fds[2] = {-1, -1};
  if (pipe(pipe_fds) != 0) return -1;
  pid_t pid = spawn(argv, environment(), log_path.string(), pipe_fds[0]);
  close(pipe_fds[0]);
  if (!stdin_text.empty()) {
    ssize_t written = write(pipe_fds[1], stdin_text.data(), stdin_text.size());
    (void)written;
  }
  close(pipe_fds[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (output) {
    std::ifstream in(log_path);
    std::stringstream ss;
    ss << in.rdbuf();
    *output = ss.str();
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string register_user(ServerProcess& server, const std::string& username,
                          const std::string& password) {
  auto r = http_request("POST", server.url("/auth/register"), {"Content-Type: application/json"},
                        Json{{"username", username}, {"password", password}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return "";
  return r.json()["access_token"].get<std::string>();
}

std::string served_line(ServerProcess& server, const std::string& path) {
  auto r = http_request("GET", server.url(path));
  EXPECT_EQ(r.status, 200) << path << ": " << r.body;
  return r.body.substr(0, r.body.find('\n'));
}

void run_sql(ServerProcess& server, const std::string& sql) {
  if (using_postgresql()) {
    PGconn* conn = PQconnectdb(server.env()["DATABASE_URL"].c_str());
    ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* result = PQexec(conn, sql.c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_COMMAND_OK) << PQerrorMessage(conn) << sql;
    PQclear(result);
    PQfinish(conn);
  } else {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((server.data_dir() / "l2.db").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db) << ": " << sql;
    sqlite3_close(db);
  }
}

std::pair<LogKeys, LogKeys> witness_each_other(ServerProcess& a, ServerProcess& b) {
  std::pair<LogKeys, LogKeys> keys;
  [&] {
    ASSERT_TRUE(a.start()) << a.log();
    ASSERT_TRUE(b.start()) << b.log();
    keys = {{served_line(a, "/log/key"), served_line(a, "/log/witness/key")},
            {served_line(b, "/log/key"), served_line(b, "/log/witness/key")}};
    a.stop();
    b.stop();
    a.env()["ARTDAG_WITNESS_FOR"] = keys.second.log;
    a.env()["ARTDAG_WITNESSES"] = keys.second.witness + " " + b.url("/log/witness");
    b.env()["ARTDAG_WITNESS_FOR"] = keys.first.log;
    b.env()["ARTDAG_WITNESSES"] = keys.first.witness + " " + a.url("/log/witness");
    ASSERT_TRUE(a.start()) << a.log();
    ASSERT_TRUE(b.start()) << b.log();
  }();
  return keys;
}

}  // namespace artdag::test

namespace artdag::test {

bool postgresql_unavailable() {
  const char* url = std::getenv("ARTDAG_TEST_PG_URL");
  return using_postgresql() && (!url || !*url);
}

void SharedServerTest::SetUpTestSuite() {
  if (postgresql_unavailable()) return;
  server_ = new ServerProcess(suite_env_);
  if (!server_->start()) ADD_FAILURE() << "server did not start:\n" << server_->log();
}

void SharedServerTest::TearDownTestSuite() {
  delete server_;
  server_ = nullptr;
}

void SharedServerTest::SetUp() {
  if (postgresql_unavailable())
    GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set: PostgreSQL half skipped";
  ASSERT_NE(server_, nullptr);
  ASSERT_TRUE(server_->running()) << server_->log();
}

}  // namespace artdag::test
