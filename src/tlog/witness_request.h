#pragma once
// c2sp.org/tlog-witness add-checkpoint: the request body ("old <size>", up to 63 base64
// consistency-proof lines, an empty line, the checkpoint note) and the witness's decision
// on it, in the order the spec lists its checks. Pure: the caller looks up the trusted log
// keys and the stored state for the checkpoint's origin, and must read the state, decide,
// cosign and store atomically (the spec's rollback race).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/result.h"

namespace artdag::tlog {

inline constexpr std::size_t kMaxConsistencyProofLines = 63;
inline constexpr std::size_t kMaxAddCheckpointBody = 3 * 1024 + kMaxNoteSize;
inline constexpr std::string_view kTlogSizeContentType = "text/x.tlog.size";

struct AddCheckpointRequest {
  std::uint64_t old_size = 0;
  std::vector<Hash> consistency_proof;
  std::string checkpoint_note;  // verbatim, as signed
  Note note;                    // checkpoint_note parsed
  Checkpoint checkpoint;        // note.text parsed
};

// Throws std::invalid_argument for more than 63 proof hashes or a note not ending in '\n'.
std::string format_add_checkpoint_request(std::uint64_t old_size, std::span<const Hash> proof,
                                          std::string_view checkpoint_note);
// Strict and bounded; any refusal is the spec's 400 Bad Request.
Result<AddCheckpointRequest> parse_add_checkpoint_request(std::string_view body);

// What the witness last cosigned for an origin.
struct WitnessState {
  std::uint64_t size = 0;
  Hash root{};
};

enum class WitnessAnswer {
  cosign = 200,          // all checks passed: cosign, store the new state, reply with lines
  bad_request = 400,     // unparsable body, or old size above the checkpoint's size
  forbidden = 403,       // no valid signature by a trusted log key, or a trusted one fails
  unknown_origin = 404,  // no trusted keys for the origin
  conflict = 409,        // old size is not the stored size: reply conflict_body(stored_size)
  unprocessable = 422,   // empty-tree root wrong, proof given for old 0, proof fails, or
                         // equal sizes with another root
};

struct WitnessDecision {
  WitnessAnswer answer = WitnessAnswer::bad_request;
  std::string reason;             // short, fit for the client
  std::uint64_t stored_size = 0;  // for conflict: the size to send back
  int status() const { return static_cast<int>(answer); }
};

// `trusted_log_keys`: the Ed25519 keys the witness trusts for request.checkpoint.origin
// (empty when the origin is unknown). `stored`: the last cosigned state for that origin,
// nullopt when it never cosigned one (then the expected old size is 0).
WitnessDecision decide_add_checkpoint(const AddCheckpointRequest& request,
                                      std::span<const VerifierKey> trusted_log_keys,
                                      const std::optional<WitnessState>& stored);
// The 409 response body: the stored size in decimal and '\n' (Content-Type text/x.tlog.size).
std::string conflict_body(std::uint64_t stored_size);

}  // namespace artdag::tlog
