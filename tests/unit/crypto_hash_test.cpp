#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/hash.h"

namespace artdag::crypto {
namespace {

std::string hex(std::string_view bytes) {
  return hex_encode(bytes);
}

TEST(CryptoHash, Sha256KnownAnswers) {
  // FIPS 180-2 examples.
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

TEST(CryptoHash, Sha3_256KnownAnswers) {
  // FIPS 202 examples.
  EXPECT_EQ(sha3_256_hex(""), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  EXPECT_EQ(sha3_256_hex("abc"),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
}

TEST(CryptoHash, Sha256HandlesEmbeddedNul) {
  EXPECT_NE(sha256(std::string("a\0b", 3)), sha256("a"));
}

TEST(CryptoHash, HmacSha256Rfc4231) {
  // RFC 4231 test case 1.
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the output.
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size (hashed first).
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoHash, HexEncode) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x01\x7f\x80\xff", 5)), "00017f80ff");
}

TEST(CryptoHash, RandomBytes) {
  EXPECT_EQ(random_bytes(0), "");
  EXPECT_EQ(random_bytes(32).size(), 32u);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_bytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(CryptoHash, RandomTokenHex) {
  const std::string token = random_token_hex(16);
  ASSERT_EQ(token.size(), 32u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(token, random_token_hex(16));
}

TEST(CryptoHash, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), std::optional<std::string>(plain)) << encoded;
    std::string unpadded(encoded);
    unpadded.erase(unpadded.find_last_not_of('=') + 1);
    EXPECT_EQ(base64url_encode(plain), unpadded);
    EXPECT_EQ(base64url_decode(unpadded), std::optional<std::string>(plain)) << unpadded;
  }
}

TEST(CryptoHash, Base64AlphabetsDiffer) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64_decode("+/+/"), bytes);
  EXPECT_EQ(base64url_decode("-_-_"), bytes);
  EXPECT_FALSE(base64_decode("-_-_"));
  EXPECT_FALSE(base64url_decode("+/+/"));
}

TEST(CryptoHash, Base64RoundTripsEveryByteAndLength) {
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  for (std::size_t length = 0; length <= all_bytes.size(); ++length) {
    const std::string bytes = all_bytes.substr(all_bytes.size() - length);
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  }
  for (int i = 0; i < 50; ++i) {
    const std::string bytes = random_bytes(static_cast<std::size_t>(i) * 7);
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  }
}

TEST(CryptoHash, Base64RejectsInvalidInput) {
  const char* invalid[] = {
      "Zg",        // padding missing
      "Zg=",       // incomplete quartet
      "Z===",      // too much padding
      "====",      // nothing but padding
      "Zg==Zg==",  // padding in the middle
      "Zm9v=",     // padding after a full quartet
      "Zm9v\n",    // whitespace
      "Zm 9v",     // whitespace
      " Zm9v",     // whitespace
      "Zm9*",      // outside the alphabet
      "Zm9-",      // URL alphabet
      "Zh==",      // unused bits not zero (non-canonical)
      "Zm9=",      // unused bits not zero (non-canonical)
      "Zm8",       // unpadded
  };
  for (const char* text : invalid) EXPECT_FALSE(base64_decode(text)) << text;
  EXPECT_FALSE(base64_decode(std::string("Zm9v\0\0\0\0", 8)));
}

TEST(CryptoHash, Base64UrlRejectsInvalidInput) {
  const char* invalid[] = {
      "Zg==",   // padding is not used in the URL form
      "Zm8=",   //
      "Z",      // a lone character cannot encode a byte
      "Zm9vY",  // same after a full quartet
      "Zm9v+",  // standard alphabet
      "Zm/v",   //
      "Zm9v ",  // whitespace
      "Zh",     // unused bits not zero
      "Zm9",    // unused bits not zero
  };
  for (const char* text : invalid) EXPECT_FALSE(base64url_decode(text)) << text;
  EXPECT_EQ(base64url_decode(""), std::optional<std::string>(""));
}

TEST(CryptoHash, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace artdag::crypto
