#include "web/templates.h"

#include <kainjow/mustache.hpp>
#include <stdexcept>
#include <string>

#include "web/embedded.h"

namespace artdag::web {

namespace km = kainjow::mustache;

namespace {
// Partials every page may use, and the pages (for check_templates).
constexpr const char* kPartials[] = {"asset_table"};
constexpr const char* kPages[] = {"home",  "assets",    "asset",     "activities", "activity",
                                  "users", "user",      "login",     "register",   "publish",
                                  "error", "renderers", "record_run"};

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

std::string render(const std::string& layout, const std::string& page, const Json& view) {
  km::data data = to_data(view.is_object() ? view : Json::object());
  data.set("page_body", km::partial([page] { return page; }));
  for (const char* name : kPartials) {
    std::string text = template_text(std::string("_") + name);
    data.set(name, km::partial([text] { return text; }));
  }
  km::mustache tmpl(layout);
  if (!tmpl.is_valid()) throw std::runtime_error("layout template: " + tmpl.error_message());
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) throw std::runtime_error("template: " + tmpl.error_message());
  return out;
}
}  // namespace

std::string render_page(std::string_view page, const Json& view) {
  static const std::string layout = template_text("layout");
  std::string body = template_text(page);
  km::mustache check(body);
  if (!check.is_valid())
    throw std::runtime_error("template " + std::string(page) + ": " + check.error_message());
  return render(layout, body, view);
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
