// The web UI's pure parts: escaping, Markdown in safe mode, the provenance SVG, cookies,
// CSRF tokens, redirect targets, the embedded templates and the table rows.
#include <gtest/gtest.h>

#include "http/message.h"
#include "http/router.h"
#include "util/error.h"
#include "web/embedded.h"
#include "web/html.h"
#include "web/provenance_svg.h"
#include "web/session.h"
#include "web/table_rows.h"
#include "web/templates.h"
#include "web/web_app.h"

namespace artdag::web {
namespace {

TEST(WebHtml, EscapesTextAndAttributes) {
  EXPECT_EQ(html_escape(R"(<a href="x" onclick='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain ünïcode"), "plain ünïcode");
}

TEST(WebMarkdown, SafeModeDropsRawHtmlAndScriptLinks) {
  std::string html = markdown_to_html(
      "# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>bold</b> **strong**\n");
  EXPECT_NE(html.find("<h1>Title</h1>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_NE(html.find("<strong>strong</strong>"), std::string::npos);
}

TEST(WebMarkdown, PipeTablesBecomeTablesWithEscapedCells) {
  std::string html = markdown_to_html(
      "Before\n\n| a | b |\n| --- | :-: |\n| `x\\|y` | <i>z</i> |\n| only one |\n| 1 | 2 | 3 "
      "|\n\nAfter\n");
  EXPECT_NE(html.find("<p>Before</p>"), std::string::npos);
  EXPECT_NE(html.find("<thead>\n<tr><th>a</th><th>b</th></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td><code>x|y</code></td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>only one</td><td></td></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("<tr><td>1</td><td>2</td></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("<p>After</p>"), std::string::npos);
  // Inside a code fence a table is just text.
  std::string fenced = markdown_to_html("```\n| a | b |\n| --- | --- |\n```\n");
  EXPECT_EQ(fenced.find("<table>"), std::string::npos);
}

TEST(WebMarkdown, TheEmbeddedReadmeRenders) {
  std::string html = markdown_to_html(embedded::readme_markdown());
  EXPECT_NE(html.find("<h1>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(WebDisplay, TimesAndHashes) {
  EXPECT_EQ(display_time("2026-01-05T10:11:12Z"), "5 Jan 2026, 10:11 UTC");
  EXPECT_EQ(display_time("2024-12-31T23:59:59Z"), "31 Dec 2024, 23:59 UTC");
  EXPECT_EQ(display_time("yesterday"), "yesterday");
  EXPECT_EQ(display_time("2026-13-01T00:00:00Z"), "2026-13-01T00:00:00Z");  // no such month
  EXPECT_EQ(display_time("2026-02-30T00:00:00Z"), "2026-02-30T00:00:00Z");  // no such day
  EXPECT_EQ(short_hash(std::string(64, 'a')), "aaaaaaaa…aaaa");
  EXPECT_EQ(short_hash("short"), "short");
}

TEST(WebProvenance, SvgEscapesEveryLabel) {
  ProvenanceGraph graph;
  graph.inputs = {{"<in>", "\"title\"", ""}, {"b", "b", ""}};
  graph.recipe = {"<script>x</script>", "r&d", ""};
  graph.output = {"out'put", "out", ""};
  std::string svg = provenance_svg(graph);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<in>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;in&gt;"), std::string::npos);
  EXPECT_NE(svg.find("&quot;title&quot;"), std::string::npos);
  EXPECT_NE(svg.find("out&#39;put"), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos);  // the CSP allows no inline styles
  // Three edges: two inputs into the recipe, the recipe into the output.
  std::size_t edges = 0;
  for (auto at = svg.find("class=\"edge\""); at != std::string::npos;
       at = svg.find("class=\"edge\"", at + 1))
    ++edges;
  EXPECT_EQ(edges, 3u);
}

TEST(WebProvenance, ManyInputsAreSummarised) {
  ProvenanceGraph graph;
  for (int i = 0; i < 10; ++i) graph.inputs.push_back({"in" + std::to_string(i), "", ""});
  std::string svg = provenance_svg(graph);
  EXPECT_NE(svg.find("+4 more"), std::string::npos);
  EXPECT_EQ(svg.find("in7"), std::string::npos);
  EXPECT_NE(svg.find("10 inputs"), std::string::npos);
}

TEST(WebSession, ParsesCookieHeaders) {
  http::Request req;
  req.headers = {{"cookie", "a=1; artdag_session=tok.en.x;  b=\"quoted\""}, {"cookie", "c=3; a=9"}};
  auto cookies = parse_cookies(req);
  EXPECT_EQ(cookies["a"], "1");
  EXPECT_EQ(cookies["artdag_session"], "tok.en.x");
  EXPECT_EQ(cookies["b"], "quoted");
  EXPECT_EQ(cookies["c"], "3");
}

TEST(WebSession, CookieAttributes) {
  SessionCookies plain(false);
  EXPECT_EQ(plain.session("t", 60), "artdag_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
  EXPECT_EQ(plain.clear_session(), "artdag_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  SessionCookies secure(true);
  EXPECT_EQ(secure.session("t", 60),
            "__Host-artdag_session=t; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60");
  EXPECT_EQ(secure.csrf("v"), "__Host-artdag_csrf=v; Path=/; HttpOnly; SameSite=Lax; Secure");
}

TEST(WebSession, CsrfTokensAreBoundToCookieAndSession) {
  Csrf csrf("a-server-secret-of-some-length");
  std::string cookie = Csrf::new_cookie_value();
  EXPECT_GE(cookie.size(), 40u);
  EXPECT_NE(cookie, Csrf::new_cookie_value());
  std::string token = csrf.token(cookie, "jti-1");
  EXPECT_TRUE(csrf.valid(token, cookie, "jti-1"));
  EXPECT_FALSE(csrf.valid(token, cookie, "jti-2"));
  EXPECT_FALSE(csrf.valid(token, Csrf::new_cookie_value(), "jti-1"));
  EXPECT_FALSE(csrf.valid("", cookie, "jti-1"));
  EXPECT_FALSE(csrf.valid(token, "", "jti-1"));
  EXPECT_FALSE(Csrf("another-server-secret-123").valid(token, cookie, "jti-1"));
}

TEST(WebRedirects, OnlyLocalPathsAreFollowedAfterLogin) {
  EXPECT_EQ(safe_next("/publish"), "/publish");
  EXPECT_EQ(safe_next("/assets?tag=x"), "/assets?tag=x");
  EXPECT_EQ(safe_next("//evil.example/x"), "/");
  EXPECT_EQ(safe_next("/\\evil.example"), "/");
  EXPECT_EQ(safe_next("https://evil.example"), "/");
  EXPECT_EQ(safe_next("/a\r\nSet-Cookie: x"), "/");
  EXPECT_EQ(safe_next(""), "/");
}

TEST(WebTemplates, EveryTemplateParsesAndEscapes) {
  std::string error;
  EXPECT_TRUE(check_templates(&error)) << error;
  std::string html = render_page("error", Json{{"title", "<t>"},
                                               {"status", 404},
                                               {"heading", "Page not found"},
                                               {"detail", "<script>x</script>"}});
  EXPECT_EQ(html.find("<script>x"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<title>&lt;t&gt; · Art DAG</title>"), std::string::npos);
  EXPECT_TRUE(embedded::web_file("static/style.css").has_value());
  EXPECT_FALSE(embedded::web_file("templates/nope.mustache").has_value());
}

TEST(WebTableRows, AssetRowsEscapeEveryFieldAndLinkTags) {
  store::Asset a;
  a.name = "<b>\"work\"</b>";
  a.content_hash = std::string(64, 'a');
  a.asset_type = "image";
  a.owner = "alice";
  a.tags = {"x&y", "plain"};
  a.created_at = "2026-01-05T10:11:12Z";
  const std::string html = asset_rows_html({a, a});
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
  EXPECT_NE(html.find(">&lt;b&gt;&quot;work&quot;&lt;/b&gt;</a>"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"/asset/%3Cb%3E%22work%22%3C%2Fb%3E\""), std::string::npos) << html;
  EXPECT_NE(html.find("<a class=\"tag\" href=\"/assets?tag=x%26y\">#x&amp;y</a> "),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("title=\"" + a.content_hash + "\">aaaaaaaa…aaaa</code>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/users/alice\">@alice</a>"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2026-01-05T10:11:12Z\">5 Jan 2026, 10:11 UTC</time>"),
            std::string::npos);
  // One row per asset, nothing else.
  size_t rows = 0;
  for (size_t at = html.find("<tr>"); at != std::string::npos; at = html.find("<tr>", at + 1))
    ++rows;
  EXPECT_EQ(rows, 2u);
  EXPECT_EQ(asset_rows_html({}), "");
}

TEST(WebTableRows, ActivityRowsNameTheObjectOrShowADash) {
  store::Activity create;
  create.index = 7;
  create.type = "Create";
  create.actor = "alice";
  create.object_hash = std::string(64, 'b');
  create.published = "2026-01-05T10:11:12Z";
  create.json = R"({"type":"Create","object":{"name":"<sunset>"}})";
  store::Activity follow;
  follow.index = 8;
  follow.type = "Follow";
  follow.json = "{}";
  const std::string html = activity_rows_html({create, follow});
  EXPECT_NE(html.find("<a href=\"/activities/7\">#7</a>"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"/objects/" + create.object_hash + "\">&lt;sunset&gt;</a>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<span class=\"muted\">—</span>"), std::string::npos) << html;
  // An activity whose JSON has no object name is labelled by its short hash.
  create.json = "not json";
  EXPECT_NE(activity_rows_html({create}).find(">bbbbbbbb…bbbb</a>"), std::string::npos);
}

http::Request get(const std::string& path, const std::string& accept) {
  http::Request req;
  req.method = "GET";
  req.path = req.target = path;
  if (!accept.empty()) req.headers = {{"accept", accept}};
  return req;
}

TEST(RouterHtmlVariant, AnswersOnlyClientsThatPreferHtml) {
  http::Router router;
  router.add_html("GET", "/things/{id}", [](http::Request& r) {
    return http::Response::html(200, "html " + r.param("id"));
  });
  router.add("GET", "/things/{id}", [](http::Request& r) {
    return http::Response::json(200, Json{{"id", r.param("id")}});
  });
  router.add_html("GET", "/only-html",
                  [](http::Request&) { return http::Response::html(200, "x"); });
  router.add("POST", "/only-html", [](http::Request&) { return http::Response::empty(204); });

  auto browser = get("/things/a%20b", "text/html,application/xhtml+xml,*/*;q=0.8");
  auto page = router.dispatch(browser);
  EXPECT_EQ(page.body, "html a b");
  EXPECT_EQ(page.header("Vary"), "Accept");

  auto api = get("/things/1", "application/json");
  auto json = router.dispatch(api);
  EXPECT_EQ(json.body, R"({"id":"1"})");
  EXPECT_EQ(json.header("Vary"), "Accept");
  auto no_accept = get("/things/1", "");
  EXPECT_EQ(router.dispatch(no_accept).body, R"({"id":"1"})");

  // An HTML-only route answers everyone, without Vary; other methods still route.
  auto plain = get("/only-html", "application/json");
  auto only = router.dispatch(plain);
  EXPECT_EQ(only.body, "x");
  EXPECT_FALSE(only.header("Vary").has_value());
  auto post = get("/only-html", "text/html");
  post.method = "POST";
  EXPECT_EQ(router.dispatch(post).status, 204);
  auto put = get("/things/1", "text/html");
  put.method = "PUT";
  auto refused = router.dispatch(put);
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(refused.header("Allow"), "GET");
  auto missing = get("/nothing", "text/html");
  EXPECT_THROW(router.dispatch(missing), ApiError);
}

}  // namespace
}  // namespace artdag::web
