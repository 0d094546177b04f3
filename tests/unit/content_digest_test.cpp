// RFC 9530 Content-Digest: the RFC's own examples (Appendix B, content `{"hello": "world"}`
// with its trailing newline) and RFC 9421 Appendix B's request digest.
#include "activitypub/content_digest.h"

#include <gtest/gtest.h>

namespace ap = artdag::activitypub;
using ap::ContentDigestStatus;

namespace {

const std::string kRfc9530Body = "{\"hello\": \"world\"}\n";
const std::string kRfc9530Sha256 = "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:";
const std::string kRfc9530Sha512 =
    "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/"
    "WkppmM44T3qg==:";
const std::string kRfc9421Body = "{\"hello\": \"world\"}";
const std::string kRfc9421Sha512 =
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWX"
    "vJwew==:";

TEST(ContentDigest, MakesTheRfcSha256Value) {
  EXPECT_EQ(ap::make_content_digest(kRfc9530Body), kRfc9530Sha256);
  EXPECT_EQ(ap::make_content_digest(""), "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
}

TEST(ContentDigest, AcceptsTheRfcExamples) {
  EXPECT_EQ(ap::check_content_digest(kRfc9530Sha256, kRfc9530Body), ContentDigestStatus::match);
  EXPECT_EQ(ap::check_content_digest(kRfc9530Sha512, kRfc9530Body), ContentDigestStatus::match);
  EXPECT_EQ(ap::check_content_digest(kRfc9530Sha256 + ", " + kRfc9530Sha512, kRfc9530Body),
            ContentDigestStatus::match);
  EXPECT_EQ(ap::check_content_digest(kRfc9421Sha512, kRfc9421Body), ContentDigestStatus::match);
}

TEST(ContentDigest, AnyKnownMismatchFails) {
  EXPECT_EQ(ap::check_content_digest(kRfc9530Sha256, kRfc9421Body), ContentDigestStatus::mismatch);
  // A good sha-512 does not save a bad sha-256.
  EXPECT_EQ(ap::check_content_digest(kRfc9530Sha256 + ", " + kRfc9421Sha512, kRfc9421Body),
            ContentDigestStatus::mismatch);
}

TEST(ContentDigest, IgnoresUnknownAlgorithmsButNeedsOneKnown) {
  EXPECT_EQ(ap::check_content_digest("md5=:HUXZLQLMuI/KZ5KDcJPcOA==:, unixsum=30637", kRfc9530Body),
            ContentDigestStatus::no_known);
  EXPECT_EQ(ap::check_content_digest("unixsum=30637, " + kRfc9530Sha256, kRfc9530Body),
            ContentDigestStatus::match);
}

TEST(ContentDigest, RefusesWhatIsNotAByteSequenceDictionary) {
  EXPECT_EQ(ap::check_content_digest("SHA-256=abc", kRfc9530Body), ContentDigestStatus::malformed);
  EXPECT_EQ(ap::check_content_digest("sha-256=\"RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=\"",
                                     kRfc9530Body),
            ContentDigestStatus::malformed);
  EXPECT_EQ(ap::check_content_digest("sha-256=:not base64!:", kRfc9530Body),
            ContentDigestStatus::malformed);
  EXPECT_EQ(ap::check_content_digest("", kRfc9530Body), ContentDigestStatus::no_known);
}

TEST(ContentDigest, Sha512OfEmpty) {
  EXPECT_EQ(ap::sha512("").size(), 64u);
  EXPECT_EQ(static_cast<unsigned char>(ap::sha512("")[0]), 0xcfu);
}

}  // namespace
