#include "cli/log_tools.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "activitypub/canon.h"
#include "activitypub/ld_signature.h"
#include "activitypub/remote_documents.h"
#include "crypto/rsa_key.h"
#include "tlog/checkpoint.h"
#include "tlog/merkle.h"
#include "tlog/note.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"

namespace artdag::cli {

namespace {

// ---- the log key ----

std::optional<std::string> pinned_key(const std::filesystem::path& pin_file,
                                      const std::string& prefix) {
  std::ifstream in(pin_file);
  std::string line;
  while (std::getline(in, line)) {
    auto space = line.find(' ');
    if (space != std::string::npos && line.substr(0, space) == prefix)
      return line.substr(space + 1);
  }
  return std::nullopt;
}

tlog::VerifierKey parse_key(const std::string& text) {
  auto key = tlog::parse_verifier_key(text);
  if (!key) throw CheckFailed("the log key is not a note verifier key: " + key.error());
  return *key;
}

// The checkpoint note, verified with `key`, and its body.
tlog::Checkpoint verified_checkpoint(const std::string& note_text, const tlog::VerifierKey& key) {
  auto note = tlog::parse_note(note_text);
  if (!note) throw CheckFailed("the checkpoint is not a signed note: " + note.error());
  const tlog::VerifierKey trusted[] = {key};
  if (tlog::verify_note(*note, trusted) != tlog::NoteVerdict::verified)
    throw CheckFailed("the checkpoint is not signed by the log key " + key.name);
  auto checkpoint = tlog::parse_checkpoint(note->text);
  if (!checkpoint) throw CheckFailed("the checkpoint body is malformed: " + checkpoint.error());
  if (checkpoint->origin != key.name)
    throw CheckFailed("the checkpoint's origin " + checkpoint->origin + " is not the key's " +
                      key.name);
  return *checkpoint;
}

// ---- tiles over HTTP ----

class HttpTiles : public tlog::TileReader {
 public:
  HttpTiles(const LogClient& client, std::string prefix)
      : client_(client), prefix_(std::move(prefix)) {}
  std::vector<tlog::Hash> read_tile(int level, std::uint64_t index, unsigned width) override {
    const std::string path = tlog::tile_path({level, index, width});
    auto hashes = tlog::parse_tile_bytes(client_.get(prefix_ + "/" + path));
    if (!hashes || hashes->size() != width)
      throw CheckFailed("tile " + path + " does not hold " + std::to_string(width) + " hashes");
    return *hashes;
  }

