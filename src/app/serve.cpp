#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "app/request_handler.h"
#include "http/server.h"
#include "services/services.h"

namespace artdag::app {

int serve(Config config, std::unique_ptr<store::Store> store,
          std::chrono::steady_clock::time_point started) {
  auto delivery_options = services::federation::delivery_options_from_env(process_env());
  delivery_options.rfc9421 = config.rfc9421;
  // A read on PostgreSQL waits for the database's answer over a socket, so the pool of local
  // readers needs more threads than cores to keep them busy; on SQLite one per core.
  const bool reads_wait_on_a_socket = store->backend() == "postgresql";
  services::Services services(std::move(config), std::move(store));
  services.auth.ensure_instance_user(services.config.instance_user);

  http::ServerOptions options;
  options.host = services.config.host;
  options.port = services.config.port;
  options.request_timeout = std::chrono::seconds(services.config.limits.request_timeout_seconds);
  options.max_connections_per_ip =
      static_cast<unsigned>(services.config.limits.max_connections_per_ip);
  options.max_connections = static_cast<unsigned>(services.config.limits.max_connections);
  options.response_cache_ttl = std::chrono::milliseconds(services.config.limits.response_cache_ms);
  if (reads_wait_on_a_socket)
    options.local_read_threads = 4 * std::max(2u, std::thread::hardware_concurrency());
  http::HttpServer server(options, make_application(services));
  // Outgoing deliveries run on threads of their own, never on the HTTP I/O thread.
  auto delivery = services.make_delivery_worker(delivery_options);
  uint16_t port = server.listen();
  delivery->start();
  services.claim_log.start();
  services.witness_submitter.start();
  services.claim_prover.start();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  spdlog::info("artdag-l2 {} listening on {}:{} as {} (ready in {} ms)", ARTDAG_VERSION,
               services.config.host, port, services.config.base_url, ms);
  server.run();
  // Stop claiming, give back unsent leases, let in-flight deliveries end (bounded by their
  // timeout); whatever is left stays in the database for the next start.
  delivery->stop();
  services.claim_prover.stop();
  services.witness_submitter.stop();
  services.claim_log.stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace artdag::app
