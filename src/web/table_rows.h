#pragma once
// The rows of the asset and activity tables, written straight into the page. These tables are
// the bulk of the hot pages (the asset list, the home page, a user's page, the public log),
// and a view tree per row, converted for the template engine, cost more than all the rest of
// a page (docs/performance.md "HTML pages"). The tables around the rows stay in templates/.
#include <string>
#include <vector>

#include "store/rows.h"

namespace artdag::web {

// <tr> elements for templates/_asset_table.mustache: name and hash, type, owner, tags, time.
std::string asset_rows_html(const std::vector<store::Asset>& assets);

// <tr> elements for templates/activities.mustache: index, type, actor, object, time.
std::string activity_rows_html(const std::vector<store::Activity>& activities);

}  // namespace artdag::web
