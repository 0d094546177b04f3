#include "web/provenance_svg.h"

#include <algorithm>

#include "web/html.h"

namespace artdag::web {

namespace {
constexpr int kNodeWidth = 180;
constexpr int kNodeHeight = 46;
constexpr int kGap = 12;
constexpr int kPad = 12;
constexpr int kColumnGap = 56;
constexpr std::size_t kMaxLabel = 22;

// Cuts on a UTF-8 character boundary and marks the cut.
std::string clip(std::string_view text) {
  if (text.size() <= kMaxLabel) return std::string(text);
  std::size_t end = kMaxLabel - 1;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

void node(std::string& out, int x, int y, const char* css, const char* kind,
          const ProvenanceNode& n) {
  out += "<g class=\"node " + std::string(css) + "\"><title>" + html_escape(n.title) +
         "</title><rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
         std::to_string(kNodeWidth) + "\" height=\"" + std::to_string(kNodeHeight) +
         "\" rx=\"6\"/><text class=\"kind\" x=\"" + std::to_string(x + 10) + "\" y=\"" +
         std::to_string(y + 16) + "\">" + kind + "</text><text x=\"" + std::to_string(x + 10) +
         "\" y=\"" + std::to_string(y + 35) + "\">" + html_escape(clip(n.label)) + "</text></g>";
}

void edge(std::string& out, int x1, int y1, int x2, int y2) {
  int mid = (x1 + x2) / 2;
  out += "<path class=\"edge\" marker-end=\"url(#prov-arrow)\" d=\"M" + std::to_string(x1) + " " +
         std::to_string(y1) + " C" + std::to_string(mid) + " " + std::to_string(y1) + " " +
         std::to_string(mid) + " " + std::to_string(y2) + " " + std::to_string(x2 - 2) + " " +
         std::to_string(y2) + "\"/>";
}
}  // namespace

std::string provenance_svg(const ProvenanceGraph& graph) {
  std::vector<ProvenanceNode> inputs(
      graph.inputs.begin(), graph.inputs.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                       graph.inputs.size(), kMaxDrawnInputs)));
  if (graph.inputs.size() > kMaxDrawnInputs) {
    std::string more = "+" + std::to_string(graph.inputs.size() - kMaxDrawnInputs) + " more";
    inputs.push_back({more, more, ""});
  }
  const int rows = std::max<int>(1, static_cast<int>(inputs.size()));
  const int height = kPad * 2 + rows * kNodeHeight + (rows - 1) * kGap;
  const int width = kPad * 2 + 3 * kNodeWidth + 2 * kColumnGap;
  const int x_input = kPad, x_recipe = x_input + kNodeWidth + kColumnGap,
            x_output = x_recipe + kNodeWidth + kColumnGap;
  const int y_middle = height / 2 - kNodeHeight / 2;

  std::string description = std::to_string(graph.inputs.size()) +
                            (graph.inputs.size() == 1 ? " input" : " inputs") + " → recipe " +
                            graph.recipe.title + " → output " + graph.output.title;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
                    std::to_string(width) + "\" height=\"" + std::to_string(height) +
                    "\" role=\"img\" aria-labelledby=\"prov-title prov-desc\">"
                    "<title id=\"prov-title\">Provenance graph</title><desc id=\"prov-desc\">" +
                    html_escape(description) +
                    "</desc><defs><marker id=\"prov-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" "
                    "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
                    "<path class=\"arrow\" d=\"M0 0 L10 5 L0 10 z\"/></marker></defs>";

  const int recipe_y = y_middle + kNodeHeight / 2;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    int y = kPad + static_cast<int>(i) * (kNodeHeight + kGap);
    edge(out, x_input + kNodeWidth, y + kNodeHeight / 2, x_recipe, recipe_y);
  }
  edge(out, x_recipe + kNodeWidth, recipe_y, x_output, recipe_y);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    node(out, x_input, kPad + static_cast<int>(i) * (kNodeHeight + kGap), "input", "INPUT",
         inputs[i]);
  node(out, x_recipe, y_middle, "recipe", "RECIPE", graph.recipe);
  node(out, x_output, y_middle, "output", "OUTPUT", graph.output);
  out += "</svg>";
  return out;
}

}  // namespace artdag::web
