#include "crypto/password.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace artdag::crypto {
namespace {

TEST(Password, HashIsArgon2idWithOwaspParameters) {
  const std::string hash = hash_password("correct horse battery staple");
  // m is in KiB: 19 MiB = 19456 KiB; t = opslimit 2; libsodium uses one lane.
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
}

TEST(Password, VerifiesTheRightPasswordOnly) {
  const std::string hash = hash_password("correct horse battery staple");
  EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(hash, "Correct horse battery staple"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(Password, SaltsEveryHash) {
  EXPECT_NE(hash_password("same"), hash_password("same"));
}

TEST(Password, HandlesEmptyUnicodeAndBinaryPasswords) {
  for (const std::string& password : {std::string(""), std::string("caf\xc3\xa9 \xf0\x9f\x8e\xa8"),
                                      std::string("a\0b", 3), std::string(1000, 'x')}) {
    const std::string hash = hash_password(password);
    EXPECT_TRUE(verify_password(hash, password));
  }
  // Bytes after an embedded NUL count.
  EXPECT_FALSE(verify_password(hash_password(std::string("a\0b", 3)), std::string("a\0c", 3)));
}

TEST(Password, RejectsMalformedHashes) {
  const std::string hash = hash_password("pw");
  EXPECT_FALSE(verify_password("", "pw"));
  EXPECT_FALSE(verify_password("pw", "pw"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=19456,t=2,p=1$", "pw"));
  EXPECT_FALSE(verify_password(hash.substr(0, hash.size() - 4), "pw"));
  EXPECT_FALSE(verify_password(hash + std::string("\0", 1), "pw"));
  EXPECT_FALSE(verify_password(std::string(1000, '$'), "pw"));
  std::string altered = hash;
  altered[altered.size() - 2] = altered[altered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password(altered, "pw"));
}

TEST(Password, SafeFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> verified(3, 0);
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      const std::string password = "password " + std::to_string(t);
      verified[t] = verify_password(hash_password(password), password) ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int ok : verified) EXPECT_EQ(ok, 1);
}

}  // namespace
}  // namespace artdag::crypto
