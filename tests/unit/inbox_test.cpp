// InboxService end to end below HTTP: a real (in-memory SQLite) store, a fake web serving
// the remote actor, requests signed with the test key. Covers validation, every signature
// failure, key rotation, and each activity type's handler.
#include "services/federation/inbox.h"

#include <gtest/gtest.h>

#include "activitypub/activities.h"
#include "inbox_fixture.h"

namespace artdag::services::federation {
namespace {

using namespace inbox_testing;

TEST(InboxActivityShape, RequiresIdTypeActor) {
  auto ok = parse_inbox_activity(Json{{"id", "https://r.example/a/1"},
                                      {"type", Json::array({"Like", "Extra"})},
                                      {"actor", {{"id", "https://r.example/users/a"}}},
                                      {"object", "x"}});
  EXPECT_EQ(ok.type, "Like");
  EXPECT_EQ(ok.actor, "https://r.example/users/a");
  struct Case {
    Json json;
    const char* detail;
  };
  const std::vector<Case> cases = {
      {Json::array(), "Activity must be a JSON object"},
      {Json{{"type", "Like"}, {"id", "https://r.example/1"}}, "Activity has no actor"},
      {Json{{"type", "Like"}, {"id", "https://r.example/1"}, {"actor", "mailto:a@r.example"}},
       "Activity actor must be an http(s) URL"},
      {Json{{"type", "Like"}, {"actor", "https://r.example/u"}},
       "Activity id must be an http(s) URL"},
      {Json{{"type", "Like"}, {"id", 5}, {"actor", "https://r.example/u"}},
       "Activity id must be an http(s) URL"},
      {Json{{"type", "Like"}, {"id", "https://other.example/1"}, {"actor", "https://r.example/u"}},
       "Activity id must be on its actor's host"},
      {Json{{"id", "https://r.example/1"}, {"actor", "https://r.example/u"}},
       "Activity type must be a non-empty string"},
      {Json{{"type", ""}, {"id", "https://r.example/1"}, {"actor", "https://r.example/u"}},
       "Activity type must be a non-empty string"},
  };
  for (const auto& c : cases) {
    try {
      parse_inbox_activity(c.json);
      ADD_FAILURE() << c.json.dump();
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 422);
      EXPECT_EQ(std::string(e.detail()), c.detail) << c.json.dump();
    }
  }
}

TEST_F(InboxTest, FollowStoresTheFollowerAndQueuesAnAccept) {
  auto answer = post(follow());
  ASSERT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kProcessed);
  auto followers = store_->list_followers("bob", std::nullopt, 10);
  ASSERT_EQ(followers.size(), 1u);
  EXPECT_EQ(followers[0].actor_url, kAlice);
  EXPECT_EQ(followers[0].inbox, kAlice + "/inbox");
  EXPECT_EQ(followers[0].shared_inbox, "https://remote.example/inbox");

  auto jobs = store_->list_deliveries("pending", 10);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].sender, "bob");
  EXPECT_EQ(jobs[0].inbox_url, kAlice + "/inbox");
  Json accept = Json::parse(jobs[0].payload);
  EXPECT_EQ(accept["type"], "Accept");
  EXPECT_EQ(accept["actor"], uris_.actor("bob"));
  EXPECT_EQ(accept["object"]["id"], "https://remote.example/follows/1");
  EXPECT_EQ(accept["object"]["actor"], kAlice);
  EXPECT_EQ(uris_.username_from_user_activity(accept["id"].get<std::string>(), "accepts"), "bob");

  // The same activity again: nothing more.
  answer = post(follow());
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kDuplicate);
  EXPECT_EQ(store_->list_deliveries("pending", 10).size(), 1u);
  // The actor was fetched once and cached.
  EXPECT_EQ(web_.count(kAlice), 1);
}

TEST_F(InboxTest, FollowThroughTheSharedInboxAndOfUnknownUsers) {
  EXPECT_EQ(post(follow(), "/inbox").result.outcome, InboxResult::Outcome::kProcessed);
  EXPECT_EQ(store_->count_followers("bob"), 1);
  Json other = follow("https://remote.example/follows/2");
  other["object"] = uris_.actor("nobody");
  EXPECT_EQ(post(other, "/inbox").result.outcome, InboxResult::Outcome::kIgnored);
  other["id"] = "https://remote.example/follows/3";
  other["object"] = "https://elsewhere.example/users/x";
  EXPECT_EQ(post(other, "/inbox").result.outcome, InboxResult::Outcome::kIgnored);
  EXPECT_EQ(
      post_raw(follow("https://remote.example/follows/4").dump(), "/users/nobody/inbox").status,
      404);
}

