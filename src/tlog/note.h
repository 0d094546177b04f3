#pragma once
// c2sp.org/signed-note: verifier keys ("vkeys"), Ed25519 note signing, a strict parser of
// signed notes, and verification against trusted keys. Checkpoints (checkpoint.h) are notes;
// witness cosignatures (cosignature.h) are signature lines of another type on them.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519_key.h"
#include "tlog/result.h"

namespace artdag::tlog {

inline constexpr std::uint8_t kSignatureTypeEd25519 = 0x01;
inline constexpr std::uint8_t kSignatureTypeCosignatureV1 = 0x04;  // c2sp.org/tlog-cosignature
inline constexpr std::size_t kMaxNoteSize = 64 * 1024;             // 16 Ed25519 lines need ~2 KB
inline constexpr std::size_t kMaxNoteSignatures = 100;             // the spec asks for at least 16
inline constexpr std::string_view kSignatureLinePrefix = "\xE2\x80\x94 ";  // U+2014, space

// SHA-256(name || 0x0A || type || public key)[:4], big-endian.
std::uint32_t key_id(std::string_view name, std::uint8_t type, std::string_view public_key);
// Non-empty, UTF-8, no Unicode spaces, no '+', no control characters.
bool is_valid_key_name(std::string_view name);

// A trusted key: Ed25519 (type 0x01, signs notes) or a cosigner's (type 0x04).
struct VerifierKey {
  std::string name;
  std::uint32_t id = 0;
  std::uint8_t type = kSignatureTypeEd25519;
  crypto::Ed25519PublicKey public_key{};

  static VerifierKey ed25519(std::string name, const crypto::Ed25519PublicKey& public_key);
  static VerifierKey cosigner(std::string name, const crypto::Ed25519PublicKey& public_key);
  friend bool operator==(const VerifierKey&, const VerifierKey&) = default;
};

// "<name>+<8 hex key id>+<base64(type || public key)>".
std::string format_verifier_key(const VerifierKey& key);
// Types 0x01 and 0x04 with a 32-byte key only; the key id must be the one the name, type
// and key give (both types define it so).
Result<VerifierKey> parse_verifier_key(std::string_view text);

// One signature line: "— <name> base64(key id || signature)".
struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  std::string signature;  // the bytes after the key id
  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

struct Note {
  std::string text;  // the signed text: ends with '\n', excludes the blank separator line
  std::vector<NoteSignature> signatures;  // in order, unknown signers included
};

// "— <name> <base64(key id || signature)>\n".
std::string format_signature_line(const NoteSignature& signature);
// One line with or without its final '\n'.
Result<NoteSignature> parse_signature_line(std::string_view line);

// At most kMaxNoteSize bytes, UTF-8 without control characters other than '\n', a text that
// ends in '\n' and has a non-newline character, a blank line, then 1..kMaxNoteSignatures
// well-formed signature lines each ending in '\n' (split at the last blank line).
Result<Note> parse_note(std::string_view note);
// The text, a blank line, then each signature line.
std::string format_note(const Note& note);

// Signs notes as `name` with an Ed25519 key (type 0x01).
class NoteSigner {
 public:
  // Throws std::invalid_argument for an invalid key name.
  NoteSigner(std::string name, crypto::Ed25519Key key);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  VerifierKey verifier_key() const;
  // The signature of `text` (which must end in '\n') as a NoteSignature.
  NoteSignature sign_text(std::string_view text) const;
  // text + "\n" + the signature line: a complete signed note. Throws std::invalid_argument
  // unless the text is a valid note text (ends in '\n', no control characters, UTF-8).
  std::string sign(std::string_view text) const;

 private:
  std::string name_;
  crypto::Ed25519Key key_;
  std::uint32_t key_id_;
};

enum class NoteVerdict {
  verified,            // at least one trusted key's signature verified, none failed
  no_known_signature,  // no signature line matches a trusted key's name and id
  bad_signature,       // a line matching a trusted key failed to verify
};
// Checks every signature line whose name and id match an Ed25519 key among `trusted`
// (keys of other types are never matched here); other lines are ignored, per the spec.
NoteVerdict verify_note(const Note& note, std::span<const VerifierKey> trusted);

}  // namespace artdag::tlog
