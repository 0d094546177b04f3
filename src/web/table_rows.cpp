#include "web/table_rows.h"

#include <optional>
#include <string_view>

#include "util/text.h"
#include "util/url.h"
#include "web/html.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {
// Literal markup and escaped text appended in turn, so a row reads like its markup.
class RowWriter {
 public:
  explicit RowWriter(std::string& out) : out_(out) {}
  RowWriter& markup(std::string_view literal) {
    out_ += literal;
    return *this;
  }
  RowWriter& text(std::string_view value) {
    append_html_escaped(out_, value);
    return *this;
  }
  // <a href="href">prefix label</a>; the prefix ("@", "#") is markup, href and label are text.
  RowWriter& link(std::string_view href, std::string_view label, std::string_view prefix = "") {
    return markup("<a href=\"").text(href).markup("\">").markup(prefix).text(label).markup("</a>");
  }
  // <time datetime="2026-01-05T10:11:12Z">5 Jan 2026, 10:11 UTC</time>
  RowWriter& time(std::string_view iso8601) {
    return markup("<time datetime=\"")
        .text(iso8601)
        .markup("\">")
        .text(display_time(iso8601))
        .markup("</time>");
  }

 private:
  std::string& out_;
};

// Finds the top-level "object"'s "name" in an activity's JSON without building a tree: the
// log page labels 50 rows, and parsing each whole activity was most of that page's cost.
class ObjectNameFinder final : public Json::json_sax_t {
 public:
  std::optional<std::string> name;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool string(string_t& text) override {
    if (depth_ == 2 && in_object_ && key_ == "name") {
      name = std::move(text);
      return false;  // found: stop reading
    }
    return true;
  }
  bool start_object(std::size_t) override {
    in_object_ = depth_ == 1 ? key_ == "object" : in_object_;
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    if (depth_ == 1) in_object_ = false;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool key(string_t& text) override {
    key_ = std::move(text);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  int depth_ = 0;
  bool in_object_ = false;  // inside the top-level "object" (depth 2 is its members)
  std::string key_;
};

// The name a Create gives its object, else the short hash: what the log's Object column shows.
std::string object_label(const store::Activity& activity) {
  ObjectNameFinder finder;
  Json::sax_parse(activity.json, &finder, Json::input_format_t::json, /*strict=*/false);
  return finder.name ? std::move(*finder.name) : short_hash(activity.object_hash);
}
}  // namespace

std::string asset_rows_html(const std::vector<store::Asset>& assets) {
  std::string out;
  out.reserve(assets.size() * 700);
  RowWriter row(out);
  for (const store::Asset& a : assets) {
    row.markup("<tr>\n      <th scope=\"row\">")
        .link(asset_href(a.name), a.name)
        .markup("<br><code class=\"hash\" title=\"")
        .text(a.content_hash)
        .markup("\">")
        .text(short_hash(a.content_hash))
        .markup("</code></th>\n      <td data-label=\"Type\"><span class=\"badge badge-")
        .text(a.asset_type)
        .markup("\">")
        .text(a.asset_type)
        .markup("</span></td>\n      <td data-label=\"Owner\">")
        .link(user_href(a.owner), a.owner, "@")
        .markup("</td>\n      <td data-label=\"Tags\">");
    for (const std::string& tag : a.tags)
      row.markup("<a class=\"tag\" href=\"")
          .text(tag_href(tag))
          .markup("\">#")
          .text(tag)
          .markup("</a> ");
    row.markup("</td>\n      <td data-label=\"Registered\">")
        .time(a.created_at)
        .markup("</td>\n    </tr>\n");
  }
  return out;
}

std::string activity_rows_html(const std::vector<store::Activity>& activities) {
  std::string out;
  out.reserve(activities.size() * 500);
  RowWriter row(out);
  for (const store::Activity& a : activities) {
    const std::string index = std::to_string(a.index);
    row.markup("<tr>\n      <th scope=\"row\">")
        .link("/activities/" + index, index, "#")
        .markup("</th>\n      <td data-label=\"Type\">")
        .text(a.type)
        .markup("</td>\n      <td data-label=\"Actor\">");
    if (!a.actor.empty()) row.link(user_href(a.actor), a.actor, "@");
    row.markup("</td>\n      <td data-label=\"Object\">");
    if (a.object_hash.empty()) {
      row.markup("<span class=\"muted\">—</span>");
    } else {
      row.link("/objects/" + encode_path_segment(a.object_hash), object_label(a));
    }
    row.markup("</td>\n      <td data-label=\"Published\">")
        .time(a.published)
        .markup("</td>\n    </tr>\n");
  }
  return out;
}

}  // namespace artdag::web
