// /activities (the public log) and /activities/{index}: HTML variants of the JSON routes.
#include <charconv>

#include "util/error.h"
#include "util/paging.h"
#include "util/time.h"
#include "web/html.h"
#include "web/table_rows.h"
#include "web/web_app.h"

namespace artdag::web {

namespace {
constexpr int kPageSize = 50;

http::Response log(http::Request& req, Page& page) {
  std::optional<int64_t> before;
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    before = parse_whole_number(*cursor, 0);
    if (!before) throw ApiError::bad_request("That page link is not valid.");
  }
  auto rows = page.services().publication.log_page(before, kPageSize + 1);
  const bool more = trim_to_page(rows, kPageSize);
  Json checkpoint = false;
  if (auto latest = page.services().claim_log.latest_checkpoint()) {
    const std::string time = iso8601_utc(latest->published_at);
    checkpoint = {{"size", latest->size},
                  {"root", latest->root_hex},
                  {"time", time},
                  {"time_display", display_time(time)}};
  }
  Json view{{"checkpoint", std::move(checkpoint)},
            {"activity_rows", activity_rows_html(rows)},
            {"has_activities", !rows.empty()},
            {"first_href", before ? "/activities" : ""},
            {"next_href", more ? "/activities?cursor=" + std::to_string(rows.back().index) : ""}};
  return page.render(200, "activities", "Activities", std::move(view), "activities");
}

http::Response one(http::Request& req, Page& page) {
  auto index = parse_whole_number(req.param("index"), 0);
  auto& publication = page.services().publication;
  auto row = index ? publication.find_activity(*index) : std::nullopt;
  if (!row) throw ApiError::not_found("There is no activity with this number.");
  Json view = activity_row_view(*row);
  Json doc = Json::parse(row->json, nullptr, false);
  view["json"] = doc.is_discarded() ? row->json : doc.dump(2);
  auto check = check_claim(page.services(), doc, row->actor);
  view["signed"] = check.is_signed;
  view["valid"] = check.valid;
  view["reason"] = check.reason;
  bool newer = publication.find_activity(row->index + 1).has_value();
  view["newer_href"] = newer ? "/activities/" + std::to_string(row->index + 1) : "";
  view["newer_index"] = row->index + 1;
  view["older_href"] = row->index > 0 ? "/activities/" + std::to_string(row->index - 1) : "";
  view["older_index"] = row->index - 1;
  return page.render(200, "activity", "Activity #" + std::to_string(row->index), std::move(view),
                     "activities");
}
}  // namespace

void add_activity_pages(http::Router& router, const std::shared_ptr<WebApp>& app) {
  router.add_html("GET", "/activities", page_route(app, log), http::Cost::kLocalRead);
  router.add_html("GET", "/activities/{index}", page_route(app, one), http::Cost::kLocalRead);
}

}  // namespace artdag::web
