// The response cache (http/response_cache.h) and the router's public routes that feed it.
#include "http/response_cache.h"

#include <gtest/gtest.h>

#include "http/router.h"

namespace artdag::http {
namespace {

using namespace std::chrono_literals;
using Clock = ResponseCache::Clock;

Response public_answer(std::string body) {
  Response r = Response::text(200, std::move(body), "application/activity+json");
  r.public_cacheable = true;
  return r;
}

TEST(ResponseCache, RepeatsAPublicAnswerForTheSameTargetAndAccept) {
  ResponseCache cache(1000ms, 1 << 20);
  auto now = Clock::now();
  auto key = ResponseCache::key("/activities/0", "application/activity+json");
  EXPECT_EQ(cache.find(key, now), nullptr);
  cache.store(key, public_answer("{\"id\":0}"), cache.generation(), now);
  auto hit = cache.find(key, now + 10ms);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->body, "{\"id\":0}");
  EXPECT_EQ(hit->header("Content-Type"), "application/activity+json");
  // Another Accept header is another answer (content negotiation), another target too.
  EXPECT_EQ(cache.find(ResponseCache::key("/activities/0", "text/html"), now), nullptr);
  EXPECT_EQ(cache.find(ResponseCache::key("/activities/1", "application/activity+json"), now),
            nullptr);
}

TEST(ResponseCache, KeepsOnlyPublicOkAnswers) {
  ResponseCache cache(1000ms, 1 << 20);
  auto now = Clock::now();
  Response personal = Response::text(200, "for one user");
  cache.store("a", personal, cache.generation(), now);
  Response missing = public_answer("{}");
  missing.status = 404;
  cache.store("b", missing, cache.generation(), now);
  EXPECT_EQ(cache.find("a", now), nullptr);
  EXPECT_EQ(cache.find("b", now), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ResponseCache, AWriteForgetsEverythingAndRefusesAnswersReadBeforeIt) {
  ResponseCache cache(1000ms, 1 << 20);
  auto now = Clock::now();
  cache.store("a", public_answer("old"), cache.generation(), now);
  // A read starts, a write happens while it runs, then the read finishes with what it saw.
  auto seen = cache.generation();
  cache.invalidate();
  EXPECT_EQ(cache.find("a", now), nullptr);
  cache.store("a", public_answer("maybe stale"), seen, now);
  EXPECT_EQ(cache.find("a", now), nullptr);
  // Reads that start after the write are kept.
  cache.store("a", public_answer("new"), cache.generation(), now);
  ASSERT_NE(cache.find("a", now), nullptr);
  EXPECT_EQ(cache.find("a", now)->body, "new");
}

TEST(ResponseCache, EntriesExpireAfterTheirTimeToLive) {
  ResponseCache cache(50ms, 1 << 20);
  auto now = Clock::now();
  cache.store("a", public_answer("x"), cache.generation(), now);
  EXPECT_NE(cache.find("a", now + 49ms), nullptr);
  EXPECT_EQ(cache.find("a", now + 50ms), nullptr);
}

TEST(ResponseCache, StaysWithinItsByteBudget) {
  ResponseCache cache(1000ms, 100);
  auto now = Clock::now();
  cache.store("big", public_answer(std::string(200, 'x')), cache.generation(), now);
  EXPECT_EQ(cache.find("big", now), nullptr);  // larger than the whole budget
  cache.store("k1", public_answer(std::string(60, 'x')), cache.generation(), now);
  EXPECT_NE(cache.find("k1", now), nullptr);
  cache.store("k2", public_answer(std::string(60, 'y')), cache.generation(), now);
  EXPECT_NE(cache.find("k2", now), nullptr);
  EXPECT_EQ(cache.size(), 1u);  // k1 made room for k2
  // Replacing an entry does not count it twice.
  for (int i = 0; i < 10; ++i)
    cache.store("k2", public_answer(std::string(60, 'z')), cache.generation(), now);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("k2", now)->body, std::string(60, 'z'));
}

TEST(ResponseCache, AZeroTimeToLiveSwitchesItOff) {
  ResponseCache cache(0ms, 1 << 20);
  EXPECT_FALSE(cache.enabled());
  auto now = Clock::now();
  cache.store("a", public_answer("x"), cache.generation(), now);
  EXPECT_EQ(cache.find("a", now), nullptr);
}

TEST(Router, MarksAnswersOfPublicRoutesOnly) {
  Router router;
  router.add_public("/objects/{hash}",
                    [](Request& r) { return Response::text(200, r.param("hash")); });
  router.add("GET", "/auth/me", [](Request&) { return Response::text(200, "me"); });
  router.add_html("GET", "/objects/{hash}", [](Request&) { return Response::html(200, "<p>"); });
  Request json_req;
  json_req.method = "GET";
  json_req.path = "/objects/abc";
  json_req.headers = {{"accept", "application/activity+json"}};
  auto json = router.dispatch(json_req);
  EXPECT_EQ(json.body, "abc");
  EXPECT_TRUE(json.public_cacheable);
  EXPECT_EQ(json.header("Vary"), "Accept");
  // The HTML variant of the same path may show who is logged in: never shared.
  Request html_req = json_req;
  html_req.headers = {{"accept", "text/html"}};
  auto html = router.dispatch(html_req);
  EXPECT_EQ(html.body, "<p>");
  EXPECT_FALSE(html.public_cacheable);
  Request me;
  me.method = "GET";
  me.path = "/auth/me";
  EXPECT_FALSE(router.dispatch(me).public_cacheable);
  // A public route answers POST with 405 like any other GET route.
  Request post = json_req;
  post.method = "POST";
  EXPECT_EQ(router.dispatch(post).status, 405);
}

TEST(Router, TellsTheCostOfARequestWithoutRunningIt) {
  Router router;
  int ran = 0;
  auto handler = [&ran](Request&) {
    ++ran;
    return Response::text(200, "x");
  };
  router.add_public("/objects/{hash}", handler);
  router.add_html("GET", "/objects/{hash}", handler);  // a page that may wait on others
  router.add_html("GET", "/assets", handler, Cost::kLocalRead);
  router.add("POST", "/assets", handler, Cost::kLocalRead);
  Request req;
  req.method = "GET";
  req.path = "/objects/abc";
  req.headers = {{"accept", "application/activity+json"}};
  EXPECT_EQ(router.cost_of(req), Cost::kLocalRead);  // public routes read local state
  req.method = "HEAD";
  EXPECT_EQ(router.cost_of(req), Cost::kLocalRead);
  req.headers = {{"accept", "text/html"}};
  EXPECT_EQ(router.cost_of(req), Cost::kMayBlock);  // the variant that would answer
  req.path = "/assets";
  EXPECT_EQ(router.cost_of(req), Cost::kLocalRead);
  req.method = "POST";  // only GET and HEAD ever take the reader pool
  EXPECT_EQ(router.cost_of(req), Cost::kMayBlock);
  req.method = "GET";
  req.path = "/nowhere";
  EXPECT_EQ(router.cost_of(req), Cost::kMayBlock);
  req.path = "/objects/%zz";  // no route matches a bad escape
  EXPECT_EQ(router.cost_of(req), Cost::kMayBlock);
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace artdag::http
