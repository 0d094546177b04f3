// c2sp.org/signed-note, tlog-checkpoint and tlog-cosignature: byte-identical signing with a
// fixed seed, the specs' examples, strict parsing and verification outcomes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/ed25519_key.h"
#include "crypto/hash.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/merkle.h"
#include "tlog/note.h"

namespace artdag::tlog {
namespace {

const std::string kLogVkey =
    "example.com/log+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS";
const std::string kCheckpointText =
    "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
const std::string kSignedCheckpoint = kCheckpointText +
                                      "\n\xE2\x80\x94 example.com/log "
                                      "1cqaGZ93MWneBYE7wqa7uikSHETuPk2b1XNW0QE3tTxtnd70lq8j5P00W9yA"
                                      "YF69HVUjhqQIJJY2LynLu99ldiMEpwI=\n";

crypto::Ed25519Key seed_key(char byte) {
  return crypto::Ed25519Key::from_seed(std::string(32, byte));
}

TEST(TlogNote, PublishedVerifierKeyAndSignedCheckpoint) {
  NoteSigner signer("example.com/log", seed_key('\x42'));
  EXPECT_EQ(format_verifier_key(signer.verifier_key()), kLogVkey);
  EXPECT_EQ(signer.key_id(), 0xd5ca9a19u);
  EXPECT_EQ(signer.sign(kCheckpointText), kSignedCheckpoint);

  auto key = parse_verifier_key(kLogVkey);
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(*key, signer.verifier_key());
  auto note = parse_note(kSignedCheckpoint);
  ASSERT_TRUE(note) << note.error();
  EXPECT_EQ(note->text, kCheckpointText);
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].key_id, 0xd5ca9a19u);
  EXPECT_EQ(format_note(*note), kSignedCheckpoint);
  const VerifierKey keys[] = {*key};
  EXPECT_EQ(verify_note(*note, keys), NoteVerdict::verified);
}

TEST(TlogNote, SignedNoteSpecExample) {
  auto key =
      parse_verifier_key("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  ASSERT_TRUE(key) << key.error();
  auto note = parse_note(
      "This is an example message.\n\n\xE2\x80\x94 example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
      "\n");
  ASSERT_TRUE(note) << note.error();
  const VerifierKey keys[] = {*key};
  EXPECT_EQ(verify_note(*note, keys), NoteVerdict::verified);
  note->text = "This is an example message!\n";
  EXPECT_EQ(verify_note(*note, keys), NoteVerdict::bad_signature);
}

TEST(TlogNote, VerifierKeyRefusals) {
  const char* refused[] = {
      "",
      "example.com/log",
      "example.com/log+d5ca9a19",
      "+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS",                 // no name
      "example.com/log+d5ca9a18+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS",  // wrong id
      "example.com/log+D5CA9A19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS",  // uppercase hex
      "example.com/log+d5ca9a1+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS",
      "example.com/log+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgds",   // bad base64
      "example.com/log+d5ca9a19+AiFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS",  // type 0x02
      "example.com/log+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYg",     // short key
      "example com/log+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS",  // space
  };
  for (const char* text : refused) EXPECT_FALSE(parse_verifier_key(text)) << text;
  // A cosigner key (type 0x04) round-trips with its own key id.
  CosignatureSigner witness("witness.example/w1", seed_key('\x07'));
  const std::string vkey = format_verifier_key(witness.verifier_key());
  auto parsed = parse_verifier_key(vkey);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->type, kSignatureTypeCosignatureV1);
  EXPECT_EQ(*parsed, witness.verifier_key());
  EXPECT_NE(witness.key_id(), NoteSigner("witness.example/w1", seed_key('\x07')).key_id());
}

