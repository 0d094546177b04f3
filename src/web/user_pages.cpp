// /users (list) and /users/{username} (profile): HTML variants of the JSON routes (the
// profile URL is also the ActivityPub actor, served to every other client).
#include "util/error.h"
#include "util/paging.h"
#include "web/html.h"
#include "web/table_rows.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {
constexpr int kUsersPerPage = 50;
constexpr int kProfileAssets = 10;
constexpr int kProfileActivities = 10;

http::Response list(http::Request& req, Page& page) {
  int number = 0;
  if (auto p = req.query_param("page"); p && !p->empty()) {
    try {
      std::size_t used = 0;
      number = std::stoi(*p, &used);
      if (used != p->size()) number = -1;
    } catch (const std::exception&) {
      number = -1;
    }
    if (number < 0 || number > 100000) throw ApiError::bad_request("That page link is not valid.");
  }
  auto& services = page.services();
  auto users = services.auth.list_users(kUsersPerPage + 1, number * kUsersPerPage);
  const bool more = trim_to_page(users, kUsersPerPage);
  Json rows = Json::array();
  for (const auto& u : users)
    rows.push_back({{"username", u.username},
                    {"href", user_href(u.username)},
                    {"handle", "@" + u.username + "@" + services.uris.domain()},
                    {"created_at", u.created_at},
                    {"created_display", display_time(u.created_at)}});
  Json view{{"users", std::move(rows)},
            {"has_users", !users.empty()},
            {"prev_href", number > 0 ? "/users?page=" + std::to_string(number - 1) : ""},
            {"next_href", more ? "/users?page=" + std::to_string(number + 1) : ""}};
  return page.render(200, "users", "Users", std::move(view), "users");
}

http::Response profile(http::Request& req, Page& page) {
  auto& services = page.services();
  auto user = services.publication.get_user(req.param("username"));

  store::AssetQuery query;
  query.owner = user.username;
  query.limit = kProfileAssets;
  auto listing = services.registry.list_assets(query);

  Json activities = Json::array();
  for (const auto& row : services.publication.activities_of(user.username, kProfileActivities))
    activities.push_back(activity_row_view(row));

  Json view{{"username", user.username},
            {"initial", user.username.substr(0, 1)},
            {"handle", "@" + user.username + "@" + services.uris.domain()},
            {"actor_id", services.uris.actor(user.username)},
            {"created_at", user.created_at},
            {"created_display", display_time(user.created_at)},
            {"activity_count", services.publication.count_activities(user.username)},
            {"asset_rows", asset_rows_html(listing.assets)},
            {"has_assets", !listing.assets.empty()},
            {"more_href", listing.next_cursor ? "/assets?owner=" + user.username : ""},
            {"has_activities", !activities.empty()},
            {"activities", std::move(activities)}};
  return page.render(200, "user", "@" + user.username, std::move(view), "users");
}
}  // namespace

void add_user_pages(http::Router& router, const std::shared_ptr<WebApp>& app) {
  router.add_html("GET", "/users", page_route(app, list), http::Cost::kLocalRead);
  router.add_html("GET", "/users/{username}", page_route(app, profile), http::Cost::kLocalRead);
}

}  // namespace artdag::web