 private:
  const LogClient& client_;
  std::string prefix_;
};

// ---- the monitor's state ----

struct MonitorState {
  tlog::CompactRange range;
  tlog::Hash root = tlog::empty_root();
  std::map<std::string, uint64_t> claimed;  // content hash → index of its Create
};

MonitorState read_state(const std::filesystem::path& file) {
  MonitorState state;
  std::ifstream in(file);
  if (!in) return state;  // first run
  std::string word;
  uint64_t size = 0;
  std::vector<tlog::Hash> edge;
  auto bad = [&] { return CheckFailed("the state file " + file.string() + " is corrupt"); };
  if (!(in >> word >> size) || word != "size") throw bad();
  while (in >> word) {
    std::string value;
    if (!(in >> value)) throw bad();
    if (word == "root" || word == "edge") {
      auto hash = tlog::hash_from_base64(value);
      if (!hash) throw bad();
      (word == "root" ? state.root : edge.emplace_back()) = *hash;
    } else if (word == "claimed") {
      uint64_t index = 0;
      if (!(in >> index)) throw bad();
      state.claimed[value] = index;
    } else {
      throw bad();
    }
  }
  auto range = tlog::CompactRange::from(size, std::move(edge));
  if (!range) throw bad();
  state.range = std::move(*range);
  return state;
}

void write_state(const std::filesystem::path& file, const MonitorState& state) {
  const std::filesystem::path temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "size " << state.range.size() << "\nroot " << tlog::hash_base64(state.root) << "\n";
    for (const auto& hash : state.range.hashes()) out << "edge " << tlog::hash_base64(hash) << "\n";
    for (const auto& [content_hash, index] : state.claimed)
      out << "claimed " << content_hash << " " << index << "\n";
    if (!out) throw CheckFailed("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, file);  // a crash never leaves half a state
}

// ---- entries ----

class EntryChecker {
 public:
  EntryChecker(const LogClient& client, bool check_signatures)
      : client_(client), check_signatures_(check_signatures) {}

  // Safe to call from several threads at once: the key cache is the only shared state.
  // Checks entry `index`; returns the content hash it claims ("" for other activities).
  std::string check(uint64_t index, const std::string& entry) {
    const std::string at = "entry " + std::to_string(index) + ": ";
    Json activity = Json::parse(entry, nullptr, false);
    if (!activity.is_object()) throw CheckFailed(at + "not a JSON object");
    std::string canonical;
    try {
      canonical = activitypub::canonical_json(activity);
    } catch (const std::exception& e) {
      throw CheckFailed(at + "cannot be canonicalised: " + e.what());
    }
    if (canonical != entry) throw CheckFailed(at + "not in canonical form (rewritten?)");
    const std::string type = activity.value("type", std::string());
    if (type.empty() || !activity.contains("actor")) throw CheckFailed(at + "not an activity");
    if (check_signatures_) {
      auto creator = activity.value("signature", Json::object()).value("creator", std::string());
      if (creator.empty()) throw CheckFailed(at + "carries no claim signature");
      auto verdict = activitypub::verify_claim_by(activity, key_of(creator, at), creator);
      if (!verdict.valid)
        throw CheckFailed(at + "claim signature does not verify: " + verdict.reason);
    }
    if (type != "Create") return "";
    const Json& object = activity.value("object", Json::object());
    auto hash = activitypub::claimed_content_hash(object);
    if (hash.empty()) throw CheckFailed(at + "a Create without a SHA3-256 content hash");
    return hash;
  }

 private:
  crypto::RsaKey key_of(const std::string& key_id, const std::string& at) {
    // Held while a missing key is fetched: the other threads need the same few keys.
    std::lock_guard lock(keys_mutex_);
    if (auto it = keys_.find(key_id); it != keys_.end()) return it->second;
    const std::string actor_url = key_id.substr(0, key_id.find('#'));
    const Json actor = client_.get_json(actor_url);
    auto document = activitypub::read_actor_document(actor, actor_url);
    if (!document)
      throw CheckFailed(at + "its actor " + actor_url + " is unusable: " + document.error);
    // Any generation the actor publishes: a claim made before a key rotation names its key.
    const auto pem = activitypub::actor_public_key_pem(actor, key_id);
    if (!pem)
      throw CheckFailed(at + "signed with " + key_id + ", which " + actor_url +
                        " does not publish");
    auto key = crypto::RsaKey::from_public_pem(*pem);
    keys_.emplace(key_id, key);
    return key;
  }

  const LogClient& client_;
  bool check_signatures_;
  std::mutex keys_mutex_;
  std::map<std::string, crypto::RsaKey> keys_;
};

// What checking one entry found: its leaf hash and claimed content hash, or why it failed.
struct CheckedEntry {
  tlog::Hash leaf{};
  std::string content_hash;
  std::string failure;  // empty when the entry passed
};

// Checks entries [from, entries.size()) of one bundle (the first at log index `first`) on
// `threads` threads; the claim signatures are most of a monitor's work and independent.
std::vector<CheckedEntry> check_entries(EntryChecker& checker,
                                        const std::vector<std::string>& entries, uint64_t first,
                                        std::size_t from, unsigned threads) {
  std::vector<CheckedEntry> checked(entries.size());
  std::atomic<std::size_t> next{from};
  auto work = [&] {
    for (std::size_t i = next++; i < entries.size(); i = next++) {
      try {
        checked[i].content_hash = checker.check(first + i, entries[i]);
      } catch (const std::exception& e) {  // CheckFailed, or a fetch of the actor that failed
        checked[i].failure = e.what();
        continue;
      }
      checked[i].leaf = tlog::leaf_hash(entries[i]);
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  return checked;
}

}  // namespace

std::string LogClient::get(const std::string& url, std::size_t max_bytes,
                           const std::string& accept) const {
  net::RequestOptions options;
  options.timeout = std::chrono::seconds(30);
  options.max_response_bytes = max_bytes;
  options.max_redirects = 3;
  net::HttpResponse response;
  try {
    net::HeaderList headers;
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    response = http_.get(url, headers, options);
  } catch (const net::FetchError& e) {
    throw CheckFailed("cannot fetch " + url + ": " + e.what());
  }
  if (response.status != 200)
    throw CheckFailed("fetching " + url + " answered HTTP " + std::to_string(response.status));
  return std::move(response.body);
}

Json LogClient::get_json(const std::string& url, const std::string& accept) const {
  Json doc = Json::parse(get(url, 1024 * 1024, accept), nullptr, false);
  if (doc.is_discarded()) throw CheckFailed(url + " did not answer JSON");
  return doc;
}

std::string resolve_log_key(const LogClient& client, const std::string& prefix,
                            const std::string& given, const std::filesystem::path& pin_file) {
  if (!given.empty()) return given;
  auto pinned = pinned_key(pin_file, prefix);
  std::string fetched = client.get(prefix + "/key", 4096);
  while (!fetched.empty() && (fetched.back() == '\n' || fetched.back() == '\r')) fetched.pop_back();
  parse_key(fetched);
  if (pinned) {
    if (*pinned != fetched)
      throw CheckFailed("the log at " + prefix + " now presents the key " + fetched +
                        ", not the one pinned in " + pin_file.string() + ": " + *pinned);
    return *pinned;
  }
  if (pin_file.has_parent_path()) std::filesystem::create_directories(pin_file.parent_path());
  std::ofstream out(pin_file, std::ios::app);
  out << prefix << " " << fetched << "\n";
  if (!out) throw CheckFailed("cannot pin the log key in " + pin_file.string());
  return fetched;
}

InclusionResult verify_inclusion_proof(const Json& activity, const std::string& proof_text,
                                       const std::string& log_key) {
  auto proof = tlog::parse_tlog_proof(proof_text);
  if (!proof) throw CheckFailed("the proof is not a c2sp.org/tlog-proof@v1: " + proof.error());
  const auto key = parse_key(log_key);
  auto checkpoint = tlog::verify_tlog_proof(*proof, activitypub::canonical_json(activity), key);
  if (!checkpoint) throw CheckFailed("the claim is not proven in the log: " + checkpoint.error());
  return {proof->index, checkpoint->size};
}

MonitorResult monitor_log(const LogClient& client, const MonitorOptions& options) {
  const auto key = parse_key(options.log_key);
  const auto checkpoint = verified_checkpoint(client.get(options.prefix + "/checkpoint"), key);
  MonitorState state = read_state(options.state_file);
  MonitorResult result;
  result.old_size = state.range.size();
  result.new_size = checkpoint.size;
  const uint64_t old_size = result.old_size, new_size = checkpoint.size;
  if (new_size < old_size)
    throw CheckFailed("the log shrank from " + std::to_string(old_size) + " to " +
                      std::to_string(new_size) + " entries: a fork or a rollback");
  if (new_size == old_size && checkpoint.root != state.root)
    throw CheckFailed("a second checkpoint of size " + std::to_string(new_size) +
                      " with another root: the log forked");

  // The server's own tiles must prove the new checkpoint extends the old one ...
  HttpTiles tiles(client, options.prefix);
  if (old_size > 0 && new_size > old_size) {
    auto proof = tlog::consistency_proof_from_tiles(tiles, old_size, new_size);
    if (!tlog::verify_consistency(old_size, new_size, proof, state.root, checkpoint.root))
      throw CheckFailed("the checkpoint of size " + std::to_string(new_size) +
                        " is not consistent with the one of size " + std::to_string(old_size) +
                        " seen before: the log forked");
  }

  // ... and the entries themselves, hashed here, must give its root. The next bundle is
  // fetched while this one is checked; entries are checked on every core, and their results
  // taken in log order, so the first failure named is the lowest index.
  EntryChecker checker(client, options.check_signatures);
  const unsigned threads =
      std::max(1U, options.threads != 0 ? options.threads : std::thread::hardware_concurrency());
  auto fetch_bundle = [&](uint64_t bundle) {
    const uint64_t first = bundle * tlog::kTileWidth;
    const auto width =
        static_cast<unsigned>(std::min<uint64_t>(tlog::kTileWidth, new_size - first));
    const std::string path = tlog::tile_path({tlog::kEntriesLevel, bundle, width});
    auto entries = tlog::decode_entry_bundle(client.get(options.prefix + "/" + path), width);
    if (!entries) throw CheckFailed("entry bundle " + path + " is malformed: " + entries.error());
    return std::move(*entries);
  };
  auto has_bundle = [&](uint64_t bundle) { return bundle * tlog::kTileWidth < new_size; };
  uint64_t bundle = old_size / tlog::kTileWidth;
  std::future<std::vector<std::string>> upcoming;
  if (has_bundle(bundle)) upcoming = std::async(std::launch::async, fetch_bundle, bundle);
  for (; has_bundle(bundle); ++bundle) {
    const std::vector<std::string> entries = upcoming.get();
    if (has_bundle(bundle + 1)) upcoming = std::async(std::launch::async, fetch_bundle, bundle + 1);
    const uint64_t first = bundle * tlog::kTileWidth;
    const std::size_t from = old_size > first ? old_size - first : 0;
    const auto checked = check_entries(checker, entries, first, from, threads);
    for (std::size_t i = from; i < entries.size(); ++i) {
      const uint64_t index = first + i;
      if (!checked[i].failure.empty()) throw CheckFailed(checked[i].failure);
      const std::string& content_hash = checked[i].content_hash;
      if (!content_hash.empty()) {
        auto [it, fresh] = state.claimed.emplace(content_hash, index);
        if (!fresh)
          throw CheckFailed("entry " + std::to_string(index) + ": content hash " + content_hash +
                            " is claimed a second time (first at entry " +
                            std::to_string(it->second) + ")");
      }
      state.range.append(checked[i].leaf);
      ++result.entries_checked;
    }
    if (options.progress) options.progress(state.range.size() - old_size, new_size - old_size);
  }
  if (state.range.root() != checkpoint.root)
    throw CheckFailed("the entries up to " + std::to_string(new_size) +
                      " do not hash to the checkpoint's root: an entry was rewritten");
  state.root = checkpoint.root;
  write_state(options.state_file, state);
  return result;
}

}  // namespace artdag::cli
