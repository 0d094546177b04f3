// c2sp.org/signed-note; see note.h.
#include "tlog/note.h"

#include <stdexcept>

#include "crypto/hash.h"
#include "tlog/text.h"

namespace artdag::tlog {
namespace {

std::string public_key_string(const crypto::Ed25519PublicKey& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

std::string key_id_bytes(std::uint32_t id) {
  return {static_cast<char>(id >> 24), static_cast<char>(id >> 16), static_cast<char>(id >> 8),
          static_cast<char>(id)};
}

std::uint32_t read_u32(std::string_view bytes) {
  const auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]));
  };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

std::optional<std::uint32_t> parse_hex_u32(std::string_view hex) {
  if (hex.size() != 8) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : hex) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9')
      digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f')
      digit = static_cast<unsigned>(c - 'a' + 10);
    else
      return std::nullopt;  // lowercase only, as the spec's hex encoding is defined
    value = value << 4 | digit;
  }
  return value;
}

// What the spec allows in a note: UTF-8, no control characters but '\n'.
bool is_note_text_safe(std::string_view bytes) {
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') return false;
  }
  return text::is_valid_utf8(bytes);
}

// Ends in '\n' and has something besides newlines.
bool is_valid_note_text(std::string_view note_text) {
  return note_text.ends_with('\n') && note_text.find_first_not_of('\n') != std::string_view::npos;
}

}  // namespace

std::uint32_t key_id(std::string_view name, std::uint8_t type, std::string_view public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(type));
  input.append(public_key);
  return read_u32(crypto::sha256(input));
}

bool is_valid_key_name(std::string_view name) {
  return text::is_valid_key_name(name);
}

VerifierKey VerifierKey::ed25519(std::string name, const crypto::Ed25519PublicKey& public_key) {
  const std::uint32_t id = key_id(name, kSignatureTypeEd25519, public_key_string(public_key));
  return VerifierKey{std::move(name), id, kSignatureTypeEd25519, public_key};
}

VerifierKey VerifierKey::cosigner(std::string name, const crypto::Ed25519PublicKey& public_key) {
  const std::uint32_t id = key_id(name, kSignatureTypeCosignatureV1, public_key_string(public_key));
  return VerifierKey{std::move(name), id, kSignatureTypeCosignatureV1, public_key};
}

std::string format_verifier_key(const VerifierKey& key) {
  std::string material(1, static_cast<char>(key.type));
  material += public_key_string(key.public_key);
  return key.name + "+" + crypto::hex_encode(key_id_bytes(key.id)) + "+" +
         crypto::base64_encode(material);
}

Result<VerifierKey> parse_verifier_key(std::string_view text) {
  if (text.size() > 1024) return Failure{"verifier key too long"};
  const auto first_plus = text.find('+');
  if (first_plus == std::string_view::npos) return Failure{"verifier key has no '+'"};
  const auto second_plus = text.find('+', first_plus + 1);
  if (second_plus == std::string_view::npos) return Failure{"verifier key has one '+'"};
  const std::string_view name = text.substr(0, first_plus);
  if (!is_valid_key_name(name)) return Failure{"bad verifier key name"};
  auto id = parse_hex_u32(text.substr(first_plus + 1, second_plus - first_plus - 1));
  if (!id) return Failure{"bad verifier key id"};
  auto material = crypto::base64_decode(text.substr(second_plus + 1));
  if (!material || material->size() != 33) return Failure{"bad verifier key material"};
  const auto type = static_cast<std::uint8_t>((*material)[0]);
  if (type != kSignatureTypeEd25519 && type != kSignatureTypeCosignatureV1)
    return Failure{"unsupported verifier key type"};
  VerifierKey key{std::string(name), *id, type, {}};
  if (!crypto::ed25519_public_key_from_bytes(std::string_view(*material).substr(1), key.public_key))
    return Failure{"bad verifier key material"};
  if (key_id(name, type, material->substr(1)) != *id)
    return Failure{"verifier key id does not match the key"};
  return key;
}

std::string format_signature_line(const NoteSignature& signature) {
  return std::string(kSignatureLinePrefix) + signature.name + " " +
         crypto::base64_encode(key_id_bytes(signature.key_id) + signature.signature) + "\n";
}

Result<NoteSignature> parse_signature_line(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (!line.starts_with(kSignatureLinePrefix)) return Failure{"signature line without em dash"};
  line.remove_prefix(kSignatureLinePrefix.size());
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return Failure{"signature line without signature"};
  const std::string_view name = line.substr(0, space);
  if (!is_valid_key_name(name)) return Failure{"bad signature key name"};
  auto bytes = crypto::base64_decode(line.substr(space + 1));  // refuses spaces and '\n'
  if (!bytes || bytes->size() < 5) return Failure{"bad signature encoding"};
  return NoteSignature{std::string(name), read_u32(*bytes), bytes->substr(4)};
}

Result<Note> parse_note(std::string_view note) {
  if (note.size() > kMaxNoteSize) return Failure{"note too large"};
  if (!is_note_text_safe(note)) return Failure{"note has control characters or bad UTF-8"};
  const auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Failure{"note has no signatures"};
  Note parsed;
  parsed.text = std::string(note.substr(0, split + 1));
  if (!is_valid_note_text(parsed.text)) return Failure{"note text is empty"};
  std::string_view rest = note.substr(split + 2);
  if (rest.empty()) return Failure{"note has no signatures"};
  while (!rest.empty()) {
    auto line = text::take_line(rest);
    if (!line) return Failure{"signature line does not end in a newline"};
    if (parsed.signatures.size() == kMaxNoteSignatures) return Failure{"too many signatures"};
    auto signature = parse_signature_line(*line);
    if (!signature) return Failure{signature.error()};
    parsed.signatures.push_back(std::move(*signature));
  }
  return parsed;
}

std::string format_note(const Note& note) {
  std::string out = note.text + "\n";
  for (const NoteSignature& signature : note.signatures) out += format_signature_line(signature);
  return out;
}

NoteSigner::NoteSigner(std::string name, crypto::Ed25519Key key)
    : name_(std::move(name)), key_(std::move(key)) {
  if (!is_valid_key_name(name_)) throw std::invalid_argument("invalid note key name");
  key_id_ = tlog::key_id(name_, kSignatureTypeEd25519, key_.public_key_bytes());
}

VerifierKey NoteSigner::verifier_key() const {
  return VerifierKey::ed25519(name_, key_.public_key());
}

NoteSignature NoteSigner::sign_text(std::string_view text) const {
  return NoteSignature{name_, key_id_, key_.sign(text)};
}

std::string NoteSigner::sign(std::string_view text) const {
  if (!is_valid_note_text(text) || !is_note_text_safe(text))
    throw std::invalid_argument("invalid note text");
  return std::string(text) + "\n" + format_signature_line(sign_text(text));
}

NoteVerdict verify_note(const Note& note, std::span<const VerifierKey> trusted) {
  bool verified = false;
  for (const NoteSignature& signature : note.signatures) {
    for (const VerifierKey& key : trusted) {
      if (key.type != kSignatureTypeEd25519 || key.name != signature.name ||
          key.id != signature.key_id)
        continue;
      if (!crypto::ed25519_verify(key.public_key, note.text, signature.signature))
        return NoteVerdict::bad_signature;
      verified = true;
    }
  }
  return verified ? NoteVerdict::verified : NoteVerdict::no_known_signature;
}

}  // namespace artdag::tlog
