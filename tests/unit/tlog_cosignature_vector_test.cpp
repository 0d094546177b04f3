// The cosignature vector of tests/data/cosignature, made with TweetNaCl.js from the text of
// c2sp.org/tlog-cosignature (see its README): the server's witness code must reproduce the
// verifier key, the signed message and the line byte for byte, and verify the line.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "crypto/ed25519_key.h"
#include "crypto/hash.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"

namespace artdag::tlog {
namespace {

// "key value" lines; `\n` in a value stands for a newline.
std::map<std::string, std::string> read_vector() {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/cosignature/vector.txt", std::ios::binary);
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    std::string value = line.substr(space + 1);
    for (std::size_t at; (at = value.find("\\n")) != std::string::npos;) value.replace(at, 2, "\n");
    out[line.substr(0, space)] = value;
  }
  return out;
}

std::string bytes_of_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

TEST(TlogCosignatureVector, ReproducedByteForByteAndVerified) {
  auto v = read_vector();
  ASSERT_EQ(v.size(), 7u) << "tests/data/cosignature/vector.txt is incomplete";
  const std::uint64_t time = std::stoull(v["time"]);
  const CosignatureSigner witness(v["name"],
                                  crypto::Ed25519Key::from_seed(bytes_of_hex(v["seed"])));

  EXPECT_EQ(format_verifier_key(witness.verifier_key()), v["verifier-key"]);
  EXPECT_EQ(crypto::hex_encode(cosignature_message(v["checkpoint"], time)), v["message-hex"]);
  EXPECT_EQ(witness.signature_line(v["checkpoint"], time), v["cosignature"] + "\n");

  // The line, read with the key as published, verifies; nothing else does.
  auto key = parse_verifier_key(v["verifier-key"]);
  ASSERT_TRUE(key) << key.error();
  auto line = parse_cosignature_line(v["cosignature"]);
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->timestamp, time);
  EXPECT_TRUE(verify_cosignature(*key, v["checkpoint"], *line));
  auto later = *line;
  later.timestamp += 1;
  EXPECT_FALSE(verify_cosignature(*key, v["checkpoint"], later));
  EXPECT_FALSE(verify_cosignature(
      *key, "example.com/log\n9\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", *line));
  const CosignatureSigner other(v["name"], crypto::Ed25519Key::from_seed(std::string(32, 'x')));
  EXPECT_FALSE(verify_cosignature(other.verifier_key(), v["checkpoint"], *line));

  // On a note: the checkpoint with the cosignature after its blank line.
  auto note = parse_note(v["checkpoint"] + "\n" + v["cosignature"] + "\n");
  ASSERT_TRUE(note) << note.error();
  EXPECT_EQ(verify_cosigned_note(*note, *key), time);
}

}  // namespace
}  // namespace artdag::tlog
