#include "config/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "util/url.h"

namespace artdag {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Config, DefaultsFollowDesign) {
  Config c = load_config(env_of({{"HOME", "/home/x"}}));
  EXPECT_EQ(c.domain, "artdag.rose-ash.com");
  EXPECT_EQ(c.base_url, "https://artdag.rose-ash.com");
  EXPECT_EQ(c.instance_user, "giles");
  EXPECT_EQ(c.data_dir, std::filesystem::path("/home/x/.artdag/l2"));
  EXPECT_FALSE(c.uses_postgresql());
  EXPECT_EQ(c.store_location(), "/home/x/.artdag/l2/l2.db");
  ASSERT_EQ(c.l1_servers.size(), 1u);
  EXPECT_EQ(c.l1_servers[0], "https://celery-artdag.rose-ash.com");
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 8200);
  EXPECT_TRUE(c.allow_private_networks.empty());
}

TEST(Config, ReadsEveryVariable) {
  Config c =
      load_config(env_of({{"ARTDAG_DOMAIN", "Example.ORG"},
                          {"ARTDAG_BASE_URL", "http://127.0.0.1:8123/"},
                          {"ARTDAG_USER", "alice"},
                          {"ARTDAG_DATA", "/tmp/d"},
                          {"DATABASE_URL", "postgresql://u:secret@db:5432/artdag"},
                          {"L1_SERVERS", " https://A.example.com/ ,https://b.example.com:8443,"},
                          {"PORT", "9000"},
                          {"HOST", "127.0.0.1"},
                          {"ARTDAG_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/8,::1/128"}}));
  EXPECT_EQ(c.domain, "example.org");
  EXPECT_EQ(c.base_url, "http://127.0.0.1:8123");
  EXPECT_EQ(c.instance_user, "alice");
  EXPECT_EQ(c.data_dir, std::filesystem::path("/tmp/d"));
  EXPECT_TRUE(c.uses_postgresql());
  EXPECT_EQ(c.database_url_for_logs(), "postgresql://u:***@db:5432/artdag");
  EXPECT_EQ(c.l1_servers,
            (std::vector<std::string>{"https://a.example.com", "https://b.example.com:8443"}));
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.host, "127.0.0.1");
  ASSERT_EQ(c.allow_private_networks.size(), 2u);
  EXPECT_TRUE(c.allow_private_networks[0].contains(*parse_ip("127.0.0.5")));
}

TEST(Config, BaseUrlDefaultsToDomain) {
  Config c = load_config(env_of({{"ARTDAG_DOMAIN", "l2.example"}, {"ARTDAG_DATA", "/d"}}));
  EXPECT_EQ(c.base_url, "https://l2.example");
}

TEST(Config, FlagsWinOverEnvironment) {
  ConfigOverrides o;
  o.port = 7000;
  o.host = "127.0.0.1";
  o.data_dir = "/flag";
  o.user = "bob";
  Config c =
      load_config(env_of({{"PORT", "9000"}, {"ARTDAG_DATA", "/env"}, {"ARTDAG_USER", "x"}}), o);
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.data_dir, std::filesystem::path("/flag"));
  EXPECT_EQ(c.instance_user, "bob");
}

