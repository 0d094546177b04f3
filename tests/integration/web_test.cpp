// The web UI over HTTP against the real binary: negotiation on shared paths, escaping,
// security headers, sessions (cookie flags, logout revocation), CSRF, form errors.
#include <gtest/gtest.h>

#include <regex>

#include "crypto/hash.h"
#include "harness.h"

namespace artdag::test {
namespace {

const std::string kHtml = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const std::string kForm = "Content-Type: application/x-www-form-urlencoded";
const char* kCsp =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

std::string hash_of(const std::string& text) {
  return crypto::sha3_256_hex(text);
}

// "name=value" of a Set-Cookie header.
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

std::string csrf_from(const std::string& html) {
  std::smatch m;
  static const std::regex re(R"re(name="csrf_token" value="([^"]+)")re");
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += "&";
    out += k + "=";
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
  }
  return out;
}

void expect_security_headers(const HttpResult& r) {
  EXPECT_EQ(r.header("content-security-policy"), kCsp);
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("referrer-policy"), "same-origin");
}

// A browser: keeps the CSRF and session cookies between requests.
struct Browser {
  explicit Browser(ServerProcess& s) : server(s) {}
  ServerProcess& server;
  std::string csrf_cookie;
  std::string session_cookie;

  Headers headers(Headers extra = {}) const {
    extra.push_back(kHtml);
    std::string cookies = csrf_cookie;
    if (!session_cookie.empty()) cookies += (cookies.empty() ? "" : "; ") + session_cookie;
    if (!cookies.empty()) extra.push_back("Cookie: " + cookies);
    return extra;
  }
  void remember(const HttpResult& r) {
    auto set = r.header("set-cookie");
    if (set.empty()) return;
    auto pair = cookie_pair(set);
    if (pair.find("csrf") != std::string::npos) csrf_cookie = pair;
    if (pair.find("session") != std::string::npos)
      session_cookie = set.find("Max-Age=0") != std::string::npos ? "" : pair;
  }
  HttpResult get(const std::string& path) {
    auto r = http_request("GET", server.url(path), headers());
    remember(r);
    return r;
  }
  // GETs the form page for its CSRF token, then posts the fields with it.
  HttpResult post_form(const std::string& form_page, const std::string& action,
                       std::vector<std::pair<std::string, std::string>> fields) {
    auto page = get(form_page);
    fields.emplace_back("csrf_token", csrf_from(page.body));
    auto r = http_request("POST", server.url(action), headers({kForm}), form_encode(fields));
    remember(r);
    return r;
  }
  HttpResult login(const std::string& user, const std::string& password) {
    return post_form("/login", "/login", {{"username", user}, {"password", password}});
  }
};

class WebUi : public SharedServerTest {};

TEST_F(WebUi, SharedPathsAnswerHtmlOnlyToBrowsers) {
  std::string token = register_user(server(), "negotiator");
  auto created = http_request(
      "POST", url("/assets"), {"Content-Type: application/json", "Authorization: Bearer " + token},
      Json{{"name", "negotiated"}, {"content_hash", hash_of("negotiated")}, {"asset_type", "image"}}
          .dump());
  ASSERT_EQ(created.status, 201) << created.body;

  std::string activity =
      "/activities/" + std::to_string(created.json()["asset"]["activity_index"].get<int64_t>());
  for (const std::string& path : std::vector<std::string>{"/assets", "/activities", "/users",
                                                          "/users/negotiator", activity}) {
    auto html = http_request("GET", url(path), {kHtml});
    EXPECT_EQ(html.status, 200) << path;
    EXPECT_EQ(html.header("content-type"), "text/html; charset=utf-8") << path;
    EXPECT_NE(html.body.find("<!doctype html>"), std::string::npos) << path;
    EXPECT_EQ(html.header("vary"), "Accept") << path;
    expect_security_headers(html);

    auto json = http_request("GET", url(path), {"Accept: application/json"});
    EXPECT_EQ(json.status, 200) << path;
    EXPECT_NE(json.header("content-type").find("json"), std::string::npos) << path;
    EXPECT_NO_THROW((void)json.json()) << path;
    EXPECT_EQ(json.header("vary"), "Accept") << path;

    auto none = http_request("GET", url(path));  // no Accept: JSON, as before
    EXPECT_NE(none.header("content-type").find("json"), std::string::npos) << path;
  }

  auto actor = http_request("GET", url("/users/negotiator"), {"Accept: application/activity+json"});
  EXPECT_EQ(actor.header("content-type"), "application/activity+json");
  EXPECT_EQ(actor.json()["type"], "Person");

  // The object URL sends browsers to the asset page; ActivityPub clients get the object.
  auto object_html = http_request("GET", url("/objects/" + hash_of("negotiated")), {kHtml});
  EXPECT_EQ(object_html.status, 303);
  EXPECT_EQ(object_html.header("location"), "/asset/negotiated");
  auto object_json = http_request("GET", url("/objects/" + hash_of("negotiated")),
                                  {"Accept: application/activity+json"});
  EXPECT_EQ(object_json.status, 200);
  EXPECT_EQ(object_json.json()["name"], "negotiated");

  // Equal preference is not a preference for HTML.
  auto tie = http_request("GET", url("/assets"), {"Accept: text/html, application/json"});
  EXPECT_NE(tie.header("content-type").find("json"), std::string::npos);
}

TEST_F(WebUi, AssetPageShowsTheClaimAndEscapesUserText) {
  std::string token = register_user(server(), "escaper");
  std::string description = "<script>alert('x')</script> & \"quotes\"";
  auto created = http_request("POST", url("/assets"),
                              {"Content-Type: application/json", "Authorization: Bearer " + token},
                              Json{{"name", "escaped-asset"},
                                   {"content_hash", hash_of("escaped")},
                                   {"asset_type", "video"},
                                   {"tags", {"art", "x?y=1"}},
                                   {"description", description}}
                                  .dump());
  ASSERT_EQ(created.status, 201) << created.body;

  auto page = http_request("GET", url("/asset/escaped-asset"), {kHtml});
  ASSERT_EQ(page.status, 200) << page.body;
  expect_security_headers(page);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_NE(
      page.body.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quotes&quot;"),
      std::string::npos);
  EXPECT_NE(page.body.find(hash_of("escaped")), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/users/escaper\""), std::string::npos);
  EXPECT_NE(page.body.find("✓ valid"), std::string::npos) << page.body;
  // Tags are links with the value encoded into the query.
  EXPECT_NE(page.body.find("href=\"/assets?tag=x%3Fy%3D1\""), std::string::npos);

