#pragma once
// Checking a remote claim against its server's claim log, with no I/O: the log found in
// NodeInfo `metadata.claimLog`, the tlog-proof of the exact activity received (the entry is
// canon(activity), as every Art DAG log makes it: claim_log/log_activity.h), and the trusted
// witness cosignatures of its evidence. The prover (remote_claim_prover.h) fetches; this
// decides.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/federation_rows.h"
#include "tlog/note.h"
#include "tlog/result.h"
#include "util/json.h"

namespace artdag::services::claim_log {

// The remote log from a NodeInfo document of the server at `server` (its origin): its
// `metadata.claimLog` holds an http(s) `prefix` on that same origin, and `key`, an Ed25519
// note verifier key named `origin`. A failure says what is missing or wrong.
tlog::Result<store::RemoteLog> claim_log_from_nodeinfo(const Json& nodeinfo,
                                                       const std::string& server);

// The URL of the NodeInfo 2.x document (2.1 preferred) a /.well-known/nodeinfo answer links,
// when it is on `server` (an origin); nullopt otherwise.
std::optional<std::string> nodeinfo_document_url(const Json& discovery, const std::string& server);

// The earliest cosignature time in `note` (unix seconds) by any of `witnesses` whose
// cosignature verifies; nullopt when there is none.
std::optional<int64_t> earliest_trusted_cosignature(const tlog::Note& note,
                                                    std::span<const tlog::VerifierKey> witnesses);

struct ProvenEntry {
  std::string origin;  // the checkpoint's origin
  uint64_t index = 0;
  uint64_t checkpoint_size = 0;
  std::optional<int64_t> first_cosigned_at;  // by a trusted witness, in this checkpoint
};
// Checks `proof_text` (c2sp.org/tlog-proof@v1) proves that canon(activity) is in the log
// signed by `log_key`: the note's log signature, the origin, the inclusion. The failure
// reason is what a refuted claim shows.
tlog::Result<ProvenEntry> check_claim_proof(const Json& activity, std::string_view proof_text,
                                            const tlog::VerifierKey& log_key,
                                            std::span<const tlog::VerifierKey> witnesses);

// The trusted witness keys of this server: its own witness key and the cosigner keys of
// ARTDAG_WITNESSES (docs/protocol.md "Witnessing").
std::vector<tlog::VerifierKey> trusted_witnesses(const tlog::VerifierKey& own,
                                                 std::string_view witnesses_setting);

}  // namespace artdag::services::claim_log
