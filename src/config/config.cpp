#include "config/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "crypto/hash.h"
#include "util/identifiers.h"
#include "util/text.h"
#include "util/url.h"

namespace artdag {

namespace {

std::string trim(std::string_view s) {
  return std::string(trim_ascii_space(s));
}

std::optional<std::string> non_empty(const EnvLookup& env, const char* name) {
  auto v = env(name);
  if (v && !trim(*v).empty()) return trim(*v);
  return std::nullopt;
}

uint16_t parse_port(const std::string& text, const char* what) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value == 0 || value > 65535)
    throw ConfigError(std::string(what) + " must be a port number 1-65535, got '" + text + "'");
  return static_cast<uint16_t>(value);
}

std::filesystem::path expand_home(const std::string& path, const EnvLookup& env) {
  if (path == "~" || path.rfind("~/", 0) == 0) {
    auto home = env("HOME");
    if (!home || home->empty()) throw ConfigError("ARTDAG_DATA uses ~ but HOME is not set");
    return std::filesystem::path(*home) / path.substr(path.size() > 1 ? 2 : 1);
  }
  return path;
}

}  // namespace

std::optional<std::string> read_setting(const EnvLookup& env, const char* name) {
  return non_empty(env, name);
}

int64_t integer_setting(const EnvLookup& env, const char* name, int64_t fallback, int64_t min,
                        int64_t max) {
  auto v = non_empty(env, name);
  if (!v) return fallback;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
  if (ec != std::errc() || ptr != v->data() + v->size() || value < min || value > max)
    throw ConfigError(std::string(name) + " must be a whole number " + std::to_string(min) + "-" +
                      std::to_string(max) + ", got '" + *v + "'");
  return value;
}

double decimal_setting(const EnvLookup& env, const char* name, double fallback, double min,
                       double max) {
  auto v = non_empty(env, name);
  if (!v) return fallback;
  char* end = nullptr;
  double value = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size() || !std::isfinite(value) || value < min || value > max)
    throw ConfigError(std::string(name) + " must be a number " + std::to_string(min) + "-" +
                      std::to_string(max) + ", got '" + *v + "'");
  return value;
}

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::string Config::store_location() const {
  return uses_postgresql() ? database_url : sqlite_path().string();
}

std::string Config::database_url_for_logs() const {
  if (database_url.empty()) return "sqlite:" + sqlite_path().string();
  // postgresql://user:password@host/db -> postgresql://user:***@host/db
  static const std::regex password_re("(://[^:/@]*:)[^@]*@");
  return std::regex_replace(database_url, password_re, "$1***@");
}