  // The browse page lists it and filters by tag, type and owner.
  auto listed = http_request("GET", url("/assets?tag=art&type=video&owner=escaper"), {kHtml});
  EXPECT_NE(listed.body.find("href=\"/asset/escaped-asset\""), std::string::npos);
  auto other = http_request("GET", url("/assets?type=audio&owner=escaper"), {kHtml});
  EXPECT_EQ(other.body.find("href=\"/asset/escaped-asset\""), std::string::npos);

  auto missing = http_request("GET", url("/asset/no-such-asset"), {kHtml});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "text/html; charset=utf-8");
}

TEST_F(WebUi, BrowsersGetAnHtml404AndApisJson) {
  auto html = http_request("GET", url("/no/such/page"), {kHtml});
  EXPECT_EQ(html.status, 404);
  EXPECT_EQ(html.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(html.body.find("Page not found"), std::string::npos);
  expect_security_headers(html);
  auto json = http_request("GET", url("/no/such/page"));
  EXPECT_EQ(json.status, 404);
  EXPECT_EQ(json.json()["detail"], "Not found");
}

TEST_F(WebUi, StylesheetIsServedWithALongCache) {
  auto home = http_request("GET", url("/"), {kHtml});
  ASSERT_EQ(home.status, 200);
  expect_security_headers(home);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(home.body, m,
                                std::regex(R"re(href="(/static/style\.css\?v=[0-9a-f]+)")re")));
  auto css = http_request("GET", url(m[1].str()));
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(css.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(css.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(http_request("GET", url("/static/nope.css")).status, 404);
  // The README is rendered from Markdown, not shown as source.
  EXPECT_NE(home.body.find("<h1>"), std::string::npos);
}

TEST_F(WebUi, FormsWithoutTheRightCsrfTokenAreRefused) {
  register_user(server(), "csrfuser", "csrf-password-1");
  Browser browser{server()};
  auto page = browser.get("/login");
  ASSERT_EQ(page.status, 200);
  ASSERT_FALSE(browser.csrf_cookie.empty());
  std::string token = csrf_from(page.body);
  ASSERT_FALSE(token.empty());

  std::string body = "username=csrfuser&password=csrf-password-1";
  auto missing = http_request("POST", url("/login"), browser.headers({kForm}), body);
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.header("content-type"), "text/html; charset=utf-8");
  EXPECT_TRUE(missing.header("set-cookie").empty());

  auto wrong = http_request("POST", url("/login"), browser.headers({kForm}),
                            body + "&csrf_token=" + std::string(token.size(), 'A'));
  EXPECT_EQ(wrong.status, 403);

  // The right token without the cookie it belongs to (a cross-site post): refused too.
  auto no_cookie =
      http_request("POST", url("/login"), {kHtml, kForm}, body + "&csrf_token=" + token);
  EXPECT_EQ(no_cookie.status, 403);

  auto ok =
      http_request("POST", url("/login"), browser.headers({kForm}), body + "&csrf_token=" + token);
  EXPECT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(ok.header("location"), "/");
}

TEST_F(WebUi, SessionCookieFlagsAndLogoutRevokesIt) {
  register_user(server(), "cookieuser", "cookie-password-1");
  Browser browser{server()};
  auto login = browser.login("cookieuser", "cookie-password-1");
  ASSERT_EQ(login.status, 303) << login.body;
  std::string set = login.header("set-cookie");
  EXPECT_EQ(set.rfind("artdag_session=", 0), 0u) << set;
  EXPECT_NE(set.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("; SameSite=Lax"), std::string::npos);
  EXPECT_NE(set.find("; Path=/"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);  // the base URL is http here
  ASSERT_FALSE(browser.session_cookie.empty());
  std::string token = browser.session_cookie.substr(browser.session_cookie.find('=') + 1);

  auto home = browser.get("/");
  EXPECT_NE(home.body.find("@cookieuser"), std::string::npos);
  EXPECT_NE(home.body.find("action=\"/logout\""), std::string::npos);

  // The JSON API does not take the cookie, only the bearer token.
  auto cookie_only = http_request("GET", url("/auth/me"), {"Cookie: " + browser.session_cookie});
  EXPECT_EQ(cookie_only.status, 401);
  EXPECT_EQ(http_request("GET", url("/auth/me"), {"Authorization: Bearer " + token}).status, 200);

  std::string old_session = browser.session_cookie;
  auto out = browser.post_form("/", "/logout", {});
  EXPECT_EQ(out.status, 303) << out.body;
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(http_request("GET", url("/auth/me"), {"Authorization: Bearer " + token}).status, 401);

  // The old cookie no longer logs anyone in.
  browser.session_cookie = old_session;
  auto publish = browser.get("/publish");
  EXPECT_EQ(publish.status, 303);
  EXPECT_EQ(publish.header("location"), "/login?next=%2Fpublish");
}

TEST_F(WebUi, LoginErrorsAreShownWithTheUsernameKept) {
  register_user(server(), "rightuser", "right-password-1");
  Browser browser{server()};
  auto bad = browser.login("rightuser", "wrong-password-xyz");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(bad.body.find("Incorrect username or password."), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"rightuser\""), std::string::npos);
  EXPECT_EQ(bad.body.find("wrong-password-xyz"), std::string::npos);
  EXPECT_TRUE(browser.session_cookie.empty());

  auto empty = browser.login("", "");
  EXPECT_EQ(empty.status, 422);
  EXPECT_NE(empty.body.find("Enter your username."), std::string::npos);
  EXPECT_NE(empty.body.find("Enter your password."), std::string::npos);
}

TEST_F(WebUi, RegisterFormKeepsValuesAndLogsIn) {
  Browser browser{server()};
  auto mismatch = browser.post_form("/register", "/register",
                                    {{"username", "<b>Bad Name"},
                                     {"email", "a@example.com"},
                                     {"password", "secret-one-1"},
                                     {"password_confirm", "secret-two-2"}});
  EXPECT_EQ(mismatch.status, 422);
  EXPECT_NE(mismatch.body.find("The two passwords do not match."), std::string::npos);
  EXPECT_NE(mismatch.body.find("value=\"&lt;b&gt;Bad Name\""), std::string::npos);
  EXPECT_NE(mismatch.body.find("Username must be"), std::string::npos);
  EXPECT_EQ(mismatch.body.find("secret-one-1"), std::string::npos);

  auto ok = browser.post_form("/register", "/register",
                              {{"username", "webuser"},
                               {"email", ""},
                               {"password", "web-password-1"},
                               {"password_confirm", "web-password-1"}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(ok.header("location"), "/users/webuser?notice=welcome");
  EXPECT_FALSE(browser.session_cookie.empty());

  auto taken = browser.post_form("/register", "/register",
                                 {{"username", "WebUser"},
                                  {"password", "web-password-1"},
                                  {"password_confirm", "web-password-1"}});
  EXPECT_EQ(taken.status, 409);
  EXPECT_NE(taken.body.find("This username is taken."), std::string::npos);
}

TEST_F(WebUi, PublishFormRegistersThroughTheRegistry) {
  register_user(server(), "publisher", "publish-password-1");
  Browser browser{server()};
  ASSERT_EQ(browser.login("publisher", "publish-password-1").status, 303);

  auto bad = browser.post_form("/publish", "/publish",
                               {{"name", "web-asset"},
                                {"content_hash", "not-a-hash"},
                                {"asset_type", "image"},
                                {"tags", "one, two"},
                                {"description", "kept <text>"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("id=\"asset-hash-error\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("value=\"one, two\""), std::string::npos);
  EXPECT_NE(bad.body.find(">kept &lt;text&gt;</textarea>"), std::string::npos);

  auto ok = browser.post_form("/publish", "/publish",
                              {{"name", "web-asset"},
                               {"content_hash", hash_of("web-asset")},
                               {"asset_type", "audio"},
                               {"tags", "one, two three"},
                               {"description", "made in a browser"}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(ok.header("location"), "/asset/web-asset?notice=registered");
  auto api = http_request("GET", url("/assets/web-asset"));
  ASSERT_EQ(api.status, 200);
  EXPECT_EQ(api.json()["owner"], "publisher");
  EXPECT_EQ(api.json()["tags"], Json::array({"one", "two", "three"}));

  auto again = browser.post_form(
      "/publish", "/publish",
      {{"name", "web-asset-2"}, {"content_hash", hash_of("web-asset")}, {"asset_type", "audio"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("id=\"asset-hash-error\""), std::string::npos);

  // Logged out, the form sends you to log in first.
  Browser stranger{server()};
  auto redirect = stranger.get("/publish");
  EXPECT_EQ(redirect.status, 303);
}

// A site served over https: Secure cookies with __Host- names.
TEST(WebUiHttps, CookiesAreSecureWhenTheBaseUrlIsHttps) {
  if (postgresql_unavailable()) GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set";
  ServerProcess server(
      {{"ARTDAG_BASE_URL", "https://artdag.example"}, {"ARTDAG_DOMAIN", "artdag.example"}});
  ASSERT_TRUE(server.start()) << server.log();
  register_user(server, "secureuser", "secure-password-1");
  Browser browser{server};
  auto page = browser.get("/login");
  EXPECT_EQ(page.header("set-cookie").rfind("__Host-artdag_csrf=", 0), 0u);
  EXPECT_NE(page.header("set-cookie").find("; Secure"), std::string::npos);
  auto login = browser.login("secureuser", "secure-password-1");
  ASSERT_EQ(login.status, 303) << login.body;
  std::string set = login.header("set-cookie");
  EXPECT_EQ(set.rfind("__Host-artdag_session=", 0), 0u) << set;
  EXPECT_NE(set.find("; Secure"), std::string::npos);
  EXPECT_NE(set.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("; SameSite=Lax"), std::string::npos);
}

// The renderers page: attaching posts a form whose answer redirects to the L1 server with the
// session's token, so that page's CSP lets forms go there.
TEST(WebUiRenderers, AttachRedirectsToTheL1ServerWithTheSessionToken) {
  if (postgresql_unavailable()) GTEST_SKIP() << "ARTDAG_TEST_PG_URL not set";
  ServerProcess server(std::map<std::string, std::string>{{"L1_SERVERS", "http://127.0.0.1:9"}});
  ASSERT_TRUE(server.start()) << server.log();
  register_user(server, "renderuser", "render-password-1");

  auto json = http_request("GET", server.url("/renderers"));
  EXPECT_EQ(json.json()["renderers"][0]["l1_server"], "http://127.0.0.1:9");

  Browser browser(server);
  ASSERT_EQ(browser.login("renderuser", "render-password-1").status, 303);
  auto page = browser.get("/renderers");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("content-security-policy").find("form-action 'self' http://127.0.0.1:9;"),
            std::string::npos)
      << page.header("content-security-policy");
  EXPECT_NE(page.body.find("value=\"attach\""), std::string::npos);

  auto forged = http_request("POST", server.url("/renderers"), browser.headers({kForm}),
                             "action=attach&l1_server=http%3A%2F%2F127.0.0.1%3A9");
  EXPECT_EQ(forged.status, 403);

  auto attach = browser.post_form("/renderers", "/renderers",
                                  {{"action", "attach"}, {"l1_server", "http://127.0.0.1:9"}});
  ASSERT_EQ(attach.status, 303) << attach.body;
  std::string token = browser.session_cookie.substr(browser.session_cookie.find('=') + 1);
  // The L1 gets a token of its own, never the session's.
  const std::string prefix = "http://127.0.0.1:9/auth?auth_token=";
  EXPECT_EQ(attach.header("location").rfind(prefix, 0), 0u) << attach.header("location");
  EXPECT_NE(attach.header("location"), prefix + token);
  auto listed = http_request("GET", server.url("/renderers"), {"Authorization: Bearer " + token});
  EXPECT_EQ(listed.json()["renderers"][0]["attached"], true);

  auto other = browser.post_form("/renderers", "/renderers",
                                 {{"action", "attach"}, {"l1_server", "http://127.0.0.1:10"}});
  EXPECT_EQ(other.status, 403);

  auto detach = browser.post_form("/renderers", "/renderers",
                                  {{"action", "detach"}, {"l1_server", "http://127.0.0.1:9"}});
  EXPECT_EQ(detach.status, 303);
  EXPECT_EQ(detach.header("location"), "/renderers?notice=detached");
  listed = http_request("GET", server.url("/renderers"), {"Authorization: Bearer " + token});
  EXPECT_EQ(listed.json()["renderers"][0]["attached"], false);
}

}  // namespace
}  // namespace artdag::test
