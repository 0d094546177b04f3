// c2sp.org/tlog-proof@v1; see proof.h.
#include "tlog/proof.h"

#include <stdexcept>

#include "crypto/hash.h"
#include "tlog/text.h"

namespace artdag::tlog {

std::string format_tlog_proof(const TlogProof& proof) {
  if (!proof.checkpoint.ends_with('\n')) throw std::invalid_argument("checkpoint without newline");
  std::string out(kTlogProofHeader);
  out += "\n";
  if (proof.extra) out += "extra " + crypto::base64_encode(*proof.extra) + "\n";
  out += "index " + std::to_string(proof.index) + "\n";
  for (const Hash& hash : proof.inclusion) out += hash_base64(hash) + "\n";
  out += "\n";
  out += proof.checkpoint;
  return out;
}

Result<TlogProof> parse_tlog_proof(std::string_view text) {
  if (text.size() > kMaxTlogProofSize) return Failure{"tlog proof too large"};
  TlogProof proof;
  auto header = text::take_line(text);
  if (!header || *header != kTlogProofHeader) return Failure{"not a c2sp.org/tlog-proof@v1"};
  auto line = text::take_line(text);
  if (line && line->starts_with("extra ")) {
    auto extra = crypto::base64_decode(line->substr(6));
    if (!extra) return Failure{"bad tlog proof extra data"};
    proof.extra = std::move(*extra);
    line = text::take_line(text);
  }
  if (!line || !line->starts_with("index ")) return Failure{"tlog proof index missing"};
  auto index = text::parse_decimal(line->substr(6));
  if (!index) return Failure{"bad tlog proof index"};
  proof.index = *index;
  for (;;) {
    line = text::take_line(text);
    if (!line) return Failure{"tlog proof has no checkpoint"};
    if (line->empty()) break;
    if (proof.inclusion.size() == kMaxInclusionProofLength)
      return Failure{"tlog proof inclusion path too long"};
    auto hash = hash_from_base64(*line);
    if (!hash) return Failure{"bad tlog proof hash line"};
    proof.inclusion.push_back(*hash);
  }
  auto note = parse_note(text);
  if (!note) return Failure{"tlog proof checkpoint: " + note.error()};
  if (auto checkpoint = parse_checkpoint(note->text); !checkpoint)
    return Failure{"tlog proof checkpoint: " + checkpoint.error()};
  proof.checkpoint = std::string(text);
  return proof;
}

Result<Checkpoint> verify_tlog_proof_leaf(const TlogProof& proof, const Hash& leaf,
                                          const VerifierKey& log_key, std::string_view origin) {
  auto note = parse_note(proof.checkpoint);
  if (!note) return Failure{"checkpoint: " + note.error()};
  const VerifierKey keys[] = {log_key};
  if (verify_note(*note, keys) != NoteVerdict::verified)
    return Failure{"checkpoint is not signed by the log's key"};
  auto checkpoint = parse_checkpoint(note->text);
  if (!checkpoint) return Failure{"checkpoint: " + checkpoint.error()};
  if (checkpoint->origin != (origin.empty() ? std::string_view(log_key.name) : origin))
    return Failure{"checkpoint is for another log"};
  if (proof.index >= checkpoint->size) return Failure{"entry index is outside the tree"};
  if (!verify_inclusion(proof.index, checkpoint->size, leaf, proof.inclusion, checkpoint->root))
    return Failure{"inclusion proof does not verify"};
  return checkpoint;
}

Result<Checkpoint> verify_tlog_proof(const TlogProof& proof, std::string_view entry,
                                     const VerifierKey& log_key, std::string_view origin) {
  return verify_tlog_proof_leaf(proof, leaf_hash(entry), log_key, origin);
}

}  // namespace artdag::tlog