TEST_F(InboxTest, UndoFollowRemovesTheFollower) {
  ASSERT_EQ(post(follow()).status, 202);
  Json inner = follow();
  inner.erase("@context");
  auto answer = post(activity("Undo", inner, "https://remote.example/undo/1"));
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kProcessed) << answer.result.note;
  EXPECT_EQ(store_->count_followers("bob"), 0);
  // Undo of someone else's Follow is ignored.
  ASSERT_EQ(post(follow("https://remote.example/follows/9")).status, 202);
  inner["actor"] = "https://remote.example/users/mallory";
  EXPECT_EQ(post(activity("Undo", inner, "https://remote.example/undo/2")).result.outcome,
            InboxResult::Outcome::kIgnored);
  EXPECT_EQ(store_->count_followers("bob"), 1);
}

TEST_F(InboxTest, UnknownTypesAreAcceptedAndIgnored) {
  auto answer = post(activity("Flag", uris_.actor("bob"), "https://remote.example/flag/1"));
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kIgnored);
}

TEST_F(InboxTest, SignatureFailuresAre401AndStoreNothing) {
  const std::string body = follow().dump();
  auto drop = [](const std::string& name) {
    return [name](activitypub::HeaderFields& h, std::string&) {
      std::erase_if(h, [&](const auto& f) { return f.first == name; });
    };
  };
  struct Case {
    const char* name;
    Answer answer;
    const char* detail;
  };
  crypto::RsaKey other = crypto::RsaKey::generate();
  const std::vector<Case> cases = {
      {"unsigned",
       post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#main-key", std::nullopt,
                drop("Signature")),
       "missing Signature header"},
      {"a Signature-Input makes it RFC 9421",
       post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#main-key", std::nullopt,
                [](activitypub::HeaderFields& h, std::string&) {
                  std::erase_if(h, [](const auto& f) { return f.first == "Signature"; });
                  h.emplace_back("Signature-Input", "sig1=(\"@method\");keyid=\"k\"");
                  h.emplace_back("Signature", "sig1=:AAAA:");
                }),
       "signature has no created parameter"},
      {"tampered body",
       post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#main-key", std::nullopt,
                [](activitypub::HeaderFields&, std::string& b) { b[b.size() - 2] = 'X'; }),
       "digest mismatch"},
      {"wrong digest",
       post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#main-key", std::nullopt,
                [](activitypub::HeaderFields& h, std::string&) {
                  for (auto& [k, v] : h)
                    if (k == "Digest") v = activitypub::make_digest_header("something else");
                }),
       "digest mismatch"},
      {"stale date",
       post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#main-key", now_ - 13 * 3600),
       "date outside the accepted window"},
      {"future date",
       post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#main-key", now_ + 2 * 3600),
       "date outside the accepted window"},
      {"another actor's key",
       post_raw(body, "/users/bob/inbox", std::nullopt,
                "https://remote.example/users/mallory#main-key"),
       "signature keyId does not belong to the activity's actor"},
      {"another host's key",
       post_raw(body, "/users/bob/inbox", std::nullopt, "https://evil.example/keys/1"),
       "signature keyId does not belong to the activity's actor"},
      {"wrong key", post_raw(body, "/users/bob/inbox", other), "signature does not verify"},
      {"unknown key id", post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#other-key"),
       "signature keyId is not one of the actor's keys"},
      {"signed for another path",
       post_raw(body, "/users/bob/inbox", std::nullopt, kAlice + "#main-key", std::nullopt,
                [](activitypub::HeaderFields& h, std::string&) {
                  for (auto& [k, v] : h)
                    if (k == "Host") v = "elsewhere.example";
                }),
       "the signed Host is not this server"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.answer.status, 401) << c.name << ": " << c.answer.detail;
    EXPECT_EQ(c.answer.detail, c.detail) << c.name;
  }
  EXPECT_EQ(store_->count_followers("bob"), 0);
  EXPECT_TRUE(store_->list_deliveries("pending", 10).empty());
  // None of them consumed the activity id: the genuine request still goes through.
  EXPECT_EQ(post_raw(body).result.outcome, InboxResult::Outcome::kProcessed);
}

