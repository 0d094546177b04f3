// c2sp.org/tlog-checkpoint; see checkpoint.h.
#include "tlog/checkpoint.h"

#include <stdexcept>

#include "tlog/text.h"

namespace artdag::tlog {
namespace {

constexpr std::size_t kMaxExtensions = 64;  // the spec sets none; the note size caps it too

bool is_line(std::string_view line) {
  return !line.empty() && line.find('\n') == std::string_view::npos;
}

}  // namespace

std::string format_checkpoint(const Checkpoint& checkpoint) {
  if (!is_line(checkpoint.origin)) throw std::invalid_argument("bad checkpoint origin");
  std::string out = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                    hash_base64(checkpoint.root) + "\n";
  for (const std::string& extension : checkpoint.extensions) {
    if (!is_line(extension)) throw std::invalid_argument("bad checkpoint extension line");
    out += extension + "\n";
  }
  return out;
}

Result<Checkpoint> parse_checkpoint(std::string_view text) {
  Checkpoint checkpoint;
  auto origin = text::take_line(text);
  if (!origin || origin->empty()) return Failure{"checkpoint origin missing"};
  checkpoint.origin = std::string(*origin);
  auto size_line = text::take_line(text);
  auto size = size_line ? text::parse_decimal(*size_line) : std::nullopt;
  if (!size) return Failure{"bad checkpoint size"};
  checkpoint.size = *size;
  auto root_line = text::take_line(text);
  auto root = root_line ? hash_from_base64(*root_line) : std::nullopt;
  if (!root) return Failure{"bad checkpoint root hash"};
  checkpoint.root = *root;
  while (!text.empty()) {
    auto extension = text::take_line(text);
    if (!extension) return Failure{"checkpoint line does not end in a newline"};
    if (extension->empty()) return Failure{"empty checkpoint extension line"};
    if (checkpoint.extensions.size() == kMaxExtensions) return Failure{"too many extension lines"};
    checkpoint.extensions.emplace_back(*extension);
  }
  return checkpoint;
}

}  // namespace artdag::tlog
