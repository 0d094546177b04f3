// /assets (browse, HTML variant), /asset/{name} (detail), /objects/{hash} (HTML variant:
// to the asset page) and /publish (register an asset from a form).
#include <charconv>

#include "activitypub/documents.h"
#include "http/request_body.h"
#include "services/registry_service.h"
#include "util/error.h"
#include "util/paging.h"
#include "util/time.h"
#include "util/url.h"
#include "web/html.h"
#include "web/provenance_svg.h"
#include "web/table_rows.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {
constexpr int kPageSize = 20;

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string field(const std::map<std::string, std::string>& form, const char* name) {
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

std::optional<std::string> filter(const http::Request& req, const char* name) {
  auto value = req.query_param(name);
  if (!value) return std::nullopt;
  std::string t = trimmed(*value);
  if (t.empty()) return std::nullopt;
  return t;
}

// "/assets?type=...&tag=...&owner=..." plus extra parameters.
std::string assets_href(const store::AssetQuery& q, std::string_view extra) {
  std::string query;
  auto add = [&query](const char* name, const std::optional<std::string>& value) {
    if (!value) return;
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + encode_query_value(*value);
  };
  add("type", q.asset_type);
  add("tag", q.tag);
  add("owner", q.owner);
  if (!extra.empty()) query += (query.empty() ? "?" : "&") + std::string(extra);
  return "/assets" + query;
}

http::Response browse(http::Request& req, Page& page) {
  store::AssetQuery query;
  query.asset_type = filter(req, "type");
  query.tag = filter(req, "tag");
  query.owner = filter(req, "owner");
  query.limit = kPageSize;
  if (auto cursor = filter(req, "cursor")) {
    query.before_id = parse_whole_number(*cursor, 1);
    if (!query.before_id) throw ApiError::bad_request("That page link is not valid.");
  }
  auto listing = page.services().registry.list_assets(query);
  bool filtered = query.asset_type || query.tag || query.owner;
  Json view{{"asset_rows", asset_rows_html(listing.assets)},
            {"has_assets", !listing.assets.empty()},
            {"filtered", filtered},
            {"types", asset_types_view(query.asset_type.value_or(""))},
            {"filters", {{"tag", query.tag.value_or("")}, {"owner", query.owner.value_or("")}}},
            {"first_href", query.before_id ? assets_href(query, "") : ""},
            {"next_href", listing.next_cursor
                              ? assets_href(query, "cursor=" + std::to_string(*listing.next_cursor))
                              : ""}};
  std::string title = "Assets";
  if (query.tag) title += " tagged #" + *query.tag;
  if (query.owner) title += " by @" + *query.owner;
  return page.render(200, "assets", title, std::move(view), "assets");
}

Json provenance_view(Page& page, const store::Asset& asset) {
  if (asset.provenance_json.empty()) return false;
  Json p = Json::parse(asset.provenance_json, nullptr, false);
  if (!p.is_object()) return false;
  auto text = [&p](const char* name, const std::string& fallback) {
    auto it = p.find(name);
    return it != p.end() && it->is_string() ? it->get<std::string>() : fallback;
  };
  auto& registry = page.services().registry;
  // A hash that names an asset here is shown (and linked) by that asset's name.
  auto known = [&registry](const std::string& hash) -> std::optional<store::Asset> {
    if (hash.size() != 64) return std::nullopt;
    return registry.find_by_hash(hash);
  };

  ProvenanceGraph graph;
  Json inputs = Json::array();
  if (auto it = p.find("inputs"); it != p.end() && it->is_array()) {
    for (const auto& input : *it) {
      if (!input.is_string()) continue;
      std::string hash = input.get<std::string>();
      auto found = known(hash);
      std::string href = found ? asset_href(found->name) : "";
      graph.inputs.push_back({found ? found->name : short_hash(hash), hash, href});
      inputs.push_back({{"hash", hash}, {"input_href", href}});
    }
  }
  std::string recipe = text("recipe", "");
  auto recipe_asset = known(recipe);
  graph.recipe = {
      recipe_asset ? recipe_asset->name : (recipe.size() == 64 ? short_hash(recipe) : recipe),
      recipe.empty() ? "unknown recipe" : recipe, ""};
  if (graph.recipe.label.empty()) graph.recipe.label = "unknown";
  graph.output = {asset.name, asset.name + " (" + asset.content_hash + ")", ""};
  return {{"svg", provenance_svg(graph)},
          {"l1_server", text("l1_server", asset.l1_server)},
          {"run_id", text("run_id", asset.run_id)},
          {"recipe", recipe},
          {"inputs", std::move(inputs)},
          {"has_inputs", graph.inputs.size() > 0}};
}

// Every claim of the asset's hash known here (this asset's and those of other servers), which
// one is the earliest and on what evidence, with links to their proofs.
Json registry_view(services::Services& services, const std::string& content_hash) {
  Json claims = Json::array();
  bool others = false;
  for (const auto& c : services.claims.claims_of(content_hash)) {
    others = others || !c.local;
    const std::string cosigned = c.first_cosigned_at ? iso8601_utc(*c.first_cosigned_at) : "";
    claims.push_back(
        {{"actor", c.actor},
         {"local", c.local},
         {"earliest", c.earliest},
         {"evidence", c.evidence()},
         {"published", c.published},
         {"first_cosigned", cosigned},
         {"first_cosigned_display", cosigned.empty() ? "" : display_time(cosigned)},
         {"proven", c.proven},
         {"is_refuted", !c.refuted.empty()},
         {"refuted", c.refuted},
         {"log", c.log_origin + " #" + (c.log_index ? std::to_string(*c.log_index) : "?")},
         {"proof_href", c.proof_url},
         {"evidence_href", c.evidence_url}});
  }
  return {{"claims", std::move(claims)}, {"has_others", others}};
}

http::Response detail(Page& page, const store::Asset& asset) {
  auto& services = page.services();
  Json view = asset_summary_view(asset);
  view["description"] = asset.description;
  view["ipfs_cid"] = asset.ipfs_cid;
  view["as_type"] = activitypub::activity_streams_type(asset.asset_type);
  view["like_count"] = asset.like_count;
  view["announce_count"] = asset.announce_count;
  view["json_href"] = "/assets/" + encode_path_segment(asset.name);

  Json claim = false;
  if (asset.activity_index >= 0) {
    if (auto row = services.publication.find_activity(asset.activity_index)) {
      Json activity = Json::parse(row->json, nullptr, false);
      auto check = check_claim(services, activity, asset.owner);
      claim = {
          {"index", row->index},
          {"activity_href", "/activities/" + std::to_string(row->index)},
          {"type", row->type},
          {"signed_at", check.created.empty() ? row->published : check.created},
          {"signed_display", display_time(check.created.empty() ? row->published : check.created)},
          {"valid", check.valid},
          {"reason", check.is_signed ? check.reason : "the activity carries no signature"}};
      // Where the claim stands in the transparency log.
      if (auto size = services.claim_log.checkpoint_size_containing(row->index)) {
        claim["log_size"] = *size;
        claim["proof_href"] = services.claim_log.proof_url(row->index);
      } else {
        claim["log_pending"] = true;
      }
    }
  }
  Json page_view{{"asset", std::move(view)},
                 {"claim", std::move(claim)},
                 {"registry", registry_view(services, asset.content_hash)},
                 {"provenance", provenance_view(page, asset)}};
  return page.render(200, "asset", asset.name, std::move(page_view), "assets");
}

http::Response publish_form(Page& page, int status, const Json& values, const Json& errors,
                            const std::string& form_error) {
  Json view{{"values", values},
            {"errors", errors},
            {"form_error", form_error},
            {"types", asset_types_view(values.value("asset_type", std::string("image")))},
            {"csrf_token", page.csrf_token()}};
  return page.render(status, "publish", "Register an asset", std::move(view));
}

http::Response publish(http::Request&, Page& page) {
  const auto& who = page.require_user();
  auto form = page.checked_form();
  Json values{{"name", trimmed(field(form, "name"))},
              {"content_hash", trimmed(field(form, "content_hash"))},
              {"asset_type", trimmed(field(form, "asset_type"))},
              {"tags", field(form, "tags")},
              {"description", field(form, "description")},
              {"ipfs_cid", trimmed(field(form, "ipfs_cid"))}};
  // The same body the JSON API takes, through the same validation and registration.
  Json body{{"name", values["name"]},
            {"content_hash", values["content_hash"]},
            {"asset_type", values["asset_type"]}};
  Json tags = Json::array();
  std::string tag;
  for (char c : field(form, "tags") + " ") {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!tag.empty()) tags.push_back(tag);
      tag.clear();
    } else {
      tag += c;
    }
  }
  if (!tags.empty()) body["tags"] = std::move(tags);
  if (!values["description"].get_ref<const std::string&>().empty())
    body["description"] = values["description"];
  if (!values["ipfs_cid"].get_ref<const std::string&>().empty())
    body["ipfs_cid"] = values["ipfs_cid"];
  try {
    auto registration = services::RegistryService::parse_registration(body, who.user.username);
    auto registered = page.services().registry.register_asset(registration);
    return page.redirect(asset_href(registered.asset.name) + "?notice=registered");
  } catch (const ApiError& e) {
    if (e.status() != 422 && e.status() != 409) throw;
    const std::string& name = e.field();
    Json errors = Json::object();
    if (!name.empty()) errors[name] = e.detail();
    return publish_form(page, e.status(), values, errors, name.empty() ? e.detail() : "");
  }
}
}  // namespace

void add_asset_pages(http::Router& router, const std::shared_ptr<WebApp>& app) {
  router.add_html("GET", "/assets", page_route(app, browse), http::Cost::kLocalRead);

  router.add("GET", "/asset/{name}",
             page_route(app,
                        [](http::Request& req, Page& page) {
                          return detail(page,
                                        page.services().registry.get_asset(req.param("name")));
                        }),
             http::Cost::kLocalRead);

  router.add_html(
      "GET", "/objects/{hash}",
      page_route(app,
                 [](http::Request& req, Page& page) {
                   auto asset = page.services().registry.find_by_hash(req.param("hash"));
                   if (!asset) throw ApiError::not_found("No object with this content hash here.");
                   return page.redirect(asset_href(asset->name));
                 }),
      http::Cost::kLocalRead);

  router.add(
      "GET", "/publish",
      page_route(
          app,
          [](http::Request&, Page& page) {
            page.require_user();
            return publish_form(page, 200, Json{{"asset_type", "image"}}, Json::object(), "");
          }),
      http::Cost::kLocalRead);
  router.add("POST", "/publish", page_route(app, publish));
}

}  // namespace artdag::web
