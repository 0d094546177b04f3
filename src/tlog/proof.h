#pragma once
// c2sp.org/tlog-proof@v1: a self-contained, offline-verifiable proof that an entry is in the
// log — the entry's index, its inclusion proof, and the log's signed checkpoint (with any
// witness cosignatures) verbatim, optionally preceded by opaque "extra" data.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/result.h"

namespace artdag::tlog {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";
inline constexpr std::size_t kMaxTlogProofSize = 128 * 1024;
inline constexpr std::size_t kMaxInclusionProofLength = 64;  // a tree of up to 2^64 leaves

struct TlogProof {
  std::optional<std::string> extra;  // raw bytes (base64 on the wire); unauthenticated
  std::uint64_t index = 0;
  std::vector<Hash> inclusion;  // the leaf's sibling first
  std::string checkpoint;       // the signed checkpoint note, verbatim
  friend bool operator==(const TlogProof&, const TlogProof&) = default;
};

// Throws std::invalid_argument when the checkpoint does not end in '\n'.
std::string format_tlog_proof(const TlogProof& proof);
// Strict: the header line, an optional "extra <base64>" line, "index <decimal>", at most 64
// base64 hash lines, an empty line, then a checkpoint note that parses (its signatures are
// not checked here). Every line ends in '\n'; at most kMaxTlogProofSize bytes.
Result<TlogProof> parse_tlog_proof(std::string_view text);

// Verifies `proof` for a log entry (its RFC 9162 leaf hash is computed here) against the
// log's key: the note carries a valid signature by `log_key` (and none by it that fails),
// the checkpoint's origin is `origin` (the key's name when empty), the index is inside the
// tree, and the inclusion proof links the leaf to the checkpoint's root. Returns the
// checkpoint; witness cosignatures are left to the caller's policy (verify_cosigned_note).
Result<Checkpoint> verify_tlog_proof(const TlogProof& proof, std::string_view entry,
                                     const VerifierKey& log_key, std::string_view origin = {});
// The same for a leaf hash computed by the caller.
Result<Checkpoint> verify_tlog_proof_leaf(const TlogProof& proof, const Hash& leaf,
                                          const VerifierKey& log_key, std::string_view origin = {});

}  // namespace artdag::tlog
