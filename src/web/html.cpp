#include "web/html.h"

#include <cmark.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <vector>

#include "util/time.h"

namespace artdag::web {

namespace {
std::string cmark_html(std::string_view markdown) {
  // CMARK_OPT_DEFAULT is safe mode in cmark >= 0.29 (CMARK_OPT_UNSAFE would allow raw HTML);
  // CMARK_OPT_SAFE is kept for older releases, where it had to be asked for.
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT | CMARK_OPT_SAFE),
      &std::free);
  return html ? std::string(html.get()) : std::string();
}

// One table cell's Markdown as inline HTML (cmark wraps a paragraph around it).
std::string inline_html(std::string_view markdown) {
  std::string html = cmark_html(markdown);
  if (html.starts_with("<p>")) html.erase(0, 3);
  while (!html.empty() && html.back() == '\n') html.pop_back();
  if (html.ends_with("</p>")) html.erase(html.size() - 4);
  return html;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The cells of a "| a | b |" row; "\|" stays in its cell as a "|".
std::vector<std::string> table_cells(std::string_view line) {
  line = trim(line);
  if (line.starts_with("|")) line.remove_prefix(1);
  if (line.ends_with("|") && !line.ends_with("\\|")) line.remove_suffix(1);
  std::vector<std::string> cells(1);
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cells.back() += '|';
      ++i;
    } else if (line[i] == '|') {
      cells.emplace_back();
    } else {
      cells.back() += line[i];
    }
  }
  for (auto& cell : cells) cell = std::string(trim(cell));
  return cells;
}

bool is_table_row(std::string_view line) {
  return trim(line).starts_with("|");
}

bool is_delimiter_row(std::string_view line) {
  if (!is_table_row(line)) return false;
  for (const auto& cell : table_cells(line)) {
    std::string_view c = cell;
    if (c.starts_with(":")) c.remove_prefix(1);
    if (c.ends_with(":")) c.remove_suffix(1);
    if (c.empty() || c.find_first_not_of('-') != std::string_view::npos) return false;
  }
  return true;
}

std::string table_html(const std::vector<std::string_view>& rows) {
  // As in GitHub's tables, the header fixes the number of columns: extra cells are dropped,
  // missing ones left empty.
  const auto header = table_cells(rows[0]);
  std::string out = "<div class=\"table-scroll\"><table>\n<thead>\n<tr>";
  for (const auto& cell : header) out += "<th>" + inline_html(cell) + "</th>";
  out += "</tr>\n</thead>\n<tbody>\n";
  for (std::size_t i = 2; i < rows.size(); ++i) {
    auto cells = table_cells(rows[i]);
    cells.resize(header.size());
    out += "<tr>";
    for (const auto& cell : cells) out += "<td>" + inline_html(cell) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table></div>\n";
}
}  // namespace

std::string markdown_to_html(std::string_view markdown) {
  // cmark is plain CommonMark; pipe tables (GitHub's extension, which READMEs use) are cut
  // out here and built from escaped cells rendered by cmark, so the result stays safe.
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= markdown.size();) {
    auto end = markdown.find('\n', start);
    if (end == std::string_view::npos) end = markdown.size();
    lines.push_back(markdown.substr(start, end - start));
    start = end + 1;
  }
  std::string html;
  std::string pending;  // Markdown not yet rendered
  bool in_fence = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto line = lines[i];
    if (trim(line).starts_with("```") || trim(line).starts_with("~~~")) in_fence = !in_fence;
    if (!in_fence && is_table_row(line) && i + 1 < lines.size() && is_delimiter_row(lines[i + 1])) {
      std::vector<std::string_view> rows = {line, lines[i + 1]};
      for (i += 2; i < lines.size() && is_table_row(lines[i]); ++i) rows.push_back(lines[i]);
      --i;
      html += cmark_html(pending);
      pending.clear();
      html += table_html(rows);
      continue;
    }
    pending += line;
    pending += '\n';
  }
  return html + cmark_html(pending);
}

std::string display_time(std::string_view iso8601) {
  // The parser accepts only a valid "YYYY-MM-DDTHH:MM:SSZ", so its fields are read in place.
  if (!parse_iso8601_utc(iso8601)) return std::string(iso8601);
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int month = (iso8601[5] - '0') * 10 + (iso8601[6] - '0');
  const int day = (iso8601[8] - '0') * 10 + (iso8601[9] - '0');
  std::string out = std::to_string(day);
  out.append(" ").append(kMonths[static_cast<std::size_t>(month - 1)]).append(" ");
  out.append(iso8601.substr(0, 4)).append(", ").append(iso8601.substr(11, 5)).append(" UTC");
  return out;
}

std::string short_hash(std::string_view hash) {
  if (hash.size() <= 16) return std::string(hash);
  return std::string(hash.substr(0, 8)) + "…" + std::string(hash.substr(hash.size() - 4));
}

}  // namespace artdag::web
