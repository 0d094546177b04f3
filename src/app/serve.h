#pragma once
// `artdag-l2 serve`: the services, the routes and the delivery worker of one process.
#include <chrono>
#include <memory>

#include "config/config.h"
#include "store/store.h"

namespace artdag::app {

// Runs until SIGINT/SIGTERM; returns the exit code. `started` is when the command began, for
// the "ready in N ms" line.
int serve(Config config, std::unique_ptr<store::Store> store,
          std::chrono::steady_clock::time_point started);

}  // namespace artdag::app
