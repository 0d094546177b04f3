// The claim log's checkpoint rows on every backend (store_fixture.h): uncosigned checkpoints
// are thinned to one per level-0 tile once that tile is full; cosigned ones and the latest stay.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace artdag::store {
namespace {

using namespace testing_support;

TEST_P(StoreTest, UncosignedCheckpointsAreThinnedOncePerFullTile) {
  const std::string root(64, 'a');
  int64_t previous = 0;
  for (int64_t size : {10, 100, 250, 256, 300, 511, 512, 600}) {
    ASSERT_TRUE(store_->publish_checkpoint(
        previous, {size, root, "note " + std::to_string(size) + "\n", 1000}));
    previous = size;
  }
  store_->add_cosignature(100, "w.test/witness", "\xE2\x80\x94 w.test/witness x\n", 1001);

  // Too recent: nothing goes.
  EXPECT_EQ(store_->purge_uncosigned_checkpoints(512, 1000), 0);
  // Below 512 (two full tiles): 10 and the 256 group's 256 and 300 go; 100 (cosigned), 250 and
  // 511 (the largest of their tiles) stay, and so do 512 and 600 (their tile is not full).
  EXPECT_EQ(store_->purge_uncosigned_checkpoints(512, 2000), 3);
  for (int64_t gone : {10, 256, 300})
    EXPECT_FALSE(store_->checkpoint_in_range(gone, gone + 1)) << gone;
  for (int64_t kept : {100, 250, 511, 512, 600})
    EXPECT_TRUE(store_->checkpoint_in_range(kept, kept + 1)) << kept;
  EXPECT_EQ(store_->purge_uncosigned_checkpoints(512, 2000), 0);
  ASSERT_TRUE(store_->latest_checkpoint());
  EXPECT_EQ(store_->latest_checkpoint()->size, 600);
  ASSERT_TRUE(store_->first_cosigned_checkpoint(1));
  EXPECT_EQ(store_->first_cosigned_checkpoint(1)->size, 100);

  // Once the next tile fills, its older checkpoints go too; the latest stays.
  ASSERT_TRUE(store_->publish_checkpoint(600, {700, root, "note 700\n", 1000}));
  EXPECT_EQ(store_->purge_uncosigned_checkpoints(768, 2000), 2);  // 512 and 600
  EXPECT_TRUE(store_->checkpoint_in_range(700, 701));
  EXPECT_EQ(store_->latest_checkpoint()->size, 700);
}

}  // namespace
}  // namespace artdag::store
