// L1Service: the pure checks of an L1 run document and of run ids, the provenance it signs,
// the attach redirect, and the renderer list over a real (in-memory SQLite) store. The
// network half (fetching runs) is covered by tests/integration/l1_test.cpp.
#include "services/l1_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "services/services.h"
#include "util/error.h"

namespace artdag::services {
namespace {

const std::string kHash(64, 'a');
const std::string kInput1(64, 'b');
const std::string kInput2(64, 'c');

Json good_run() {
  return Json{{"run_id", "run-1"},
              {"status", "completed"},
              {"recipe", "dog-effect"},
              {"inputs", {kInput1, kInput2}},
              {"output_hash", kHash},
              {"output_ipfs_cid", "QmAbc123"},
              {"output_type", "video"},
              {"username", "alice"},
              {"created_at", "2026-01-01T00:00:00Z"},
              {"completed_at", "2026-01-01T00:01:00Z"}};
}

int status_of(const Json& run, std::string_view user = "alice") {
  try {
    L1Service::parse_run(run, "run-1", user);
    return 0;
  } catch (const ApiError& e) {
    return e.status();
  }
}

TEST(L1Run, ParsesACompletedRun) {
  L1Run run = L1Service::parse_run(good_run(), "run-1", "alice");
  EXPECT_EQ(run.run_id, "run-1");
  EXPECT_EQ(run.output_hash, kHash);
  EXPECT_EQ(run.inputs, (std::vector<std::string>{kInput1, kInput2}));
  EXPECT_EQ(run.recipe, "dog-effect");
  EXPECT_EQ(run.asset_type, "video");
  EXPECT_EQ(run.output_ipfs_cid, "QmAbc123");
  EXPECT_EQ(run.completed_at, "2026-01-01T00:01:00Z");
  EXPECT_EQ(run.username, "alice");
}

TEST(L1Run, OwnerComesBeforeStatus) {
  Json other = good_run();
  other["username"] = "bob";
  other["status"] = "running";
  EXPECT_EQ(status_of(other), 403);
  Json none = good_run();
  none.erase("username");
  EXPECT_EQ(status_of(none), 403);
  Json upper = good_run();
  upper["username"] = "ALICE";
  EXPECT_EQ(status_of(upper), 0);
}

TEST(L1Run, StatusAndFieldsDecideTheAnswer) {
  auto with = [](const char* key, Json value) {
    Json j = good_run();
    j[key] = std::move(value);
    return j;
  };
  auto without = [](const char* key) {
    Json j = good_run();
    j.erase(key);
    return j;
  };
  EXPECT_EQ(status_of(with("status", "running")), 409);
  EXPECT_EQ(status_of(with("status", "failed")), 409);
  EXPECT_EQ(status_of(with("status", 1)), 502);
  EXPECT_EQ(status_of(without("status")), 502);
  EXPECT_EQ(status_of(with("run_id", "run-2")), 502);
  EXPECT_EQ(status_of(without("run_id")), 0);
  EXPECT_EQ(status_of(without("output_hash")), 422);
  EXPECT_EQ(status_of(with("output_hash", std::string(64, 'A'))), 422);
  EXPECT_EQ(status_of(with("output_hash", std::string(63, 'a'))), 422);
  EXPECT_EQ(status_of(with("inputs", "x")), 422);
  EXPECT_EQ(status_of(with("inputs", Json::array({kInput1, 5}))), 422);
  EXPECT_EQ(status_of(with("inputs", Json::array({"abc"}))), 422);
  EXPECT_EQ(status_of(with("inputs", Json(std::vector<std::string>(257, kInput1)))), 422);
  EXPECT_EQ(status_of(without("inputs")), 0);
  EXPECT_EQ(status_of(without("recipe")), 422);
  EXPECT_EQ(status_of(with("recipe", std::string(1025, 'r'))), 422);
  EXPECT_EQ(status_of(with("output_type", "hologram")), 422);
  EXPECT_EQ(status_of(with("output_ipfs_cid", "Qm/../x")), 422);
  EXPECT_EQ(status_of(with("output_ipfs_cid", nullptr)), 0);
  EXPECT_EQ(status_of(with("completed_at", 12.5)), 422);
  EXPECT_EQ(status_of(Json::array()), 502);
}

TEST(L1Run, OutputTypes) {
  EXPECT_EQ(L1Service::asset_type_for(nullptr), "video");
  EXPECT_EQ(L1Service::asset_type_for("image"), "image");
  EXPECT_EQ(L1Service::asset_type_for("Audio"), "audio");
  EXPECT_EQ(L1Service::asset_type_for("recipe"), "recipe");
  EXPECT_EQ(L1Service::asset_type_for("video/mp4"), "video");
  EXPECT_EQ(L1Service::asset_type_for("image/svg+xml"), "image");
  EXPECT_EQ(L1Service::asset_type_for("application/json"), std::nullopt);
  EXPECT_EQ(L1Service::asset_type_for("video/"), std::nullopt);
  EXPECT_EQ(L1Service::asset_type_for(3), std::nullopt);
}

TEST(L1Run, ProvenanceHasNoNumbers) {
  L1Run run = L1Service::parse_run(good_run(), "run-1", "alice");
  Json p = L1Service::provenance_json(run, "https://l1.example.com");
  EXPECT_EQ(p, (Json{{"l1_server", "https://l1.example.com"},
                     {"run_id", "run-1"},
                     {"recipe", "dog-effect"},
                     {"inputs", {kInput1, kInput2}},
                     {"completed_at", "2026-01-01T00:01:00Z"}}));
  run.completed_at.clear();
  EXPECT_FALSE(L1Service::provenance_json(run, "x").contains("completed_at"));
}

TEST(L1Run, RunIds) {
  for (const char* ok : {"run-1", "0b5f7c1e-7a9e-4c1b-9a55-3f1c2e9d8b70", "a/b?c#d", "...", "%"})
    EXPECT_NO_THROW(L1Service::validate_run_id(ok)) << ok;
  for (std::string bad : {std::string(""), std::string("."), std::string(".."), std::string("a b"),
                          std::string("a\nb"), std::string(129, 'x'), std::string("caf\xc3\xa9")})
    EXPECT_THROW(L1Service::validate_run_id(bad), ApiError) << bad;
}

TEST(L1Run, AuthRedirectEncodesTheToken) {
  EXPECT_EQ(L1Service::auth_redirect("https://l1.example.com", "a.b-c_d"),
            "https://l1.example.com/auth?auth_token=a.b-c_d");
  EXPECT_EQ(L1Service::auth_redirect("https://l1.example.com/base", "a+b&c=d /"),
            "https://l1.example.com/base/auth?auth_token=a%2Bb%26c%3Dd%20%2F");
}

class L1Renderers : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("artdag-l1-unit-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    services_ = make({"https://a.example.com", "http://127.0.0.1:8100"});
  }
  void TearDown() override {
    services_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<Services> make(std::vector<std::string> l1_servers) {
    Config config;
    config.base_url = "https://l2.example.com";
    config.domain = "l2.example.com";
    config.data_dir = dir_;
    config.jwt_secret = "unit-test-secret-0123456789";
    config.l1_servers = std::move(l1_servers);
    auto store = store::open_store((dir_ / "l2.db").string());
    store->migrate();
    return std::make_unique<Services>(config, std::move(store));
  }
  std::filesystem::path dir_;
  std::unique_ptr<Services> services_;
};

TEST_F(L1Renderers, ConfiguredServersAreMatchedAfterNormalising) {
  auto& l1 = services_->l1;
  EXPECT_EQ(l1.configured_server("HTTPS://A.example.com:443/"), "https://a.example.com");
  EXPECT_EQ(l1.configured_server("http://127.0.0.1:8100/"), "http://127.0.0.1:8100");
  EXPECT_EQ(l1.configured_server("http://127.0.0.1:8101"), std::nullopt);
  EXPECT_EQ(l1.configured_server("https://a.example.com/x"), std::nullopt);
  EXPECT_EQ(l1.configured_server("https://u@a.example.com"), std::nullopt);
  EXPECT_EQ(l1.configured_server("a.example.com"), std::nullopt);
  EXPECT_THROW(l1.require_configured("https://b.example.com"), ApiError);
}

TEST_F(L1Renderers, AttachListDetach) {
  auto& l1 = services_->l1;
  auto anon = l1.list_for_user(std::nullopt);
  ASSERT_EQ(anon.size(), 2u);
  EXPECT_EQ(anon[0].l1_server, "https://a.example.com");
  EXPECT_FALSE(anon[0].attached);
  EXPECT_TRUE(anon[0].configured);

  // The L1 gets a token of its own.
  EXPECT_EQ(l1.attach("alice", "https://a.example.com/")
                .rfind("https://a.example.com/auth?auth_token=", 0),
            0u);
  EXPECT_NO_THROW(l1.attach("alice", "https://a.example.com"));  // idempotent
  auto mine = l1.list_for_user("alice");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_TRUE(mine[0].attached);
  EXPECT_FALSE(mine[0].attached_at.empty());
  EXPECT_FALSE(mine[1].attached);
  EXPECT_FALSE(l1.list_for_user("bob")[0].attached);
  EXPECT_EQ(services_->publication.stats().renderer_attachments, 1);

  try {
    l1.attach("alice", "https://evil.example.com");
    ADD_FAILURE() << "attached an unlisted server";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 403);
  }