TEST_F(InboxTest, MalformedBodiesAre400And422) {
  EXPECT_EQ(post_raw("{not json").status, 400);
  EXPECT_EQ(post_raw("[1]").status, 400);
  EXPECT_EQ(post_raw(R"({"type":"Follow","actor":"https://remote.example/users/alice"})").status,
            422);
  EXPECT_EQ(post_raw(std::string(kMaxInboxBody + 1, ' ')).status, 413);
  // A Follow without an object.
  Json f = follow();
  f.erase("object");
  EXPECT_EQ(post(f).status, 422);
}

TEST_F(InboxTest, LocalActorsCannotBeClaimed) {
  Json f = follow();
  f["actor"] = uris_.actor("giles");
  f["id"] = kBase + "/x/1";
  auto answer = post_raw(f.dump(), "/users/bob/inbox", std::nullopt, uris_.key_id("giles"));
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.detail, "activity claims an actor of this server");
}

TEST_F(InboxTest, ARotatedKeyIsRefetchedOnce) {
  ASSERT_EQ(post(follow()).status, 202);  // alice cached with the first key
  crypto::RsaKey rotated = crypto::RsaKey::generate();
  web_.pages[kAlice] = json_page(test::actor_document(kAlice, rotated.public_pem()));
  const std::string like =
      activity("Like", uris_.object(kHash), "https://remote.example/likes/1").dump();
  // Within the refetch interval the cached key stands: 401, no fetch.
  auto answer = post_raw(like, "/users/bob/inbox", rotated);
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.detail, "signature does not verify");
  EXPECT_EQ(web_.count(kAlice), 1);
  // Later, one refetch picks up the new key.
  now_ += 60;
  answer = post_raw(like, "/users/bob/inbox", rotated);
  EXPECT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(web_.count(kAlice), 2);
  EXPECT_EQ(store_->find_remote_actor(kAlice)->public_key_pem, rotated.public_pem());
  // A bad signature with a freshly fetched key is not refetched again.
  now_ += 60;
  answer = post_raw(activity("Like", uris_.object(kHash), "https://remote.example/likes/2").dump(),
                    "/users/bob/inbox", crypto::RsaKey::generate());
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(web_.count(kAlice), 3);
}

TEST_F(InboxTest, UnreachableSignerIs401) {
  web_.pages.erase(kAlice);
  web_.pages[kAlice] = test::page(500, "");
  auto answer = post(follow());
  EXPECT_EQ(answer.status, 401);
  // Which of our checks failed, never what the remote answered.
  EXPECT_EQ(answer.detail, "could not fetch the signer's actor");
}

TEST_F(InboxTest, FailedFetchesAreRememberedPerHost) {
  web_.pages[kAlice] = test::page(500, "");
  EXPECT_EQ(post(follow()).status, 401);
  EXPECT_EQ(web_.count(kAlice), 1);
  // Another actor of the same host: not asked again within the failure window.
  const std::string carol = "https://remote.example/users/carol";
  Json f = follow("https://remote.example/follows/9");
  f["actor"] = carol;
  auto answer = post_raw(f.dump(), "/users/bob/inbox", std::nullopt, carol + "#main-key");
  EXPECT_EQ(answer.status, 401);
  EXPECT_NE(answer.detail.find("failed recently"), std::string::npos) << answer.detail;
  EXPECT_EQ(web_.count(carol), 0);
  EXPECT_EQ(post(follow()).status, 401);
  EXPECT_EQ(web_.count(kAlice), 1);
  // After the window the host is asked again.
  now_ += 301;
  web_.pages[kAlice] = json_page(test::actor_document(kAlice, key_.public_pem()));
  EXPECT_EQ(post(follow()).status, 202);
  EXPECT_EQ(web_.count(kAlice), 2);
}

TEST_F(InboxTest, OnlyAVerifiedSignerIsStoredAndOnlyWhatIsUsed) {
  // A forged request: the actor document is fetched but the signature fails.
  auto answer = post_raw(follow().dump(), "/users/bob/inbox", crypto::RsaKey::generate());
  EXPECT_EQ(answer.status, 401);
  EXPECT_FALSE(store_->find_remote_actor(kAlice));
  // A real one stores the actor, without the rest of its document.
  Json doc = test::actor_document(kAlice, key_.public_pem());
  doc["summary"] = std::string(100000, 'x');
  web_.pages[kAlice] = json_page(doc);
  now_ += 60;
  ASSERT_EQ(post(follow("https://remote.example/follows/2")).status, 202);
  auto stored = store_->find_remote_actor(kAlice);
  ASSERT_TRUE(stored);
  EXPECT_LT(stored->json.size(), 4000u);
  EXPECT_EQ(stored->json.find("summary"), std::string::npos);
}

