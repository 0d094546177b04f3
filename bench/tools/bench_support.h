#pragma once
// What the bench programs share: a process's CPU time and memory from /proc, a free loopback
// port, a process started with its output in a log file, and libcurl's body sink.
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace artdag::bench {

// A CURLOPT_WRITEFUNCTION appending to the std::string given as CURLOPT_WRITEDATA.
std::size_t append_to_string(char* data, std::size_t size, std::size_t n, void* out);

// A TCP port on 127.0.0.1 that was free a moment ago (bound, read, let go). Exits on failure.
int free_loopback_port();

// utime + stime of process `pid`, seconds (0 when it cannot be read).
double cpu_seconds(pid_t pid);
// This process's own CPU time (user + system), seconds.
double self_cpu_seconds();
// A "VmHWM" / "VmRSS" line of /proc/PID/status, in MiB (0 when absent).
double status_mib(pid_t pid, const std::string& key);

// The environment of a benchmarked `artdag-l2 serve`: data in `data_dir`, listening on
// 127.0.0.1:`port` with that as its base URL, warnings only, SQLite unless `database_url`.
std::vector<std::string> server_environment(const std::string& data_dir, int port,
                                            const std::string& database_url);

// SIGTERM, then waits for the process to end.
void stop_process(pid_t pid);

// Starts argv[0] (looked up in PATH) with `env` (the current environment when empty), its
// stdout and stderr appended to `log_path`; -1 when it cannot be started.
pid_t spawn_logged(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const std::string& log_path);

}  // namespace artdag::bench
