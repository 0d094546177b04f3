#include "web/templates.h"

#include <kainjow/mustache.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "web/embedded.h"

namespace artdag::web {

namespace km = kainjow::mustache;

namespace {
// Partials every page may use, and the pages (for check_templates).
constexpr const char* kPartials[] = {"asset_table", "api_schema"};
constexpr const char* kPages[] = {"home",  "assets",    "asset",      "activities", "activity",
                                  "users", "user",      "login",      "register",   "publish",
                                  "error", "renderers", "record_run", "docs"};

std::string template_text(std::string_view name) {
  auto text = embedded::web_file("templates/" + std::string(name) + ".mustache");
  if (!text) throw std::runtime_error("missing template " + std::string(name));
  return std::string(*text);
}

km::data to_data(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      km::data out(km::data::type::object);
      for (const auto& [key, item] : value.items()) out.set(key, to_data(item));
      return out;
    }
    case Json::value_t::array: {
      km::data out(km::data::type::list);
      for (const auto& item : value) out.push_back(to_data(item));
      return out;
    }
    case Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      // An empty string would count as true in a section; treat it as absent.
      return s.empty() ? km::data(false) : km::data(s);
    }
    case Json::value_t::boolean:
      return km::data(value.get<bool>());
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return km::data(value.dump());
    default:
      return km::data(false);
  }
}

// Every "{{> name}}" / "{{>name}}" in `text` replaced by `replacement`.
void inline_partial(std::string& text, const std::string& name, const std::string& replacement) {
  for (const std::string& tag : {"{{> " + name + "}}", "{{>" + name + "}}"}) {
    for (std::size_t at = text.find(tag); at != std::string::npos;
         at = text.find(tag, at + replacement.size()))
      text.replace(at, tag.size(), replacement);
  }
}

// The page inside the layout with the partials written in, compiled once per thread:
// compiling cost more than rendering (the profile of GET /assets as HTML), and kainjow's
// template object keeps error state while rendering, so threads do not share one.
km::mustache& compiled_page(std::string_view page) {
  thread_local std::unordered_map<std::string, std::unique_ptr<km::mustache>> cache;
  const std::string key(page);
  if (auto it = cache.find(key); it != cache.end()) return *it->second;
  std::string text = template_text("layout");
  inline_partial(text, "page_body", template_text(page));
  for (const char* name : kPartials)
    inline_partial(text, name, template_text(std::string("_") + name));
  auto tmpl = std::make_unique<km::mustache>(text);
  if (!tmpl->is_valid()) throw std::runtime_error("template " + key + ": " + tmpl->error_message());
  return *cache.emplace(key, std::move(tmpl)).first->second;
}
}  // namespace

std::string render_page(std::string_view page, const Json& view) {
  km::mustache& tmpl = compiled_page(page);
  std::string out = tmpl.render(to_data(view.is_object() ? view : Json::object()));
  if (!tmpl.is_valid())
    throw std::runtime_error("template " + std::string(page) + ": " + tmpl.error_message());
  return out;
}

bool check_templates(std::string* error) {
  try {
    for (const char* page : kPages) {
      if (!embedded::web_file("templates/" + std::string(page) + ".mustache")) continue;
      render_page(page, Json::object());
    }
    return true;
  } catch (const std::exception& e) {
    if (error) *error = e.what();
    return false;
  }
}

}  // namespace artdag::web