TEST(Config, BadSettingsFailWithOneClearLine) {
  const std::map<std::string, std::string> bad[] = {
      {{"ARTDAG_BASE_URL", "not a url"}},
      {{"ARTDAG_BASE_URL", "ftp://x.example"}},
      {{"ARTDAG_BASE_URL", "https://x.example/sub/path"}},
      {{"ARTDAG_DOMAIN", "bad domain!"}},
      {{"ARTDAG_USER", "Bad-User"}},
      {{"DATABASE_URL", "mysql://x"}},
      {{"L1_SERVERS", "https://ok.example,notaurl"}},
      {{"PORT", "0"}},
      {{"PORT", "70000"}},
      {{"PORT", "80a"}},
      {{"HOST", "not-an-ip"}},
      {{"ARTDAG_ALLOW_PRIVATE_NETWORKS", "127.0.0.0/33"}},
      {{"ARTDAG_ALLOW_PRIVATE_NETWORKS", "localhost"}},
      {{"ARTDAG_METRICS_ALLOW", "loopback"}},
      {{"ARTDAG_METRICS_TOKEN", "short"}},
      {{"ARTDAG_AUTH_ATTEMPTS_PER_IP", "-1"}},
      {{"ARTDAG_AUTH_IP_WINDOW_SECONDS", "0"}},
      {{"ARTDAG_LOGIN_FAILURES_PER_ACCOUNT", "five"}},
      {{"ARTDAG_LOGIN_FAILURE_WINDOW_SECONDS", "90000"}},
      {{"ARTDAG_MAX_CONNECTIONS_PER_IP", "10x"}},
      {{"ARTDAG_REQUEST_TIMEOUT_SECONDS", "0"}},
      {{"ARTDAG_RESPONSE_CACHE_MS", "-5"}},
      {{"ARTDAG_RESPONSE_CACHE_MS", "1s"}},
      {{"ARTDAG_INBOX_FETCHES_PER_IP", "-1"}},
      {{"ARTDAG_INBOX_FETCH_WINDOW_SECONDS", "0"}},
      {{"ARTDAG_ACTOR_FETCH_TIMEOUT_SECONDS", "0"}},
      {{"ARTDAG_ACTOR_FETCH_THREADS", "0"}},
      {{"ARTDAG_LOGIN_FAILURES_ACCOUNT_WIDE", "x"}},
  };
  for (const auto& env : bad) {
    auto with_data = env;
    with_data.emplace("ARTDAG_DATA", "/d");
    try {
      load_config(env_of(with_data));
      ADD_FAILURE() << "accepted " << env.begin()->first << "=" << env.begin()->second;
    } catch (const ConfigError& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find(env.begin()->first), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos);
    }
  }
}

TEST(Config, LimitsHaveDefaultsAndCanBeSetOrSwitchedOff) {
  Config d = load_config(env_of({{"HOME", "/home/x"}}));
  EXPECT_EQ(d.limits.auth_attempts_per_ip, 10);
  EXPECT_EQ(d.limits.auth_ip_window_seconds, 60);
  EXPECT_EQ(d.limits.failed_logins_per_account, 5);
  EXPECT_EQ(d.limits.failed_login_window_seconds, 900);
  EXPECT_EQ(d.limits.max_connections_per_ip, 256);
  EXPECT_EQ(d.limits.request_timeout_seconds, 15);
  EXPECT_EQ(d.limits.response_cache_ms, 1000);

  Config c = load_config(env_of({{"HOME", "/home/x"},
                                 {"ARTDAG_AUTH_ATTEMPTS_PER_IP", "0"},
                                 {"ARTDAG_AUTH_IP_WINDOW_SECONDS", "30"},
                                 {"ARTDAG_LOGIN_FAILURES_PER_ACCOUNT", " 3 "},
                                 {"ARTDAG_LOGIN_FAILURE_WINDOW_SECONDS", "600"},
                                 {"ARTDAG_MAX_CONNECTIONS_PER_IP", "8"},
                                 {"ARTDAG_REQUEST_TIMEOUT_SECONDS", "5"},
                                 {"ARTDAG_RESPONSE_CACHE_MS", "0"}}));
  EXPECT_EQ(c.limits.auth_attempts_per_ip, 0);
  EXPECT_EQ(c.limits.auth_ip_window_seconds, 30);
  EXPECT_EQ(c.limits.failed_logins_per_account, 3);
  EXPECT_EQ(c.limits.failed_login_window_seconds, 600);
  EXPECT_EQ(c.limits.max_connections_per_ip, 8);
  EXPECT_EQ(c.limits.request_timeout_seconds, 5);
  EXPECT_EQ(c.limits.response_cache_ms, 0);
}

