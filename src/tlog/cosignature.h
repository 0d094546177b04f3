#pragma once
// c2sp.org/tlog-cosignature, Ed25519 "cosignature/v1" (signature type 0x04): a witness's
// timestamped statement that a checkpoint is the largest consistent one it has seen for the
// log. The line is an ordinary note signature line whose bytes are
// key id || 8-byte big-endian seconds || 64-byte Ed25519 signature.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519_key.h"
#include "tlog/note.h"
#include "tlog/result.h"

namespace artdag::tlog {

inline constexpr std::uint64_t kMaxCosignatureTimestamp = 0x7FFFFFFFFFFFFFFF;  // 2^63 - 1

// "cosignature/v1\ntime <seconds>\n" + the checkpoint note text (with its final '\n').
std::string cosignature_message(std::string_view checkpoint_text, std::uint64_t timestamp);

struct Cosignature {
  std::string name;
  std::uint32_t key_id = 0;
  std::uint64_t timestamp = 0;  // POSIX seconds
  std::string signature;        // 64 bytes
  friend bool operator==(const Cosignature&, const Cosignature&) = default;
};

// Refused unless the signature bytes are exactly 8 + 64 and the timestamp ≤ 2^63 - 1.
// (Whether the key id is a cosigner's can only be told with the key: see verify_cosignature.)
Result<Cosignature> cosignature_from_note_signature(const NoteSignature& signature);
NoteSignature to_note_signature(const Cosignature& cosignature);
// "— <name> base64(...)", with or without the final '\n'.
Result<Cosignature> parse_cosignature_line(std::string_view line);
std::string format_cosignature_line(const Cosignature& cosignature);  // ends in '\n'

// A witness's signing key.
class CosignatureSigner {
 public:
  // Throws std::invalid_argument for an invalid key name.
  CosignatureSigner(std::string name, crypto::Ed25519Key key);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  VerifierKey verifier_key() const;  // type 0x04
  // Throws std::invalid_argument unless `checkpoint_text` parses as a checkpoint and the
  // timestamp is ≤ 2^63 - 1.
  Cosignature cosign(std::string_view checkpoint_text, std::uint64_t timestamp) const;
  std::string signature_line(std::string_view checkpoint_text, std::uint64_t timestamp) const {
    return format_cosignature_line(cosign(checkpoint_text, timestamp));
  }

 private:
  std::string name_;
  crypto::Ed25519Key key_;
  std::uint32_t key_id_;
};

// True when `cosignature` is by `cosigner` (a type 0x04 key: name and id match) and its
// signature over the message for `checkpoint_text` and its timestamp verifies.
bool verify_cosignature(const VerifierKey& cosigner, std::string_view checkpoint_text,
                        const Cosignature& cosignature);
// The timestamp of the first line of `note` matching `cosigner` (name and id), when that
// line is a valid cosignature of the note's text; nullopt when there is none or it fails.
std::optional<std::uint64_t> verify_cosigned_note(const Note& note, const VerifierKey& cosigner);

}  // namespace artdag::tlog
