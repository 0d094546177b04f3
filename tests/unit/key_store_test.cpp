#include "crypto/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace artdag::crypto {
namespace {

namespace fs = std::filesystem;

mode_t mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "artdag-keystore-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    keys_ = root_ / "data" / "keys";  // neither level exists yet
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  fs::path keys_;
};

TEST_F(KeyStoreTest, CreateWritesTheGenerationsFilesWithTightPermissions) {
  KeyStore store(keys_);
  EXPECT_EQ(store.dir(), keys_);
  EXPECT_FALSE(store.exists("giles"));
  const RsaKey key = store.create("giles");
  EXPECT_TRUE(store.exists("giles"));
  EXPECT_TRUE(key.has_private());
  EXPECT_EQ(key.bits(), 2048);

  EXPECT_EQ(mode_of(keys_), 0700u);
  EXPECT_EQ(mode_of(keys_ / "giles.pem"), 0600u);
  EXPECT_EQ(mode_of(keys_ / "giles.pub"), 0644u);
  EXPECT_EQ(read_file(keys_ / "giles.pem"), key.private_pem());
  EXPECT_EQ(read_file(keys_ / "giles.pub"), key.public_pem());
  EXPECT_EQ(mode_of(keys_ / "giles.ed25519"), 0600u);  // the generation's Ed25519 key
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(keys_), fs::directory_iterator()), 3);
}

TEST_F(KeyStoreTest, PermissionsDoNotDependOnTheUmask) {
  const mode_t previous = ::umask(077);
  KeyStore store(keys_);
  store.create("giles");
  ::umask(previous);
  EXPECT_EQ(mode_of(keys_ / "giles.pem"), 0600u);
  EXPECT_EQ(mode_of(keys_ / "giles.pub"), 0644u);
}

TEST_F(KeyStoreTest, LoadReturnsTheStoredKey) {
  const std::string public_pem = KeyStore(keys_).create("giles").public_pem();
  KeyStore fresh(keys_);  // no cache
  const RsaKey loaded = fresh.load("giles");
  EXPECT_TRUE(loaded.has_private());
  EXPECT_EQ(loaded.public_pem(), public_pem);
}

TEST_F(KeyStoreTest, RefusesToOverwrite) {
  KeyStore store(keys_);
  store.create("giles");
  const std::string before = read_file(keys_ / "giles.pem");
  EXPECT_THROW(store.create("giles"), CryptoError);
  EXPECT_THROW(KeyStore(keys_).create("giles"), CryptoError);
  EXPECT_EQ(read_file(keys_ / "giles.pem"), before);
}

TEST_F(KeyStoreTest, RefusesWhenOnlyThePublicFileExists) {
  fs::create_directories(keys_);
  std::ofstream(keys_ / "giles.pub") << "stray";
  KeyStore store(keys_);
  EXPECT_THROW(store.create("giles"), CryptoError);
  EXPECT_FALSE(fs::exists(keys_ / "giles.pem"));
  EXPECT_EQ(read_file(keys_ / "giles.pub"), "stray");
}

TEST_F(KeyStoreTest, LoadRefusesLoosePermissionsNamingPathAndMode) {
  KeyStore(keys_).create("giles");
  const fs::path private_path = keys_ / "giles.pem";
  for (mode_t loose : {0640, 0604, 0660, 0644, 0610}) {
    ASSERT_EQ(::chmod(private_path.c_str(), loose), 0);
    KeyStore store(keys_);
    try {
      store.load("giles");
      ADD_FAILURE() << "loaded a key with mode " << std::oct << loose;
    } catch (const CryptoError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(private_path.string()), std::string::npos) << message;
      std::ostringstream mode_text;
      mode_text << "0" << std::oct << loose;
      EXPECT_NE(message.find(mode_text.str()), std::string::npos) << message;
    }
  }
  ASSERT_EQ(::chmod(private_path.c_str(), 0400), 0);  // read-only for the owner is fine
  EXPECT_NO_THROW(KeyStore(keys_).load("giles"));
}

TEST_F(KeyStoreTest, LoadMissingKeyNamesThePath) {
  KeyStore store(keys_);
  try {
    store.load("nobody");
    FAIL() << "loaded a missing key";
  } catch (const CryptoError& e) {
    EXPECT_NE(std::string(e.what()).find((keys_ / "nobody.pem").string()), std::string::npos)
        << e.what();
  }
}

