#pragma once
// Key files on disk under $ARTDAG_DATA/keys/. A user's keys come in generations:
//   generation 1: {user}.pem (RSA private, 0600), {user}.pub, {user}.ed25519 (Ed25519 seed,
//                 0600) — made at registration (the Ed25519 key on first use);
//   generation n: {user}+{n}.pem, {user}+{n}.pub, {user}+{n}.ed25519 — made by rotate().
// '+' is in no username, so one user's files are never another's. Nothing is overwritten or
// removed: every old claim names the key it was signed with, and that key stays published.
// The current generation is the highest whose .pem exists; rotate() writes the .pem last, so
// its Ed25519 seed is there when the .pem is seen. Loaded keys are cached; a process notices a
// rotation made by another (the CLI) within kRotationRecheck.
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "crypto/ed25519_key.h"
#include "crypto/rsa_key.h"

namespace artdag::crypto {

// The current generation's private keys.
struct UserKeys {
  int generation = 1;
  RsaKey rsa;
  Ed25519Key ed25519;
};

// One generation's public keys, as the actor document publishes them.
struct PublishedKeys {
  int generation = 1;
  std::string rsa_public_pem;
  Ed25519PublicKey ed25519{};
};

class KeyStore {
 public:
  static constexpr std::chrono::seconds kRotationRecheck{2};

  explicit KeyStore(std::filesystem::path keys_dir);

  const std::filesystem::path& dir() const { return dir_; }
  bool exists(const std::string& username) const;
  // Generates and writes a new pair. Throws CryptoError if either file exists already.
  RsaKey create(const std::string& username);
  // Loads (and caches) the current generation's private RSA key. Throws CryptoError if
  // missing, unreadable or if the private file is readable by group/others.
  RsaKey load(const std::string& username);
  // Loads if present, else creates generation 1.
  RsaKey ensure(const std::string& username);
  // The current generation's Ed25519 key (FEP-8b32 proofs, RFC 9421 ed25519), loaded or made
  // on first use: an actor made before these keys existed gets one the first time it is
  // served or signs. Two processes at once end up with the one key that reached the disk first.
  Ed25519Key ensure_ed25519(const std::string& username);
  // Both keys of the current generation and its number, consistent with each other (what a
  // signer needs: the key and the id it is published under). Creates generation 1 if missing.
  UserKeys current(const std::string& username);
  // Every generation's public keys, the current one first. Creates generation 1 if missing.
  std::vector<PublishedKeys> published(const std::string& username);
  // Makes generation n + 1 (a new RSA-2048 and Ed25519 pair) and returns n + 1. Throws
  // CryptoError when the user has no key yet or another rotation made that generation first.
  int rotate(const std::string& username);

 private:
  struct Cached {
    UserKeys keys;
    std::vector<PublishedKeys> published;  // filled on first use
    std::chrono::steady_clock::time_point checked;
  };
  // The user's cached entry, loaded or brought up to the newest generation on disk (checked
  // at most every kRotationRecheck). Needs mutex_; throws CryptoError.
  Cached& entry(const std::string& username);
  std::filesystem::path file(const std::string& username, int generation,
                             const char* extension) const;

  std::filesystem::path dir_;
  std::mutex mutex_;
  std::map<std::string, Cached> cache_;
};

}  // namespace artdag::crypto