TEST_F(InboxTest, FetchesForUnknownSignersAreLimitedPerHost) {
  InboxGateOptions gate;
  gate.fetches_per_host = 2;
  gate.failure_seconds = 0;
  inbox_ = std::make_unique<InboxService>(*store_, uris_, *resolver_, *outgoing_, gate);
  ASSERT_EQ(post(follow()).status, 202);  // alice: one fetch of the host's two
  int limited = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string actor = "https://remote.example/users/u" + std::to_string(i);
    Json f = follow("https://remote.example/follows/u" + std::to_string(i));
    f["actor"] = actor;
    auto answer = post_raw(f.dump(), "/users/bob/inbox", std::nullopt, actor + "#main-key");
    if (answer.status == 429) ++limited;
  }
  EXPECT_EQ(limited, 2);
  EXPECT_EQ(web_.requests.size(), 2u);
  // A cached, verified signer keeps the inbox's full speed: no fetch, no limit.
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(post(follow("https://remote.example/follows/c" + std::to_string(i))).status, 202);
}

TEST_F(InboxTest, FollowersPerRemoteHostAreCapped) {
  inbox_ =
      std::make_unique<InboxService>(*store_, uris_, *resolver_, *outgoing_, InboxGateOptions{}, 1);
  ASSERT_EQ(post(follow()).result.outcome, InboxResult::Outcome::kProcessed);
  const std::string carol = "https://remote.example/users/carol";
  web_.pages[carol] = json_page(test::actor_document(carol, key_.public_pem()));
  Json f = follow("https://remote.example/follows/c1");
  f["actor"] = carol;
  auto answer = post_raw(f.dump(), "/users/bob/inbox", std::nullopt, carol + "#main-key");
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kIgnored) << answer.result.note;
  EXPECT_EQ(store_->count_followers("bob"), 1);
  // An existing follower may follow again (its inboxes refreshed).
  EXPECT_EQ(post(follow("https://remote.example/follows/again")).result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_EQ(store_->count_followers_on_host("bob", "https://remote.example/"), 1);
  EXPECT_EQ(store_->count_followers_on_host("bob", "https://other.example/"), 0);
}

TEST_F(InboxTest, TheSignedHostMustBeOurs) {
  const std::string body = follow().dump();
  auto s = activitypub::sign_request("POST", "https://other.example/users/bob/inbox", body, key_,
                                     kAlice + "#main-key", now_);
  const auto fields = s.fields();
  InboxPost post{"POST", "/users/bob/inbox", fields, body, std::string("bob")};
  try {
    inbox_->receive(post);
    ADD_FAILURE() << "accepted a request signed for another server";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_EQ(std::string(e.detail()), "the signed Host is not this server");
  }
}

TEST_F(InboxTest, TheQueryStringIsPartOfWhatIsSigned) {
  const std::string body = follow().dump();
  auto s = activitypub::sign_request("POST", kBase + "/users/bob/inbox", body, key_,
                                     kAlice + "#main-key", now_);
  const auto fields = s.fields();
  InboxPost post{"POST", "/users/bob/inbox?x=1", fields, body, std::string("bob")};
  try {
    inbox_->receive(post);
    ADD_FAILURE() << "accepted a signature made without the query";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 401);
    EXPECT_EQ(std::string(e.detail()), "signature does not cover the query string");
  }
}

TEST_F(InboxTest, DuplicatesAreByActorAndIdAndSeenIdsArePurged) {
  ASSERT_EQ(post(follow()).status, 202);
  EXPECT_EQ(post(follow()).result.outcome, InboxResult::Outcome::kDuplicate);
  // Another actor's activity with an id that was seen from alice is not a duplicate: the
  // seen key is (actor, id).
  EXPECT_TRUE(store_->mark_activity_seen(
      "https://remote.example/users/carol " + std::string("https://remote.example/follows/1"),
      now_));
  EXPECT_EQ(store_->purge_inbox_seen(now_ + 1), 2);
  // Purged: the same activity is processed again (it can no longer pass the Date check).
  EXPECT_EQ(post(follow()).result.outcome, InboxResult::Outcome::kProcessed);
}