TEST(TlogNote, VerificationOutcomes) {
  NoteSigner log("example.com/log", seed_key('\x42'));
  NoteSigner other("example.com/other", seed_key('\x43'));
  NoteSigner impostor("example.com/log", seed_key('\x44'));  // same name, another key id
  const std::string text = "hello\n\nworld\n";
  auto note = parse_note(log.sign(text));
  ASSERT_TRUE(note);
  EXPECT_EQ(note->text, text);  // the text may hold empty lines; split at the last one
  const VerifierKey trusted[] = {log.verifier_key()};
  EXPECT_EQ(verify_note(*note, trusted), NoteVerdict::verified);
  const VerifierKey untrusted[] = {other.verifier_key(), impostor.verifier_key()};
  EXPECT_EQ(verify_note(*note, untrusted), NoteVerdict::no_known_signature);
  EXPECT_EQ(verify_note(*note, {}), NoteVerdict::no_known_signature);

  // Unknown signers are kept but ignored.
  const std::string two = log.sign(text) + format_signature_line(other.sign_text(text));
  auto both = parse_note(two);
  ASSERT_TRUE(both) << both.error();
  EXPECT_EQ(both->signatures.size(), 2u);
  EXPECT_EQ(verify_note(*both, trusted), NoteVerdict::verified);

  // A line with a trusted name and id whose signature fails spoils the note.
  NoteSignature forged = log.sign_text(text);
  forged.signature[10] ^= 1;
  Note tampered{text, {forged, log.sign_text(text)}};
  EXPECT_EQ(verify_note(tampered, trusted), NoteVerdict::bad_signature);
  // A cosigner key never verifies an Ed25519 note line, even with matching name and id.
  VerifierKey as_cosigner = log.verifier_key();
  as_cosigner.type = kSignatureTypeCosignatureV1;
  const VerifierKey cosigners[] = {as_cosigner};
  EXPECT_EQ(verify_note(*note, cosigners), NoteVerdict::no_known_signature);
}

TEST(TlogNote, ParserRefusals) {
  NoteSigner log("example.com/log", seed_key('\x42'));
  const std::string line = format_signature_line(log.sign_text("a\n"));
  const std::string dash = "\xE2\x80\x94 ";
  std::vector<std::string> refused = {
      "",
      "a\n",
      "a\n\n",                                    // no signatures
      "a\n\n" + line.substr(0, line.size() - 1),  // last line without '\n'
      "\n\n" + line,                              // empty text
      "\n\n\n" + line,                            // text of newlines only
      "a\n\n" + line + "\n",                      // trailing blank line: no signatures after it
      "a\n\n- example.com/log AAAAAAA=\n",        // not an em dash
      "a\n\n" + dash + "example.com/log\n",       // no signature
      "a\n\n" + dash + "example+com AAAAAAA=\n",  // '+' in name
      "a\n\n" + dash + " AAAAAAA=\n",             // empty name
      "a\n\n" + dash + "x\xC2\xA0y AAAAAAA=\n",   // U+00A0 in name
      "a\n\n" + dash + "x AAAA\n",                // 3 bytes: no room for a signature
      "a\n\n" + dash + "x AAAAAAA\n",             // unpadded base64
      "a\n\n" + dash + "x AAAAAAA= \n",           // trailing space
      "a\n\n" + dash + "x  AAAAAAA=\n",           // two spaces
      "a\tb\n\n" + line,                          // control character
      "a\r\n\n" + line,
      std::string("a\0b\n\n", 5) + line,
      "a\xff\n\n" + line,          // not UTF-8
      "a\xC0\x80\n\n" + line,      // overlong
      "a\xED\xA0\x80\n\n" + line,  // surrogate
      "a\n\n" + line + "junk\n",
      std::string(kMaxNoteSize, 'a') + "\n\n" + line,
  };
  std::string many = "a\n\n";
  for (std::size_t i = 0; i <= kMaxNoteSignatures; ++i) many += line;
  refused.push_back(many);
  for (const std::string& note : refused) {
    auto parsed = parse_note(note);
    EXPECT_FALSE(parsed) << note;
    if (!parsed) {
      EXPECT_FALSE(parsed.error().empty());
    }
  }
  // At least 16 signatures are accepted, and a U+2014 inside the text is fine.
  std::string sixteen = "a \xE2\x80\x94 b\n\n";
  for (int i = 0; i < 16; ++i) sixteen += line;
  auto parsed = parse_note(sixteen);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->signatures.size(), 16u);
  EXPECT_THROW(log.sign("no newline"), std::invalid_argument);
  EXPECT_THROW(log.sign("\n"), std::invalid_argument);
  EXPECT_THROW(log.sign("tab\there\n"), std::invalid_argument);
  EXPECT_THROW(NoteSigner("bad name", seed_key('\x42')), std::invalid_argument);
  EXPECT_THROW(NoteSigner("", seed_key('\x42')), std::invalid_argument);
}

