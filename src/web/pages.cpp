#include "web/pages.h"

#include <memory>

#include "web/embedded.h"
#include "web/table_rows.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {
void add_static_files(http::Router& router) {
  router.add(
      "GET", "/static/{file}",
      [](http::Request& req) {
        const auto& file = req.param("file");
        auto content = embedded::web_file("static/" + file);
        if (!content || file.find('/') != std::string::npos) {
          auto res = http::Response::text(404, "Not found\n");
          add_security_headers(res);
          return res;
        }
        std::string type = "application/octet-stream";
        if (file.ends_with(".css")) type = "text/css; charset=utf-8";
        if (file.ends_with(".svg")) type = "image/svg+xml";
        auto res = http::Response::text(200, std::string(*content), type);
        // Pages link these with ?v=<content hash>, so a changed file has a new URL.
        res.set_header("Cache-Control", "public, max-age=31536000, immutable");
        add_security_headers(res);
        return res;
      },
      http::Cost::kLocalRead);
}
}  // namespace

// The blocked domains with their reasons, when the operator publishes them; else empty.
static Json blocked_domains_view(Page& page) {
  Json out = Json::array();
  if (!page.services().config.publish_domain_blocks) return out;
  for (const auto& block : page.services().federation.domain_blocks())
    out.push_back({{"host", block.host}, {"reason", block.reason}});
  return out;
}

void add_home_pages(http::Router& router, const std::shared_ptr<WebApp>& app) {
  router.add("GET", "/",
             page_route(app,
                        [](http::Request&, Page& page) {
                          auto stats = page.services().publication.stats();
                          store::AssetQuery recent;
                          recent.limit = 5;
                          const auto assets = page.services().registry.list_assets(recent).assets;
                          Json blocks = blocked_domains_view(page);
                          Json view{{"stats",
                                     {{"users", stats.users},
                                      {"assets", stats.assets},
                                      {"activities", stats.activities},
                                      {"followers", stats.followers},
                                      {"renderers", stats.renderer_attachments}}},
                                    {"has_recent", !assets.empty()},
                                    {"has_blocks", !blocks.empty()},
                                    {"blocks", std::move(blocks)},
                                    {"asset_rows", asset_rows_html(assets)},
                                    {"readme_html", page.app().readme_html}};
                          return page.render(200, "home", "Home", std::move(view), "home");
                        }),
             http::Cost::kLocalRead);
}

ErrorPage add_web_routes(http::Router& router, services::Services& services) {
  // Shared by every page handler and the error page.
  auto app = std::make_shared<WebApp>(services);
  add_static_files(router);
  add_home_pages(router, app);
  add_asset_pages(router, app);
  add_activity_pages(router, app);
  add_user_pages(router, app);
  add_account_pages(router, app);
  add_renderer_pages(router, app);
  add_docs_pages(router, app);
  return [app](const http::Request& request, const http::ErrorAnswer& answer) {
    Page page(*app, request);
    return page.error(answer);
  };
}

}  // namespace artdag::web