TEST_F(InboxTest, PurgeKeepsActorsThatFollowOrAreFollowed) {
  ASSERT_EQ(post(follow()).status, 202);  // alice follows bob
  store::RemoteActor lone{"https://remote.example/users/lone",
                          "https://remote.example/inbox",
                          "",
                          "https://remote.example/users/lone#main-key",
                          "pem",
                          "",
                          "{}",
                          now_ - 8 * 24 * 3600};
  store_->upsert_remote_actor(lone);
  inbox_->purge(now_ + 8 * 24 * 3600);
  EXPECT_FALSE(store_->find_remote_actor(lone.actor_url));
  EXPECT_TRUE(store_->find_remote_actor(kAlice));
}

TEST_F(InboxTest, LikesAndAnnouncesAreCountedAndUndone) {
  add_asset();
  EXPECT_EQ(
      post(activity("Like", uris_.object(kHash), "https://remote.example/likes/1")).result.outcome,
      InboxResult::Outcome::kProcessed);
  // Another Like by the same actor (another id) is not counted twice.
  EXPECT_EQ(
      post(activity("Like", uris_.object(kHash), "https://remote.example/likes/2")).result.outcome,
      InboxResult::Outcome::kIgnored);
  // An Announce of the asset's Create counts as an announce of the asset.
  EXPECT_EQ(post(activity("Announce", uris_.activity(asset().activity_index),
                          "https://remote.example/boosts/1"))
                .result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_EQ(asset().like_count, 1);
  EXPECT_EQ(asset().announce_count, 1);
  // Something not here is ignored.
  EXPECT_EQ(
      post(activity("Like", uris_.object(std::string(64, 'd')), "https://remote.example/likes/3"))
          .result.outcome,
      InboxResult::Outcome::kIgnored);

  Json like{{"id", "https://remote.example/likes/1"},
            {"type", "Like"},
            {"actor", kAlice},
            {"object", uris_.object(kHash)}};
  EXPECT_EQ(post(activity("Undo", like, "https://remote.example/undo/1")).result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_EQ(
      post(activity("Undo", "https://remote.example/boosts/1", "https://remote.example/undo/2"))
          .result.outcome,
      InboxResult::Outcome::kProcessed);
  EXPECT_EQ(asset().like_count, 0);
  EXPECT_EQ(asset().announce_count, 0);
}

TEST_F(InboxTest, AcceptAndRejectAnswerOurFollow) {
  const std::string follow_id = uris_.user_activity("bob", "follows", "f1");
  ASSERT_TRUE(store_->add_following({0, "bob", kAlice, follow_id, "pending", ""}));
  Json inner = activitypub::follow_object(follow_id, uris_.actor("bob"), kAlice);
  // An Accept of a Follow of someone else is ignored.
  Json wrong = inner;
  wrong["object"] = "https://remote.example/users/carol";
  EXPECT_EQ(post(activity("Accept", wrong, "https://remote.example/accepts/0")).result.outcome,
            InboxResult::Outcome::kIgnored);
  EXPECT_EQ(store_->find_following("bob", kAlice)->state, "pending");

  EXPECT_EQ(post(activity("Accept", inner, "https://remote.example/accepts/1")).result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_EQ(store_->find_following("bob", kAlice)->state, "accepted");

  // By id only, then a Reject removes the follow.
  ASSERT_TRUE(store_->set_following_state("bob", kAlice, "pending"));
  EXPECT_EQ(post(activity("Accept", follow_id, "https://remote.example/accepts/2")).result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_EQ(store_->find_following("bob", kAlice)->state, "accepted");
  EXPECT_EQ(post(activity("Reject", inner, "https://remote.example/rejects/1")).result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_FALSE(store_->find_following("bob", kAlice));
}

TEST_F(InboxTest, CreatesFromFollowedActorsBecomeRemoteClaims) {
  Json object{{"id", "https://remote.example/objects/1"},
              {"type", "Image"},
              {"attributedTo", kAlice},
              {"contentHash", {{"algorithm", "sha3-256"}, {"value", kHash}}}};
  // Nobody follows alice yet.
  EXPECT_EQ(post(activity("Create", object, "https://remote.example/activities/1")).result.outcome,
            InboxResult::Outcome::kIgnored);
  ASSERT_TRUE(store_->add_following(
      {0, "bob", kAlice, uris_.user_activity("bob", "follows", "f1"), "pending", ""}));
  EXPECT_EQ(post(activity("Create", object, "https://remote.example/activities/2")).result.outcome,
            InboxResult::Outcome::kProcessed);
  auto claims = store_->list_remote_claims(kAlice, 10);
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].activity_id, "https://remote.example/activities/2");
  EXPECT_EQ(claims[0].object_id, "https://remote.example/objects/1");
  EXPECT_EQ(claims[0].content_hash, kHash);
  EXPECT_EQ(Json::parse(claims[0].json)["object"]["id"], "https://remote.example/objects/1");

  // Objects by someone else or on another host, and hashes that are not SHA3-256, are not taken.
  Json forged = object;
  forged["attributedTo"] = "https://remote.example/users/carol";
  EXPECT_EQ(post(activity("Create", forged, "https://remote.example/activities/3")).result.outcome,
            InboxResult::Outcome::kIgnored);
  forged = object;
  forged["id"] = "https://elsewhere.example/objects/1";
  EXPECT_EQ(post(activity("Create", forged, "https://remote.example/activities/4")).result.outcome,
            InboxResult::Outcome::kIgnored);
  Json no_hash = object;
  no_hash["contentHash"]["value"] = "ABC";
  EXPECT_EQ(post(activity("Create", no_hash, "https://remote.example/activities/5")).result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_EQ(store_->list_remote_claims(kAlice, 10)[0].content_hash, "");
}

TEST_F(InboxTest, DeleteOfTheActorRemovesItEverywhere) {
  add_asset();
  ASSERT_EQ(post(follow()).status, 202);
  ASSERT_EQ(post(activity("Like", uris_.object(kHash), "https://remote.example/likes/1")).status,
            202);
  ASSERT_EQ(asset().like_count, 1);
  // A Delete of some object is ignored.
  EXPECT_EQ(post(activity("Delete", "https://remote.example/objects/1",
                          "https://remote.example/deletes/1"))
                .result.outcome,
            InboxResult::Outcome::kIgnored);
  EXPECT_EQ(store_->count_followers("bob"), 1);
  Json tombstone{{"id", kAlice}, {"type", "Tombstone"}};
  EXPECT_EQ(post(activity("Delete", tombstone, "https://remote.example/deletes/2")).result.outcome,
            InboxResult::Outcome::kProcessed);
  EXPECT_EQ(store_->count_followers("bob"), 0);
  EXPECT_EQ(asset().like_count, 0);
  EXPECT_FALSE(store_->find_remote_actor(kAlice));
}

TEST_F(InboxTest, DeleteOfAGoneActorNeedsNoKey) {
  ASSERT_EQ(post(follow()).status, 202);
  web_.pages[kAlice] = test::page(410, "");
  // Within the refetch interval a failing self-Delete is not refetched (forged self-Deletes
  // cannot make us hammer the host).
  auto early = post_raw(activity("Delete", kAlice, "https://remote.example/deletes/0").dump(),
                        "/inbox", crypto::RsaKey::generate());
  EXPECT_EQ(early.status, 401);
  EXPECT_EQ(web_.count(kAlice), 1);
  now_ += 60;
  // The key went with the account: the Delete is signed with a key we cannot check.
  auto answer = post_raw(activity("Delete", kAlice, "https://remote.example/deletes/1").dump(),
                         "/inbox", crypto::RsaKey::generate());
  EXPECT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kProcessed);
  EXPECT_EQ(store_->count_followers("bob"), 0);

  // A self-Delete from an actor never seen is acknowledged without fetching anything.
  const int fetches = static_cast<int>(web_.requests.size());
  const std::string carol = "https://remote.example/users/carol";
  Json del{{"id", "https://remote.example/deletes/2"},
           {"type", "Delete"},
           {"actor", carol},
           {"object", carol}};
  answer = post_raw(del.dump(), "/inbox", std::nullopt, carol + "#main-key");
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kIgnored);
  EXPECT_EQ(static_cast<int>(web_.requests.size()), fetches);

  // A gone actor cannot Follow (or do anything else) unverified.
  answer = post(follow("https://remote.example/follows/2"));
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.detail.rfind("could not fetch the signer's actor", 0), 0u) << answer.detail;
}

}  // namespace
}  // namespace artdag::services::federation
