#pragma once
// `artdag-l2 claims HASH --server URL`: reproduces a server's verdict on a content hash from
// outside. The server's `GET /claims/{hash}` says which claims it knows; for each one this
// fetches the activity from its id, finds the claim log of the actor's server through its
// NodeInfo `metadata.claimLog`, and checks the proof and the evidence itself with the pure
// verifier code (the witnesses trusted are those given, or those the server names). Then it
// applies the verdict rule to what it proved and compares with the server's answer.
#include <ostream>
#include <string>
#include <vector>

#include "cli/log_tools.h"

namespace artdag::cli {

struct ClaimsAuditOptions {
  std::string server;        // the server's base URL
  std::string content_hash;  // 64 lowercase hex
  // Cosigner verifier keys to trust; empty: the ones the server's answer names.
  std::vector<std::string> witnesses;
};

// Prints each claim as checked here beside what the server says; returns 0 when the server's
// verdict (which claim is the earliest, and which are proven and witnessed) is reproduced, 1
// when it is not. CheckFailed when the server's own answer cannot be had.
int audit_claims(const LogClient& client, const ClaimsAuditOptions& options, std::ostream& out);

}  // namespace artdag::cli
