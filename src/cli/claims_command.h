#pragma once
// `artdag-l2 claims HASH`: every claim of a content hash this server knows, local and remote,
// with the verdict of GET /claims/{content_hash}, the trusted witnesses and the remote claim
// logs pinned on first use.
#include <ostream>
#include <string>

#include "services/services.h"

namespace artdag::cli {

// Prints the claims of `content_hash` to `out`; returns the exit code (0). ApiError 400 for
// a bad hash.
int print_claims(services::Services& services, const std::string& content_hash, std::ostream& out);

}  // namespace artdag::cli