  EXPECT_TRUE(l1.detach("alice", "HTTPS://a.example.com"));
  EXPECT_FALSE(l1.detach("alice", "https://a.example.com"));
  EXPECT_FALSE(l1.list_for_user("alice")[0].attached);
  EXPECT_THROW(l1.detach("alice", "https://evil.example.com"), ApiError);
  EXPECT_THROW(l1.detach("alice", "not a url"), ApiError);
}

TEST_F(L1Renderers, AttachmentsToServersNoLongerConfiguredCanBeDetached) {
  services_->l1.attach("alice", "http://127.0.0.1:8100");
  services_.reset();
  services_ = make({"https://a.example.com"});  // the operator dropped 127.0.0.1:8100
  auto list = services_->l1.list_for_user("alice");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].l1_server, "http://127.0.0.1:8100");
  EXPECT_FALSE(list[1].configured);
  EXPECT_TRUE(list[1].attached);
  EXPECT_THROW(services_->l1.attach("alice", "http://127.0.0.1:8100"), ApiError);
  EXPECT_TRUE(services_->l1.detach("alice", "http://127.0.0.1:8100"));
  EXPECT_EQ(services_->l1.list_for_user("alice").size(), 1u);
}

TEST_F(L1Renderers, VerifyChecksTheCallerFirst) {
  auto issued = services_->auth.register_user("carol", "a good password", "");
  auto l1_token = [&](const std::string& server) {
    auto location = services_->l1.attach("carol", server);
    return location.substr(location.find("auth_token=") + 11);
  };
  auto status = [&](std::string_view server, const std::optional<std::string>& token) {
    try {
      services_->l1.verify_token(server, token);
      return 200;
    } catch (const ApiError& e) {
      return e.status();
    }
  };
  auto v = services_->l1.verify_token("https://a.example.com", l1_token("https://a.example.com"));
  EXPECT_EQ(v.username, "carol");
  EXPECT_EQ(v.actor_id, "https://l2.example.com/users/carol");
  const auto token = l1_token("https://a.example.com");
  EXPECT_EQ(status("https://evil.example.com", token), 403);
  EXPECT_EQ(status("https://evil.example.com", std::nullopt), 403);
  EXPECT_EQ(status("https://a.example.com", std::nullopt), 401);
  EXPECT_EQ(status("https://a.example.com", std::string("junk")), 401);
  // Session tokens are refused; an L1 token of another audience too; and each works once.
  EXPECT_EQ(status("https://a.example.com", issued.access_token), 401);
  EXPECT_EQ(status("http://127.0.0.1:8100", token), 401);
  EXPECT_EQ(status("https://a.example.com", token), 200);
  EXPECT_EQ(status("https://a.example.com", token), 401);
  // An L1 token is no session.
  EXPECT_THROW(services_->auth.authenticate(l1_token("https://a.example.com")), ApiError);
}

}  // namespace
}  // namespace artdag::services
