#pragma once
// The name of this process's workers in leases the database holds (delivery jobs, the claim
// log's integrator): `hostname:pid:random`, unique across processes and restarts.
#include <string>

namespace artdag::services {

std::string make_worker_id();

}  // namespace artdag::services