TEST(Config, InboxFetchLimitsHaveDefaultsAndCanBeSet) {
  auto d = load_config(env_of({{"ARTDAG_DATA", "/d"}}));
  EXPECT_EQ(d.limits.inbox_fetches_per_ip, 60);
  EXPECT_EQ(d.limits.inbox_fetches_per_host, 30);
  EXPECT_EQ(d.limits.inbox_fetch_window_seconds, 300);
  EXPECT_EQ(d.limits.actor_fetch_timeout_seconds, 3);
  EXPECT_EQ(d.limits.actor_fetch_failure_seconds, 300);
  EXPECT_EQ(d.limits.actor_fetch_threads, 4);
  EXPECT_EQ(d.limits.failed_logins_account_wide, 100);
  auto c = load_config(env_of({{"ARTDAG_DATA", "/d"},
                               {"ARTDAG_INBOX_FETCHES_PER_IP", "0"},
                               {"ARTDAG_INBOX_FETCHES_PER_HOST", "7"},
                               {"ARTDAG_ACTOR_FETCH_FAILURE_SECONDS", "0"},
                               {"ARTDAG_ACTOR_FETCH_THREADS", "2"}}));
  EXPECT_EQ(c.limits.inbox_fetches_per_ip, 0);
  EXPECT_EQ(c.limits.inbox_fetches_per_host, 7);
  EXPECT_EQ(c.limits.actor_fetch_failure_seconds, 0);
  EXPECT_EQ(c.limits.actor_fetch_threads, 2);
}

TEST(Config, NormalizesServerUrls) {
  EXPECT_EQ(normalize_server_url("HTTPS://Host.Example:443/"), "https://host.example");
  EXPECT_EQ(normalize_server_url("http://host:80"), "http://host");
  EXPECT_EQ(normalize_server_url("http://host:8080/l1/"), "http://host:8080/l1");
  EXPECT_FALSE(normalize_server_url("https://user:pw@host"));
  EXPECT_FALSE(normalize_server_url("https://host/?q=1"));
  EXPECT_FALSE(normalize_server_url("javascript:alert(1)"));
  EXPECT_FALSE(normalize_server_url("/relative"));
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/artdag-config-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(JwtSecret, PrefersEnvironmentThenDockerSecretThenGenerated) {
  TempDir dir;
  auto docker = dir.path() / "docker_secret";
  auto r1 =
      resolve_jwt_secret(env_of({{"JWT_SECRET", "0123456789abcdef0123"}}), dir.path(), docker);
  EXPECT_EQ(r1.secret, "0123456789abcdef0123");
  EXPECT_EQ(r1.origin, "JWT_SECRET");

  std::ofstream(docker) << "from-docker-secret-file\n";
  auto r2 = resolve_jwt_secret(env_of({}), dir.path(), docker);
  EXPECT_EQ(r2.secret, "from-docker-secret-file");
  std::filesystem::remove(docker);

  auto r3 = resolve_jwt_secret(env_of({}), dir.path(), docker);
  EXPECT_EQ(r3.origin, "generated");
  EXPECT_EQ(r3.secret.size(), 64u);
  struct stat st {};
  ASSERT_EQ(stat((dir.path() / "jwt_secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto r4 = resolve_jwt_secret(env_of({}), dir.path(), docker);
  EXPECT_EQ(r4.secret, r3.secret) << "the generated secret persists across restarts";
}

TEST(JwtSecret, RejectsShortSecrets) {
  TempDir dir;
  EXPECT_THROW(resolve_jwt_secret(env_of({{"JWT_SECRET", "short"}}), dir.path(), dir.path() / "x"),
               ConfigError);
}

TEST(DataDir, UnwritableDirectoryIsAnError) {
  Config c;
  c.data_dir = "/proc/artdag-cannot-exist";
  EXPECT_THROW(prepare_data_dir(c), ConfigError);
}

}  // namespace
}  // namespace artdag