TEST(TlogCheckpoint, FormatAndParse) {
  Checkpoint checkpoint{
      "example.com/log", 8, *hash_from_base64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="), {}};
  EXPECT_EQ(format_checkpoint(checkpoint), kCheckpointText);
  auto parsed = parse_checkpoint(kCheckpointText);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(*parsed, checkpoint);
  checkpoint.extensions = {"ext one", "— two"};
  auto with_extensions = parse_checkpoint(format_checkpoint(checkpoint));
  ASSERT_TRUE(with_extensions);
  EXPECT_EQ(*with_extensions, checkpoint);
  // The tlog-checkpoint spec example.
  auto example = parse_checkpoint(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  ASSERT_TRUE(example);
  EXPECT_EQ(example->size, 20852163u);
  EXPECT_EQ(example->origin, "example.com/behind-the-sofa");
  EXPECT_TRUE(parse_checkpoint("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"));
  EXPECT_TRUE(
      parse_checkpoint("o\n18446744073709551615\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"));
  EXPECT_THROW(format_checkpoint(Checkpoint{"", 1, {}, {}}), std::invalid_argument);
  EXPECT_THROW(format_checkpoint(Checkpoint{"a\nb", 1, {}, {}}), std::invalid_argument);
  EXPECT_THROW(format_checkpoint(Checkpoint{"a", 1, {}, {""}}), std::invalid_argument);
}

TEST(TlogCheckpoint, ParserRefusals) {
  const std::string root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  const std::vector<std::string> refused = {
      "",
      "o\n",
      "o\n1\n",
      "o\n1\n" + root,          // no final newline
      "\n1\n" + root + "\n",    // empty origin
      "o\n01\n" + root + "\n",  // leading zero
      "o\n00\n" + root + "\n",
      "o\n-1\n" + root + "\n",
      "o\n+1\n" + root + "\n",
      "o\n 1\n" + root + "\n",
      "o\n1 \n" + root + "\n",
      "o\n\n" + root + "\n",
      "o\n18446744073709551616\n" + root + "\n",  // 2^64
      "o\n99999999999999999999999\n" + root + "\n",
      "o\n1\nZG9uJ3QgY2FyZSAx\n",  // 12 bytes
      "o\n1\n" + root.substr(0, 43) + "\n",
      "o\n1\n" + root + "=\n",
      "o\n1\n" + root + "\n\n",   // empty extension line
      "o\n1\n" + root + "\next",  // extension without newline
  };
  for (const std::string& text : refused) EXPECT_FALSE(parse_checkpoint(text)) << text;
}

TEST(TlogCosignature, SpecExampleLineParses) {
  // From c2sp.org/tlog-cosignature: the witness line's timestamp is the example's time.
  auto cosignature = parse_cosignature_line(
      "\xE2\x80\x94 witness.example.com/w1 "
      "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
      "mbIUBkBIfZ+qnA==\n");
  ASSERT_TRUE(cosignature) << cosignature.error();
  EXPECT_EQ(cosignature->name, "witness.example.com/w1");
  EXPECT_EQ(cosignature->key_id, 0x8d66cf3fu);
  EXPECT_EQ(cosignature->timestamp, 1679315147u);
  EXPECT_EQ(cosignature->signature.size(), 64u);
  EXPECT_EQ(
      cosignature_message(
          "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
          1679315147),
      "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
}

TEST(TlogCosignature, SignVerifyAndTamper) {
  CosignatureSigner witness("witness.example/w1", seed_key('\x07'));
  const VerifierKey key = witness.verifier_key();
  EXPECT_EQ(key.id, key_id("witness.example/w1", 0x04, seed_key('\x07').public_key_bytes()));
  const std::string line = witness.signature_line(kCheckpointText, 1700000000);
  auto parsed = parse_cosignature_line(line);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->timestamp, 1700000000u);
  EXPECT_EQ(format_cosignature_line(*parsed), line);
  EXPECT_TRUE(verify_cosignature(key, kCheckpointText, *parsed));
  // Deterministic: the same inputs give the same line.
  EXPECT_EQ(witness.signature_line(kCheckpointText, 1700000000), line);

  auto other_time = *parsed;
  other_time.timestamp += 1;
  EXPECT_FALSE(verify_cosignature(key, kCheckpointText, other_time));
  auto other_sig = *parsed;
  other_sig.signature[0] ^= 0x80;
  EXPECT_FALSE(verify_cosignature(key, kCheckpointText, other_sig));
  EXPECT_FALSE(verify_cosignature(
      key, "example.com/log\n9\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", *parsed));
  CosignatureSigner other("witness.example/w1", seed_key('\x08'));
  EXPECT_FALSE(verify_cosignature(other.verifier_key(), kCheckpointText, *parsed));
  // The note-signing key type cannot stand in for the cosigner's.
  VerifierKey wrong_type = key;
  wrong_type.type = kSignatureTypeEd25519;
  EXPECT_FALSE(verify_cosignature(wrong_type, kCheckpointText, *parsed));

  // On a whole note: the log's signature plus the witness's line.
  auto note = parse_note(kSignedCheckpoint + line);
  ASSERT_TRUE(note) << note.error();
  EXPECT_EQ(verify_cosigned_note(*note, key), 1700000000u);
  EXPECT_FALSE(verify_cosigned_note(*note, other.verifier_key()));
  const VerifierKey log_keys[] = {*parse_verifier_key(kLogVkey)};
  EXPECT_EQ(verify_note(*note, log_keys), NoteVerdict::verified);  // cosignature ignored
  note->text = "example.com/log\n8\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
  EXPECT_FALSE(verify_cosigned_note(*note, key));
}

TEST(TlogCosignature, Refusals) {
  CosignatureSigner witness("witness.example/w1", seed_key('\x07'));
  EXPECT_THROW(witness.cosign(kCheckpointText, kMaxCosignatureTimestamp + 1),
               std::invalid_argument);
  EXPECT_THROW(witness.cosign("not a checkpoint\n", 1), std::invalid_argument);
  EXPECT_NO_THROW(witness.cosign(kCheckpointText, kMaxCosignatureTimestamp));
  // 2^63 as the timestamp, 71 and 73 bytes, and a plain Ed25519 note line.
  NoteSignature big{"w", 1, std::string("\x80\0\0\0\0\0\0\0", 8) + std::string(64, 's')};
  EXPECT_FALSE(cosignature_from_note_signature(big));
  big.signature[0] = 0x7f;
  EXPECT_TRUE(cosignature_from_note_signature(big));
  EXPECT_FALSE(cosignature_from_note_signature(NoteSignature{"w", 1, std::string(71, 's')}));
  EXPECT_FALSE(cosignature_from_note_signature(NoteSignature{"w", 1, std::string(73, 's')}));
  EXPECT_FALSE(
      parse_cosignature_line("\xE2\x80\x94 example.com/log "
                             "1cqaGZ93MWneBYE7wqa7uikSHETuPk2b1XNW0QE3tTxtnd70lq8j5P00W9yAYF69HVUjh"
                             "qQIJJY2LynLu99ldiMEpwI=\n"));
  EXPECT_FALSE(parse_cosignature_line("garbage"));
}

}  // namespace
}  // namespace artdag::tlog
