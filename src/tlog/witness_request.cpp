// c2sp.org/tlog-witness add-checkpoint; see witness_request.h.
#include "tlog/witness_request.h"

#include <stdexcept>

#include "tlog/text.h"

namespace artdag::tlog {
namespace {

WitnessDecision answer(WitnessAnswer kind, std::string reason, std::uint64_t stored_size = 0) {
  return WitnessDecision{kind, std::move(reason), stored_size};
}

}  // namespace

std::string format_add_checkpoint_request(std::uint64_t old_size, std::span<const Hash> proof,
                                          std::string_view checkpoint_note) {
  if (proof.size() > kMaxConsistencyProofLines) throw std::invalid_argument("proof too long");
  if (!checkpoint_note.ends_with('\n')) throw std::invalid_argument("note without newline");
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const Hash& hash : proof) body += hash_base64(hash) + "\n";
  body += "\n";
  body += checkpoint_note;
  return body;
}

Result<AddCheckpointRequest> parse_add_checkpoint_request(std::string_view body) {
  if (body.size() > kMaxAddCheckpointBody) return Failure{"request body too large"};
  AddCheckpointRequest request;
  auto old_line = text::take_line(body);
  if (!old_line || !old_line->starts_with("old ")) return Failure{"old size line missing"};
  auto old_size = text::parse_decimal(old_line->substr(4));
  if (!old_size) return Failure{"bad old size"};
  request.old_size = *old_size;
  for (;;) {
    auto line = text::take_line(body);
    if (!line) return Failure{"no checkpoint after the proof"};
    if (line->empty()) break;
    if (request.consistency_proof.size() == kMaxConsistencyProofLines)
      return Failure{"more than 63 consistency proof lines"};
    auto hash = hash_from_base64(*line);
    if (!hash) return Failure{"bad consistency proof line"};
    request.consistency_proof.push_back(*hash);
  }
  auto note = parse_note(body);
  if (!note) return Failure{"checkpoint: " + note.error()};
  auto checkpoint = parse_checkpoint(note->text);
  if (!checkpoint) return Failure{"checkpoint: " + checkpoint.error()};
  request.checkpoint_note = std::string(body);
  request.note = std::move(*note);
  request.checkpoint = std::move(*checkpoint);
  return request;
}

WitnessDecision decide_add_checkpoint(const AddCheckpointRequest& request,
                                      std::span<const VerifierKey> trusted_log_keys,
                                      const std::optional<WitnessState>& stored) {
  const Checkpoint& checkpoint = request.checkpoint;
  if (trusted_log_keys.empty()) return answer(WitnessAnswer::unknown_origin, "unknown log origin");
  switch (verify_note(request.note, trusted_log_keys)) {
    case NoteVerdict::verified:
      break;
    case NoteVerdict::no_known_signature:
      return answer(WitnessAnswer::forbidden, "no signature by a trusted log key");
    case NoteVerdict::bad_signature:
      return answer(WitnessAnswer::forbidden, "a trusted log key's signature does not verify");
  }
  if (request.old_size > checkpoint.size)
    return answer(WitnessAnswer::bad_request, "old size above the checkpoint size");
  const std::uint64_t stored_size = stored ? stored->size : 0;
  if (request.old_size != stored_size)
    return answer(WitnessAnswer::conflict, "old size is not the latest cosigned size", stored_size);
  if (checkpoint.size == 0 && checkpoint.root != empty_root())
    return answer(WitnessAnswer::unprocessable, "empty tree with a non-empty root");
  if (request.old_size == 0) {
    if (!request.consistency_proof.empty())
      return answer(WitnessAnswer::unprocessable, "consistency proof from size 0 must be empty");
  } else if (request.old_size == checkpoint.size) {
    // Consistency between equal sizes: an empty proof and the same root (RFC 9162).
    if (!request.consistency_proof.empty())
      return answer(WitnessAnswer::unprocessable, "proof between equal sizes must be empty");
    if (checkpoint.root != stored->root)
      return answer(WitnessAnswer::unprocessable, "same size, different root hash");
  } else if (!verify_consistency(request.old_size, checkpoint.size, request.consistency_proof,
                                 stored->root, checkpoint.root)) {
    return answer(WitnessAnswer::unprocessable, "consistency proof does not verify");
  }
  return answer(WitnessAnswer::cosign, "ok");
}

std::string conflict_body(std::uint64_t stored_size) {
  return std::to_string(stored_size) + "\n";
}

}  // namespace artdag::tlog
