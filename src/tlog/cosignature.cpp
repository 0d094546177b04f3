// c2sp.org/tlog-cosignature (Ed25519, cosignature/v1); see cosignature.h.
#include "tlog/cosignature.h"

#include <stdexcept>

#include "tlog/checkpoint.h"

namespace artdag::tlog {
namespace {

constexpr std::size_t kEd25519SignatureSize = 64;

std::string timestamp_bytes(std::uint64_t timestamp) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i, timestamp >>= 8)
    bytes[static_cast<std::size_t>(i)] = static_cast<char>(timestamp & 0xFF);
  return bytes;
}

}  // namespace

std::string cosignature_message(std::string_view checkpoint_text, std::uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(checkpoint_text);
}

Result<Cosignature> cosignature_from_note_signature(const NoteSignature& signature) {
  if (signature.signature.size() != 8 + kEd25519SignatureSize)
    return Failure{"cosignature has the wrong length"};
  std::uint64_t timestamp = 0;
  for (std::size_t i = 0; i < 8; ++i)
    timestamp = timestamp << 8 | static_cast<unsigned char>(signature.signature[i]);
  if (timestamp > kMaxCosignatureTimestamp) return Failure{"cosignature timestamp too large"};
  return Cosignature{signature.name, signature.key_id, timestamp, signature.signature.substr(8)};
}

NoteSignature to_note_signature(const Cosignature& cosignature) {
  return NoteSignature{cosignature.name, cosignature.key_id,
                       timestamp_bytes(cosignature.timestamp) + cosignature.signature};
}

Result<Cosignature> parse_cosignature_line(std::string_view line) {
  auto signature = parse_signature_line(line);
  if (!signature) return Failure{signature.error()};
  return cosignature_from_note_signature(*signature);
}

std::string format_cosignature_line(const Cosignature& cosignature) {
  return format_signature_line(to_note_signature(cosignature));
}

CosignatureSigner::CosignatureSigner(std::string name, crypto::Ed25519Key key)
    : name_(std::move(name)), key_(std::move(key)) {
  if (!is_valid_key_name(name_)) throw std::invalid_argument("invalid cosigner key name");
  key_id_ = tlog::key_id(name_, kSignatureTypeCosignatureV1, key_.public_key_bytes());
}

VerifierKey CosignatureSigner::verifier_key() const {
  return VerifierKey::cosigner(name_, key_.public_key());
}

Cosignature CosignatureSigner::cosign(std::string_view checkpoint_text,
                                      std::uint64_t timestamp) const {
  if (timestamp > kMaxCosignatureTimestamp) throw std::invalid_argument("timestamp too large");
  if (!parse_checkpoint(checkpoint_text)) throw std::invalid_argument("not a checkpoint");
  return Cosignature{name_, key_id_, timestamp,
                     key_.sign(cosignature_message(checkpoint_text, timestamp))};
}

bool verify_cosignature(const VerifierKey& cosigner, std::string_view checkpoint_text,
                        const Cosignature& cosignature) {
  if (cosigner.type != kSignatureTypeCosignatureV1 || cosigner.name != cosignature.name ||
      cosigner.id != cosignature.key_id || cosignature.timestamp > kMaxCosignatureTimestamp)
    return false;
  return crypto::ed25519_verify(cosigner.public_key,
                                cosignature_message(checkpoint_text, cosignature.timestamp),
                                cosignature.signature);
}

std::optional<std::uint64_t> verify_cosigned_note(const Note& note, const VerifierKey& cosigner) {
  for (const NoteSignature& line : note.signatures) {
    if (line.name != cosigner.name || line.key_id != cosigner.id) continue;
    auto cosignature = cosignature_from_note_signature(line);
    if (!cosignature || !verify_cosignature(cosigner, note.text, *cosignature)) return std::nullopt;
    return cosignature->timestamp;
  }
  return std::nullopt;
}

}  // namespace artdag::tlog