Config load_config(const EnvLookup& env, const ConfigOverrides& overrides) {
  Config c;
  if (auto v = non_empty(env, "ARTDAG_DOMAIN")) {
    static const std::regex host_re("^[A-Za-z0-9.-]+(:[0-9]{1,5})?$");
    if (!std::regex_match(*v, host_re))
      throw ConfigError("ARTDAG_DOMAIN must be a host name, got '" + *v + "'");
    c.domain = *v;
    c.domain = ascii_lower(c.domain);
  }
  if (auto v = non_empty(env, "ARTDAG_BASE_URL")) {
    auto normalised = normalize_server_url(*v);
    if (!normalised || normalised->find('/', normalised->find("://") + 3) != std::string::npos)
      throw ConfigError(
          "ARTDAG_BASE_URL must be an http(s) origin like https://example.com, got '" + *v + "'");
    c.base_url = *normalised;
  } else {
    c.base_url = "https://" + c.domain;
  }

  c.instance_user =
      overrides.user ? *overrides.user : non_empty(env, "ARTDAG_USER").value_or("giles");
  if (!is_valid_username(c.instance_user))
    throw ConfigError("ARTDAG_USER must match ^[a-z0-9_]{1,30}$, got '" + c.instance_user + "'");

  std::string data = overrides.data_dir ? *overrides.data_dir
                                        : non_empty(env, "ARTDAG_DATA").value_or("~/.artdag/l2");
  c.data_dir = expand_home(data, env);

  if (auto v = non_empty(env, "DATABASE_URL")) {
    if (v->rfind("postgresql://", 0) != 0 && v->rfind("postgres://", 0) != 0)
      throw ConfigError("DATABASE_URL must start with postgresql:// (unset it to use SQLite)");
    c.database_url = *v;
  }

  c.witness_for = non_empty(env, "ARTDAG_WITNESS_FOR").value_or("");
  c.witnesses = non_empty(env, "ARTDAG_WITNESSES").value_or("");
  c.rfc9421 = integer_setting(env, "ARTDAG_RFC9421", 1, 0, 1) == 1;

  std::string l1 = non_empty(env, "L1_SERVERS").value_or("https://celery-artdag.rose-ash.com");
  std::stringstream l1_stream(l1);
  for (std::string item; std::getline(l1_stream, item, ',');) {
    item = trim(item);
    if (item.empty()) continue;
    auto normalised = normalize_server_url(item);
    if (!normalised) throw ConfigError("L1_SERVERS entry is not an http(s) URL: '" + item + "'");
    if (std::find(c.l1_servers.begin(), c.l1_servers.end(), *normalised) == c.l1_servers.end())
      c.l1_servers.push_back(*normalised);
  }

  if (overrides.host)
    c.host = *overrides.host;
  else if (auto v = non_empty(env, "HOST"))
    c.host = *v;
  if (!parse_ip(c.host) && c.host != "localhost")
    throw ConfigError("HOST must be an IP address to listen on, got '" + c.host + "'");

  if (overrides.port)
    c.port = *overrides.port;
  else if (auto v = non_empty(env, "PORT"))
    c.port = parse_port(*v, "PORT");

  if (auto v = non_empty(env, "ARTDAG_ALLOW_PRIVATE_NETWORKS")) {
    auto cidrs = parse_cidr_list(*v);
    if (!cidrs)
      throw ConfigError("ARTDAG_ALLOW_PRIVATE_NETWORKS must be comma-separated CIDRs, got '" + *v +
                        "'");
    c.allow_private_networks = *cidrs;
    c.allow_private_networks_text = *v;
  }

  {
    const auto text = non_empty(env, "ARTDAG_METRICS_ALLOW").value_or("127.0.0.0/8,::1/128");
    auto cidrs = text == "none" ? std::optional<std::vector<Cidr>>(std::vector<Cidr>{})
                                : parse_cidr_list(text);
    if (!cidrs)
      throw ConfigError("ARTDAG_METRICS_ALLOW must be comma-separated CIDRs or 'none', got '" +
                        text + "'");
    c.metrics_allow = *cidrs;
  }
  c.publish_domain_blocks = integer_setting(env, "ARTDAG_PUBLISH_DOMAIN_BLOCKS", 0, 0, 1) == 1;
  c.authorized_fetch = integer_setting(env, "ARTDAG_AUTHORIZED_FETCH", 0, 0, 1) == 1;
  c.metrics_token = non_empty(env, "ARTDAG_METRICS_TOKEN").value_or("");
  if (!c.metrics_token.empty() && c.metrics_token.size() < 16)
    throw ConfigError("ARTDAG_METRICS_TOKEN must be at least 16 characters");

  Limits& l = c.limits;
  l.auth_attempts_per_ip =
      integer_setting(env, "ARTDAG_AUTH_ATTEMPTS_PER_IP", l.auth_attempts_per_ip, 0, 1000000);
  l.auth_ip_window_seconds =
      integer_setting(env, "ARTDAG_AUTH_IP_WINDOW_SECONDS", l.auth_ip_window_seconds, 1, 86400);
  l.failed_logins_per_account = integer_setting(env, "ARTDAG_LOGIN_FAILURES_PER_ACCOUNT",
                                                l.failed_logins_per_account, 0, 1000000);
  l.failed_login_window_seconds = integer_setting(env, "ARTDAG_LOGIN_FAILURE_WINDOW_SECONDS",
                                                  l.failed_login_window_seconds, 1, 86400);
  l.failed_logins_account_wide = integer_setting(env, "ARTDAG_LOGIN_FAILURES_ACCOUNT_WIDE",
                                                 l.failed_logins_account_wide, 0, 1000000);
  l.max_connections_per_ip =
      integer_setting(env, "ARTDAG_MAX_CONNECTIONS_PER_IP", l.max_connections_per_ip, 0, 1000000);
  l.max_connections =
      integer_setting(env, "ARTDAG_MAX_CONNECTIONS", l.max_connections, 0, 10000000);
  l.request_timeout_seconds =
      integer_setting(env, "ARTDAG_REQUEST_TIMEOUT_SECONDS", l.request_timeout_seconds, 1, 3600);
  l.response_cache_ms =
      integer_setting(env, "ARTDAG_RESPONSE_CACHE_MS", l.response_cache_ms, 0, 3600 * 1000);
  l.inbox_fetches_per_ip =
      integer_setting(env, "ARTDAG_INBOX_FETCHES_PER_IP", l.inbox_fetches_per_ip, 0, 1000000);
  l.inbox_fetches_per_host =
      integer_setting(env, "ARTDAG_INBOX_FETCHES_PER_HOST", l.inbox_fetches_per_host, 0, 1000000);
  l.inbox_fetch_window_seconds = integer_setting(env, "ARTDAG_INBOX_FETCH_WINDOW_SECONDS",
                                                 l.inbox_fetch_window_seconds, 1, 86400);
  l.actor_fetch_timeout_seconds = integer_setting(env, "ARTDAG_ACTOR_FETCH_TIMEOUT_SECONDS",
                                                  l.actor_fetch_timeout_seconds, 1, 60);
  l.actor_fetch_failure_seconds = integer_setting(env, "ARTDAG_ACTOR_FETCH_FAILURE_SECONDS",
                                                  l.actor_fetch_failure_seconds, 0, 86400);
  l.followers_per_remote_host = integer_setting(env, "ARTDAG_FOLLOWERS_PER_REMOTE_HOST",
                                                l.followers_per_remote_host, 0, 100000000);
  l.actor_fetch_threads =
      integer_setting(env, "ARTDAG_ACTOR_FETCH_THREADS", l.actor_fetch_threads, 1, 64);
  return c;
}