TEST_F(KeyStoreTest, LoadRefusesGarbage) {
  fs::create_directories(keys_);
  std::ofstream(keys_ / "giles.pem") << "not a key";
  ::chmod((keys_ / "giles.pem").c_str(), 0600);
  EXPECT_THROW(KeyStore(keys_).load("giles"), CryptoError);
}

TEST_F(KeyStoreTest, LoadedKeysAreCached) {
  KeyStore store(keys_);
  const std::string public_pem = store.create("giles").public_pem();
  fs::remove(keys_ / "giles.pem");
  EXPECT_EQ(store.load("giles").public_pem(), public_pem);
  EXPECT_THROW(KeyStore(keys_).load("giles"), CryptoError);
}

TEST_F(KeyStoreTest, EnsureCreatesOnceThenLoads) {
  KeyStore store(keys_);
  const std::string first = store.ensure("giles").public_pem();
  EXPECT_EQ(store.ensure("giles").public_pem(), first);
  EXPECT_EQ(KeyStore(keys_).ensure("giles").public_pem(), first);
}

TEST_F(KeyStoreTest, ConcurrentEnsureFromSeveralStoresAgreesOnOneKey) {
  // Separate KeyStore objects stand in for separate server processes.
  constexpr int kRacers = 4;
  std::vector<std::string> public_pems(kRacers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      KeyStore store(keys_);
      try {
        public_pems[i] = store.ensure("giles").public_pem();
      } catch (const std::exception& e) {
        public_pems[i] = std::string("error: ") + e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kRacers; ++i) EXPECT_EQ(public_pems[i], read_file(keys_ / "giles.pub"));
}

TEST_F(KeyStoreTest, KeepsUsersApart) {
  KeyStore store(keys_);
  const std::string alice = store.create("alice").public_pem();
  const std::string bob = store.create("bob").public_pem();
  EXPECT_NE(alice, bob);
  EXPECT_EQ(KeyStore(keys_).load("alice").public_pem(), alice);
  EXPECT_EQ(KeyStore(keys_).load("bob").public_pem(), bob);
}

TEST_F(KeyStoreTest, RefusesUsernamesThatAreNotPlainFileNames) {
  KeyStore store(keys_);
  for (const char* name : {"", "../giles", "a/b", ".hidden", "-rf", "..", "giles\n", "gi les"}) {
    EXPECT_THROW(store.create(name), CryptoError) << name;
    EXPECT_THROW(store.load(name), CryptoError) << name;
  }
  EXPECT_FALSE(fs::exists(root_ / "data" / "giles.pem"));
}

TEST_F(KeyStoreTest, Ed25519KeyIsMadeOnceWithTightPermissionsAndKeptApartFromRsa) {
  KeyStore store(keys_);
  store.create("giles");
  const Ed25519Key key = store.ensure_ed25519("giles");
  EXPECT_EQ(mode_of(keys_ / "giles.ed25519"), 0600u);
  EXPECT_EQ(read_file(keys_ / "giles.ed25519"), key.seed());
  EXPECT_EQ(store.ensure_ed25519("giles").public_key(), key.public_key());
  EXPECT_EQ(KeyStore(keys_).ensure_ed25519("giles").public_key(), key.public_key());
  EXPECT_NE(KeyStore(keys_).ensure_ed25519("alice").public_key(), key.public_key());
  EXPECT_THROW(store.ensure_ed25519("../giles"), CryptoError);
}

TEST_F(KeyStoreTest, ConcurrentEd25519EnsureFromSeveralStoresAgreesOnOneKey) {
  constexpr int kRacers = 4;
  std::vector<std::string> keys(kRacers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      try {
        keys[i] = KeyStore(keys_).ensure_ed25519("giles").public_key_bytes();
      } catch (const std::exception& e) {
        keys[i] = std::string("error: ") + e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string on_disk = KeyStore(keys_).ensure_ed25519("giles").public_key_bytes();
  for (int i = 0; i < kRacers; ++i) EXPECT_EQ(keys[i], on_disk);
}

TEST_F(KeyStoreTest, RotationAddsAGenerationAndKeepsEveryEarlierKey) {
  KeyStore store(keys_);
  const RsaKey first = store.create("giles");
  const Ed25519Key first_ed25519 = store.ensure_ed25519("giles");
  EXPECT_EQ(store.current("giles").generation, 1);

  EXPECT_EQ(store.rotate("giles"), 2);
  EXPECT_EQ(mode_of(keys_ / "giles+2.pem"), 0600u);
  EXPECT_EQ(mode_of(keys_ / "giles+2.ed25519"), 0600u);
  EXPECT_EQ(mode_of(keys_ / "giles+2.pub"), 0644u);
  const UserKeys now = store.current("giles");
  EXPECT_EQ(now.generation, 2);
  EXPECT_NE(now.rsa.public_pem(), first.public_pem());
  EXPECT_NE(now.ed25519.public_key(), first_ed25519.public_key());
  EXPECT_EQ(store.load("giles").public_pem(), now.rsa.public_pem());
  EXPECT_EQ(store.ensure_ed25519("giles").public_key(), now.ed25519.public_key());
  // The first generation's files are untouched.
  EXPECT_EQ(KeyStore(keys_).published("giles").back().rsa_public_pem, first.public_pem());

  EXPECT_EQ(store.rotate("giles"), 3);
  const auto published = store.published("giles");
  ASSERT_EQ(published.size(), 3u);
  EXPECT_EQ(published[0].generation, 3);
  EXPECT_EQ(published[1].generation, 2);
  EXPECT_EQ(published[2].generation, 1);
  EXPECT_EQ(published[0].rsa_public_pem, store.current("giles").rsa.public_pem());
  EXPECT_EQ(published[1].rsa_public_pem, now.rsa.public_pem());
  EXPECT_EQ(published[1].ed25519, now.ed25519.public_key());
  EXPECT_EQ(published[2].rsa_public_pem, first.public_pem());
  EXPECT_EQ(published[2].ed25519, first_ed25519.public_key());
  // Another store (another process) reads the same generations.
  EXPECT_EQ(KeyStore(keys_).current("giles").generation, 3);
}

TEST_F(KeyStoreTest, RotationNeedsAKeyAndNeverTouchesAnotherUser) {
  KeyStore store(keys_);
  EXPECT_THROW(store.rotate("giles"), CryptoError);
  store.create("giles");
  const std::string alice = store.ensure("alice").public_pem();
  store.rotate("giles");
  EXPECT_EQ(store.current("alice").generation, 1);
  EXPECT_EQ(store.load("alice").public_pem(), alice);
  EXPECT_THROW(store.rotate("../giles"), CryptoError);
}

TEST_F(KeyStoreTest, ARunningStoreSeesARotationMadeByAnother) {
  KeyStore server(keys_);
  server.create("giles");
  const std::string before = server.load("giles").public_pem();
  KeyStore(keys_).rotate("giles");  // the CLI, another process
  // Until the recheck the cached key is used; after it, the new one.
  std::this_thread::sleep_for(KeyStore::kRotationRecheck + std::chrono::milliseconds(100));
  const UserKeys now = server.current("giles");
  EXPECT_EQ(now.generation, 2);
  EXPECT_NE(now.rsa.public_pem(), before);
  EXPECT_EQ(server.published("giles").size(), 2u);
}

TEST_F(KeyStoreTest, ConcurrentRotationsMakeEachGenerationOnce) {
  KeyStore(keys_).create("giles");
  constexpr int kRacers = 3;
  std::vector<int> generations(kRacers, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      try {
        generations[i] = KeyStore(keys_).rotate("giles");
      } catch (const CryptoError&) {
        generations[i] = -1;  // another rotation made that generation first
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<int> made;
  for (int g : generations)
    if (g > 0) made.push_back(g);
  ASSERT_FALSE(made.empty());
  std::sort(made.begin(), made.end());
  EXPECT_EQ(std::adjacent_find(made.begin(), made.end()), made.end()) << "a generation twice";
  const auto published = KeyStore(keys_).published("giles");
  EXPECT_EQ(published.front().generation, made.back());
  std::set<std::string> distinct;
  for (const auto& key : published) distinct.insert(key.rsa_public_pem);
  EXPECT_EQ(distinct.size(), published.size());
}

}  // namespace
}  // namespace artdag::crypto
