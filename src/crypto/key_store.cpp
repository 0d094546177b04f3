#include "crypto/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "crypto/hash.h"

namespace artdag::crypto {

namespace fs = std::filesystem;

namespace {

constexpr mode_t kDirMode = 0700;
constexpr mode_t kPrivateKeyMode = 0600;
constexpr mode_t kPublicKeyMode = 0644;

// Closes a POSIX file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

[[noreturn]] void throw_io_error(const std::string& what, const fs::path& path, int error) {
  throw CryptoError(what + " " + path.string() + ": " + std::strerror(error));
}

// The username becomes a file name: allow only characters that cannot escape the
// directory or hide the file.
void check_username(const std::string& username) {
  bool valid = !username.empty() && username.size() <= 64 && username.front() != '.' &&
               username.front() != '-';
  for (char c : username) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '.';
    valid = valid && allowed;
  }
  if (!valid) throw CryptoError("invalid username for a key file: '" + username + "'");
}

void ensure_private_directory(const fs::path& dir) {
  if (dir.has_parent_path()) {
    std::error_code error;
    fs::create_directories(dir.parent_path(), error);
    if (error)
      throw CryptoError("cannot create " + dir.parent_path().string() + ": " + error.message());
  }
  if (::mkdir(dir.c_str(), kDirMode) != 0 && errno != EEXIST)
    throw_io_error("cannot create key directory", dir, errno);
  if (!fs::is_directory(dir))
    throw CryptoError("key directory " + dir.string() + " is not a directory");
}

void write_all(int fd, const std::string& contents, const fs::path& path) {
  std::size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error("cannot write", path, errno);
    }
    written += static_cast<std::size_t>(n);
  }
}

// Writes `contents` to a new file `path` with exactly `mode`, atomically:
//  - the bytes go to a temporary file in the same directory, created with
//    O_CREAT|O_EXCL and `mode`, so it never exists with wider permissions;
//  - link() then gives it its final name, which fails with EEXIST instead of replacing an
//    existing file, so a key is never overwritten, and a reader (another process starting at
//    the same moment) never sees a half-written key.
// Returns false if `path` exists already; on any other failure cleans up and throws.
bool write_new_file(const fs::path& path, const std::string& contents, mode_t mode) {
  const fs::path temporary =
      path.parent_path() / ("." + path.filename().string() + ".tmp-" + random_token_hex(8));
  {
    FileDescriptor fd{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)};
    if (fd.get() < 0) throw_io_error("cannot create", temporary, errno);
    try {
      // open() applied the umask; set the intended mode exactly (a .pub must stay 0644).
      if (::fchmod(fd.get(), mode) != 0) throw_io_error("cannot set mode of", temporary, errno);
      write_all(fd.get(), contents, temporary);
      if (::fsync(fd.get()) != 0) throw_io_error("cannot sync", temporary, errno);
    } catch (...) {
      ::unlink(temporary.c_str());
      throw;
    }
  }
  const int linked = ::link(temporary.c_str(), path.c_str());
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (linked != 0) {
    if (link_error == EEXIST) return false;
    throw_io_error("cannot create", path, link_error);
  }
  return true;
}

// Makes the new directory entries durable (best effort: a failure here loses nothing yet).
void sync_directory(const fs::path& dir) {
  FileDescriptor fd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (fd.get() >= 0) ::fsync(fd.get());
}

std::string read_private_key_file(const fs::path& path) {
  FileDescriptor fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) {
    if (errno == ENOENT) throw CryptoError("no private key at " + path.string());
    throw_io_error("cannot open private key", path, errno);
  }
  // Checked on the open descriptor, so the file judged is the file read.
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throw_io_error("cannot stat private key", path, errno);
  if (!S_ISREG(info.st_mode))
    throw CryptoError("private key " + path.string() + " is not a regular file");
  if ((info.st_mode & 077) != 0)
    throw CryptoError("refusing to load private key " + path.string() + ": mode " +
                      octal_mode(info.st_mode) +
                      " gives group/other access; restrict it with chmod 600");
  std::string contents;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error("cannot read private key", path, errno);
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<std::size_t>(n));
    if (contents.size() > 64 * 1024)
      throw CryptoError("private key " + path.string() + " is too large");
  }
  return contents;
}

}  // namespace

KeyStore::KeyStore(fs::path keys_dir) : dir_(std::move(keys_dir)) {}

fs::path KeyStore::file(const std::string& username, int generation, const char* extension) const {
  if (generation == 1) return dir_ / (username + extension);
  return dir_ / (username + "+" + std::to_string(generation) + extension);
}

bool KeyStore::exists(const std::string& username) const {
  check_username(username);
  std::error_code error;
  return fs::exists(file(username, 1, ".pem"), error);
}

