// The inbox accepting RFC 9421 HTTP Message Signatures as Mastodon and Fedify send them, and
// refusing every broken one with a 401 that names the check and asks for RFC 9421 again.
#include <gtest/gtest.h>

#include "inbox_fixture.h"

namespace artdag::services::federation {
namespace {

using namespace inbox_testing;

std::string header_of(const Answer& answer, const std::string& name) {
  for (const auto& [k, v] : answer.headers)
    if (k == name) return v;
  return {};
}

using Tamper = std::function<void(activitypub::HeaderFields&, std::string&)>;

Tamper set_field(const std::string& name, const std::string& value) {
  return [name, value](activitypub::HeaderFields& h, std::string&) {
    for (auto& [k, v] : h)
      if (k == name) v = value;
  };
}

TEST_F(InboxTest, AnRfc9421SignedFollowIsProcessed) {
  auto answer = post_rfc9421(follow().dump());
  ASSERT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kProcessed);
  EXPECT_TRUE(store_->find_follower("bob", kAlice));
  // Through the shared inbox too.
  answer = post_rfc9421(
      activity("Follow", uris_.actor("bob"), "https://remote.example/follows/2").dump(), "/inbox");
  ASSERT_EQ(answer.status, 202) << answer.detail;
  EXPECT_EQ(answer.result.outcome, InboxResult::Outcome::kProcessed);
}

TEST_F(InboxTest, BrokenRfc9421SignaturesAre401AndStoreNothing) {
  const std::string body = follow().dump();
  struct Case {
    const char* name;
    Answer answer;
    const char* reason;
    const char* detail;
  };
  const std::vector<Case> cases = {
      {"tampered body",
       post_rfc9421(body, "/users/bob/inbox",
                    [](activitypub::HeaderFields&, std::string& b) { b[b.size() - 2] = 'X'; }),
       "content_digest_mismatch", "content digest mismatch"},
      {"no Content-Digest",
       post_rfc9421(body, "/users/bob/inbox",
                    [](activitypub::HeaderFields& h, std::string&) {
                      std::erase_if(h, [](const auto& f) { return f.first == "Content-Digest"; });
                    }),
       "missing_content_digest", "missing Content-Digest header"},
      {"13 hours old", post_rfc9421(body, "/users/bob/inbox", {}, now_ - 13 * 3600),
       "signature_too_old", "signature too old"},
      {"2 hours ahead", post_rfc9421(body, "/users/bob/inbox", {}, now_ + 2 * 3600),
       "created_in_future", "signature created in the future"},
      {"signed for another server",
       post_rfc9421(body, "/users/bob/inbox", set_field("Host", "other.example")),
       "wrong_authority", "signed authority is not this server"},
      {"two signatures",
       post_rfc9421(body, "/users/bob/inbox",
                    [](activitypub::HeaderFields& h, std::string&) {
                      for (auto& [k, v] : h) {
                        if (k == "Signature-Input") v += ", sig2=(\"@method\");created=1";
                        if (k == "Signature") v += ", sig2=:AAAA:";
                      }
                    }),
       "multiple_signatures", "more than one signature"},
      {"a forged signature",
       post_rfc9421(body, "/users/bob/inbox", set_field("Signature", "sig1=:AAAA:")),
       "signature_invalid", "signature does not verify"},
      {"not a structured field",
       post_rfc9421(body, "/users/bob/inbox", set_field("Signature-Input", "sig1=(\"@method")),
       "malformed_signature", "malformed Signature-Input or Signature header"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.answer.status, 401);
    EXPECT_EQ(c.answer.detail, c.detail);
    EXPECT_EQ(c.answer.reason, c.reason);
    EXPECT_EQ(header_of(c.answer, "Accept-Signature"),
              activitypub::rfc9421::make_accept_signature(true));
  }
  EXPECT_FALSE(store_->find_follower("bob", kAlice));
  EXPECT_FALSE(store_->find_remote_actor(kAlice));
}

TEST_F(InboxTest, DraftCavageRefusalsAlsoAskForRfc9421) {
  auto answer = post_raw(follow().dump(), "/users/bob/inbox", crypto::RsaKey::generate());
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(header_of(answer, "Accept-Signature"),
            activitypub::rfc9421::make_accept_signature(true));
  EXPECT_EQ(header_of(answer, "WWW-Authenticate").rfind("Signature", 0), 0u);
}

}  // namespace
}  // namespace artdag::services::federation
