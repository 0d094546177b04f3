#pragma once
// c2sp.org/tlog-checkpoint: the note text a log signs for a tree head, "<origin>\n<size>\n
// <base64 root>\n" plus optional extension lines.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tlog/merkle.h"
#include "tlog/result.h"

namespace artdag::tlog {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // opaque, non-empty lines; normally none
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text. Throws std::invalid_argument for an empty origin or extension line, or one
// holding '\n'.
std::string format_checkpoint(const Checkpoint& checkpoint);
// Strict: ≥ 3 lines each ending in '\n', non-empty origin, decimal size without leading
// zeroes (except "0"), a padded base64 32-byte root, non-empty extension lines.
Result<Checkpoint> parse_checkpoint(std::string_view text);

}  // namespace artdag::tlog