void prepare_data_dir(const Config& config) {
  std::error_code ec;
  if (!std::filesystem::exists(config.data_dir, ec)) {
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec)
      throw ConfigError("cannot create data dir " + config.data_dir.string() + ": " + ec.message());
    std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all, ec);
  }
  if (!std::filesystem::is_directory(config.data_dir, ec))
    throw ConfigError("data dir " + config.data_dir.string() + " is not a directory");
  if (access(config.data_dir.c_str(), W_OK | X_OK) != 0)
    throw ConfigError("data dir " + config.data_dir.string() + " is not writable");
}

JwtSecretSource resolve_jwt_secret(const EnvLookup& env, const std::filesystem::path& data_dir,
                                   const std::filesystem::path& docker_secret_path) {
  auto read_secret_file = [](const std::filesystem::path& path) -> std::optional<std::string> {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return trim(ss.str());
  };
  auto check_strength = [](const std::string& secret, const std::string& origin) {
    if (secret.size() < 16)
      throw ConfigError("JWT secret from " + origin +
                        " is too short (need at least 16 characters)");
  };

  if (auto v = non_empty(env, "JWT_SECRET")) {
    check_strength(*v, "JWT_SECRET");
    return {*v, "JWT_SECRET"};
  }
  std::error_code ec;
  if (std::filesystem::exists(docker_secret_path, ec)) {
    auto secret = read_secret_file(docker_secret_path);
    if (!secret) throw ConfigError("cannot read " + docker_secret_path.string());
    check_strength(*secret, docker_secret_path.string());
    return {*secret, docker_secret_path.string()};
  }
  auto generated_path = data_dir / "jwt_secret";
  if (std::filesystem::exists(generated_path, ec)) {
    auto secret = read_secret_file(generated_path);
    if (!secret) throw ConfigError("cannot read " + generated_path.string());
    check_strength(*secret, generated_path.string());
    return {*secret, generated_path.string()};
  }
  // Written under a temporary name and linked into place: link() never overwrites, and a
  // reader never sees half a secret. When replicas start at once on an empty volume, the first
  // link wins and the others read its secret, so every process signs with one key.
  std::string secret = crypto::random_token_hex(32);
  const auto temporary = generated_path.string() + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw ConfigError("cannot create " + temporary);
  std::string line = secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = (::fsync(fd) == 0) && ok;
  ::close(fd);
  const bool linked = ok && ::link(temporary.c_str(), generated_path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(temporary.c_str());
  if (!ok) throw ConfigError("cannot write " + temporary);
  if (!linked) {
    if (link_errno != EEXIST) throw ConfigError("cannot create " + generated_path.string());
    auto winner = read_secret_file(generated_path);
    if (!winner) throw ConfigError("cannot read " + generated_path.string());
    check_strength(*winner, generated_path.string());
    return {*winner, generated_path.string()};
  }
  return {secret, "generated"};
}

}  // namespace artdag
