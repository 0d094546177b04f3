// The transparency log's parsers of network input: tile paths, signed notes, checkpoints,
// cosignature lines, c2sp.org/tlog-proof, tlog-witness add-checkpoint bodies and entry
// bundles. The first input byte picks which. Each must refuse or accept without crashing,
// and what it accepts must format back to the same bytes (the formats are canonical).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"
#include "tlog/witness_request.h"

namespace {

namespace tlog = artdag::tlog;

#define TLOG_FUZZ_CHECK(condition)                                                                \
  ((condition) ? (void)0                                                                          \
               : (std::fprintf(stderr, "fuzz contract broken at %s:%d: %s\n", __FILE__, __LINE__, \
                               #condition),                                                       \
                  std::abort()))

void tile_path(std::string_view input) {
  auto tile = tlog::parse_tile_path(input);
  if (!tile) return;
  TLOG_FUZZ_CHECK(tlog::tile_path(*tile) == input);
  (void)tlog::tile_exists(*tile, 70000);
}

void note(std::string_view input) {
  auto parsed = tlog::parse_note(input);
  if (!parsed) return;
  TLOG_FUZZ_CHECK(tlog::format_note(*parsed) == input);
  static const tlog::VerifierKey key =
      tlog::parse_verifier_key(
          "example.com/log+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS")
          .value();
  const tlog::VerifierKey keys[] = {key};
  (void)tlog::verify_note(*parsed, keys);
}

void checkpoint(std::string_view input) {
  auto parsed = tlog::parse_checkpoint(input);
  if (!parsed) return;
  TLOG_FUZZ_CHECK(tlog::format_checkpoint(*parsed) == input);
}

void cosignature_line(std::string_view input) {
  auto parsed = tlog::parse_cosignature_line(input);
  if (!parsed) return;
  std::string line = tlog::format_cosignature_line(*parsed);
  if (!input.ends_with('\n')) line.pop_back();
  TLOG_FUZZ_CHECK(line == input);
}

void proof(std::string_view input) {
  auto parsed = tlog::parse_tlog_proof(input);
  if (!parsed) return;
  TLOG_FUZZ_CHECK(tlog::format_tlog_proof(*parsed) == input);
  static const tlog::VerifierKey key =
      tlog::parse_verifier_key(
          "example.com/log+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS")
          .value();
  (void)tlog::verify_tlog_proof(*parsed, "entry", key);
}

void witness_request(std::string_view input) {
  auto parsed = tlog::parse_add_checkpoint_request(input);
  if (!parsed) return;
  TLOG_FUZZ_CHECK(tlog::format_add_checkpoint_request(parsed->old_size, parsed->consistency_proof,
                                                      parsed->checkpoint_note) == input);
  static const tlog::VerifierKey key =
      tlog::parse_verifier_key(
          "example.com/log+d5ca9a19+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS")
          .value();
  const tlog::VerifierKey keys[] = {key};
  const tlog::WitnessState stored{parsed->old_size, tlog::leaf_hash("x")};
  const auto decision = tlog::decide_add_checkpoint(*parsed, keys, stored);
  TLOG_FUZZ_CHECK(decision.status() != 200 || parsed->checkpoint.size >= parsed->old_size);
  (void)tlog::decide_add_checkpoint(*parsed, {}, std::nullopt);
}

void bundle(std::string_view input) {
  auto entries = tlog::decode_entry_bundle(input);
  if (!entries) return;
  TLOG_FUZZ_CHECK(tlog::encode_entry_bundle(*entries) == input);
}

void verifier_key(std::string_view input) {
  auto key = tlog::parse_verifier_key(input);
  if (!key) return;
  TLOG_FUZZ_CHECK(tlog::format_verifier_key(*key) == input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8) {
    case 0:
      tile_path(input);
      break;
    case 1:
      note(input);
      break;
    case 2:
      checkpoint(input);
      break;
    case 3:
      cosignature_line(input);
      break;
    case 4:
      proof(input);
      break;
    case 5:
      witness_request(input);
      break;
    case 6:
      bundle(input);
      break;
    default:
      verifier_key(input);
      break;
  }
  return 0;
}
