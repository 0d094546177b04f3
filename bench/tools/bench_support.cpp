#include "bench_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

extern char** environ;

namespace artdag::bench {

std::size_t append_to_string(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::cerr << "bench: cannot bind a loopback port\n";
    std::exit(2);
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields(text.substr(close_paren + 2));
  std::string f;
  std::vector<std::string> v;
  while (fields >> f) v.push_back(f);
  if (v.size() < 13) return 0;  // utime and stime are fields 14 and 15: indices 11, 12 here
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(v[11]) + std::stod(v[12])) / tick;
}

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double status_mib(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  return 0;
}

std::vector<std::string> server_environment(const std::string& data_dir, int port,
                                            const std::string& database_url) {
  const std::string host = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> env = {
      "PATH=/usr/bin:/bin",
      "HOME=" + data_dir,
      "ARTDAG_DATA=" + data_dir,
      "ARTDAG_DOMAIN=" + host,
      "ARTDAG_BASE_URL=http://" + host,
      "HOST=127.0.0.1",
      "PORT=" + std::to_string(port),
      "JWT_SECRET=benchmark-secret-0123456789abcdef",
      "ARTDAG_LOG_LEVEL=warn",
  };
  if (!database_url.empty()) env.push_back("DATABASE_URL=" + database_url);
  return env;
}

void stop_process(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

pid_t spawn_logged(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const std::string& log_path) {
  std::vector<std::string> argv_copy = argv, env_copy = env;
  std::vector<char*> argvp, envp;
  for (auto& a : argv_copy) argvp.push_back(a.data());
  argvp.push_back(nullptr);
  for (auto& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argvp[0], &actions, nullptr, argvp.data(),
                              env.empty() ? environ : envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

}  // namespace artdag::bench