RsaKey KeyStore::create(const std::string& username) {
  check_username(username);
  const fs::path private_path = file(username, 1, ".pem");
  const fs::path public_path = file(username, 1, ".pub");
  ensure_private_directory(dir_);
  // Cheap early refusal before spending time on key generation; write_new_file() is what
  // guarantees no overwrite, even against another process.
  std::error_code error;
  if (fs::exists(private_path, error) || fs::exists(public_path, error))
    throw CryptoError("a key for '" + username + "' already exists in " + dir_.string());

  RsaKey key = RsaKey::generate(2048);
  if (!write_new_file(private_path, key.private_pem(), kPrivateKeyMode))
    throw CryptoError("a key for '" + username + "' already exists in " + dir_.string());
  try {
    if (!write_new_file(public_path, key.public_pem(), kPublicKeyMode))
      throw CryptoError("a public key for '" + username + "' already exists in " + dir_.string());
  } catch (...) {
    ::unlink(private_path.c_str());  // ours: linked into place just above
    throw;
  }
  // The Ed25519 key of the generation is made with it (older actors get theirs on first use).
  Ed25519Key ed25519 = Ed25519Key::load_or_create(file(username, 1, ".ed25519"));
  sync_directory(dir_);
  std::lock_guard lock(mutex_);
  cache_.insert_or_assign(
      username, Cached{UserKeys{1, key, std::move(ed25519)}, {}, std::chrono::steady_clock::now()});
  return key;
}

KeyStore::Cached& KeyStore::entry(const std::string& username) {
  const auto now = std::chrono::steady_clock::now();
  auto it = cache_.find(username);
  if (it != cache_.end() && now - it->second.checked < kRotationRecheck) return it->second;
  // One stat per recheck in the usual case: is there a generation after the cached one?
  int generation = it != cache_.end() ? it->second.keys.generation : 1;
  std::error_code error;
  while (fs::exists(file(username, generation + 1, ".pem"), error)) ++generation;
  if (it != cache_.end() && it->second.keys.generation == generation) {
    it->second.checked = now;
    return it->second;
  }
  const fs::path private_path = file(username, generation, ".pem");
  RsaKey rsa = [&] {
    std::string pem = read_private_key_file(private_path);
    try {
      return RsaKey::from_private_pem(pem);
    } catch (const CryptoError& e) {
      throw CryptoError("cannot load private key " + private_path.string() + ": " + e.what());
    }
  }();
  Ed25519Key ed25519 = Ed25519Key::load_or_create(file(username, generation, ".ed25519"));
  Cached fresh{UserKeys{generation, std::move(rsa), std::move(ed25519)}, {}, now};
  return cache_.insert_or_assign(username, std::move(fresh)).first->second;
}

RsaKey KeyStore::load(const std::string& username) {
  check_username(username);
  std::lock_guard lock(mutex_);
  return entry(username).keys.rsa;
}

RsaKey KeyStore::ensure(const std::string& username) {
  check_username(username);
  {
    // The usual case, a key already loaded: no file-system call but one stat per recheck
    // (it is on every claim's path).
    std::lock_guard lock(mutex_);
    if (cache_.count(username)) return entry(username).keys.rsa;
  }
  if (exists(username)) return load(username);
  try {
    return create(username);
  } catch (const CryptoError&) {
    // Another thread or process may have created the key between the check and create().
    if (exists(username)) return load(username);
    throw;
  }
}

UserKeys KeyStore::current(const std::string& username) {
  ensure(username);
  std::lock_guard lock(mutex_);
  return entry(username).keys;
}

Ed25519Key KeyStore::ensure_ed25519(const std::string& username) {
  return current(username).ed25519;
}

std::vector<PublishedKeys> KeyStore::published(const std::string& username) {
  ensure(username);
  std::lock_guard lock(mutex_);
  Cached& cached = entry(username);
  if (!cached.published.empty()) return cached.published;
  std::vector<PublishedKeys> keys;
  for (int generation = cached.keys.generation; generation >= 1; --generation) {
    if (generation == cached.keys.generation) {
      keys.push_back({generation, cached.keys.rsa.public_pem(), cached.keys.ed25519.public_key()});
      continue;
    }
    const auto rsa =
        RsaKey::from_private_pem(read_private_key_file(file(username, generation, ".pem")));
    // A generation rotated away before Ed25519 keys existed gets one now: harmless, as
    // nothing was signed with it.
    const auto ed25519 = Ed25519Key::load_or_create(file(username, generation, ".ed25519"));
    keys.push_back({generation, rsa.public_pem(), ed25519.public_key()});
  }
  cached.published = keys;
  return keys;
}

int KeyStore::rotate(const std::string& username) {
  check_username(username);
  int generation = 0;
  {
    std::lock_guard lock(mutex_);
    generation = entry(username).keys.generation;  // throws when there is no key yet
    cache_.erase(username);
  }
  std::error_code error;
  while (fs::exists(file(username, generation + 1, ".pem"), error)) ++generation;
  const int next = generation + 1;
  // The seed first: whoever sees the .pem finds it. A seed left by a rotation that crashed
  // before its .pem was never published, so it may be used now.
  (void)Ed25519Key::load_or_create(file(username, next, ".ed25519"));
  RsaKey key = RsaKey::generate(2048);
  if (!write_new_file(file(username, next, ".pem"), key.private_pem(), kPrivateKeyMode))
    throw CryptoError("another rotation made generation " + std::to_string(next) + " of '" +
                      username + "' first");
  (void)write_new_file(file(username, next, ".pub"), key.public_pem(), kPublicKeyMode);
  sync_directory(dir_);
  std::lock_guard lock(mutex_);
  cache_.erase(username);
  return next;
}

}  // namespace artdag::crypto
