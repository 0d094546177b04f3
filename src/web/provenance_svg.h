#pragma once
// The provenance of an asset recorded from an L1 run, drawn as a small graph:
// inputs → recipe → output. Pure; every text is escaped here, so the result can be put
// into a page unescaped.
#include <string>
#include <vector>

namespace artdag::web {

struct ProvenanceNode {
  std::string label;  // shown (shortened when long)
  std::string title;  // the full text, as a tooltip
  std::string href;   // a link, or empty
};

struct ProvenanceGraph {
  std::vector<ProvenanceNode> inputs;
  ProvenanceNode recipe;
  ProvenanceNode output;
};

// An <svg> element with role="img" and a text description. At most kMaxInputs inputs are
// drawn; more are summarised in one "+N more" node.
inline constexpr std::size_t kMaxDrawnInputs = 6;
std::string provenance_svg(const ProvenanceGraph& graph);

}  // namespace artdag::web
