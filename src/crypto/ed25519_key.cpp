#include "crypto/ed25519_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "crypto/hash.h"
#include "crypto/openssl_util.h"

namespace artdag::crypto {

struct Ed25519Key::Impl {
  detail::PkeyPtr pkey;
  Ed25519PublicKey public_key{};
  std::string seed;
};

namespace {

std::shared_ptr<Ed25519Key::Impl> impl_from_pkey(detail::PkeyPtr pkey) {
  auto impl = std::make_shared<Ed25519Key::Impl>();
  size_t length = impl->public_key.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), impl->public_key.data(), &length) != 1 ||
      length != impl->public_key.size()) {
    detail::throw_openssl_error("ed25519: cannot read the public key");
  }
  impl->seed.resize(32);
  length = 32;
  if (EVP_PKEY_get_raw_private_key(pkey.get(), reinterpret_cast<unsigned char*>(impl->seed.data()),
                                   &length) != 1 ||
      length != 32) {
    detail::throw_openssl_error("ed25519: cannot read the private key");
  }
  impl->pkey = std::move(pkey);
  return impl;
}

}  // namespace

Ed25519Key Ed25519Key::generate() {
  detail::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    detail::throw_openssl_error("ed25519: key generation failed");
  }
  return Ed25519Key(impl_from_pkey(detail::PkeyPtr(raw)));
}

Ed25519Key Ed25519Key::from_seed(std::string_view seed32) {
  if (seed32.size() != 32) throw CryptoError("ed25519: a private key seed is 32 bytes");
  detail::PkeyPtr pkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed32.data()), 32));
  if (!pkey) detail::throw_openssl_error("ed25519: bad private key");
  return Ed25519Key(impl_from_pkey(std::move(pkey)));
}

Ed25519Key Ed25519Key::load_or_create(const std::filesystem::path& path) {
  std::error_code ec;
  if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path(), ec);
  for (int attempt = 0; attempt < 2; ++attempt) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
      if ((info.st_mode & 077) != 0) {
        throw CryptoError("ed25519: " + path.string() + " is readable by group or others");
      }
      std::ifstream in(path, std::ios::binary);
      std::string seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) throw CryptoError("ed25519: cannot read " + path.string());
      // A file another process is still writing is shorter than 32 bytes for a moment.
      if (seed.size() != 32 && attempt == 0) {
        ::usleep(50 * 1000);
        continue;
      }
      return from_seed(seed);
    }
    Ed25519Key key = generate();
    // Written under a temporary name, then linked into place: link() fails if the name
    // exists, so a key is never overwritten and a reader never sees a half-written file.
    std::filesystem::path temporary = path.string() + ".tmp." + random_token_hex(8);
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      throw CryptoError("ed25519: cannot create " + temporary.string() + ": " +
                        std::strerror(errno));
    const std::string seed = key.seed();
    bool written = ::write(fd, seed.data(), seed.size()) == static_cast<ssize_t>(seed.size()) &&
                   ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
      ::unlink(temporary.c_str());
      throw CryptoError("ed25519: cannot write " + temporary.string());
    }
    int linked = ::link(temporary.c_str(), path.c_str());
    int link_errno = errno;
    ::unlink(temporary.c_str());
    if (linked == 0) return key;
    if (link_errno != EEXIST) {
      throw CryptoError("ed25519: cannot create " + path.string() + ": " +
                        std::strerror(link_errno));
    }
    // Another process won the race: use its key.
  }
  throw CryptoError("ed25519: " + path.string() + " is not a 32-byte key");
}

const Ed25519PublicKey& Ed25519Key::public_key() const {
  return impl_->public_key;
}

std::string Ed25519Key::public_key_bytes() const {
  return std::string(reinterpret_cast<const char*>(impl_->public_key.data()),
                     impl_->public_key.size());
}

std::string Ed25519Key::seed() const {
  return impl_->seed;
}

std::string Ed25519Key::sign(std::string_view message) const {
  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  size_t length = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      length != 64) {
    detail::throw_openssl_error("ed25519: signing failed");
  }
  return signature;
}

bool ed25519_verify(const Ed25519PublicKey& public_key, std::string_view message,
                    std::string_view signature) {
  if (signature.size() != 64) return false;
  detail::PkeyPtr pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      pkey && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  detail::drain_openssl_errors();
  return ok;
}

bool ed25519_public_key_from_bytes(std::string_view bytes, Ed25519PublicKey& out) {
  if (bytes.size() != out.size()) return false;
  std::memcpy(out.data(), bytes.data(), out.size());
  return true;
}

}  // namespace artdag::crypto
