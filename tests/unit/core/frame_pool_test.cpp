// The coroutine frame pool: freed frames are reused by size class, large frames and frames past
// the per-thread bound go back to the allocator, and task frames come from it.

#include "core/task/frame_pool.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <thread>
#include <vector>

#include "core/task/task.hpp"
#include "tests/unit/core/task_test_support.hpp"

namespace qm::detail {
namespace {

// Runs f on a new thread, whose pool starts empty and is released when the thread ends.
template <typename F>
void on_fresh_thread(F f) {
  std::thread t(f);
  t.join();
}

TEST(frame_pool, a_freed_frame_serves_the_next_frame_of_its_class) {
  if (!frames_are_kept) {
    GTEST_SKIP() << "sanitizer builds keep no frames";
  }
  on_fresh_thread([] {
    void* first = allocate_frame(100);
    free_frame(first, 100);
    EXPECT_EQ(kept_frame_bytes(), 2 * frame_class_bytes);
    // 65..128 bytes share a class.
    void* second = allocate_frame(128);
    EXPECT_EQ(second, first);
    EXPECT_EQ(kept_frame_bytes(), 0u);
    free_frame(second, 128);
  });
}

TEST(frame_pool, frames_of_other_classes_are_not_shared) {
  on_fresh_thread([] {
    void* small = allocate_frame(64);
    free_frame(small, 64);
    void* larger = allocate_frame(65);
    EXPECT_NE(larger, small);
    void* again = allocate_frame(1);
    if (frames_are_kept) {
      EXPECT_EQ(again, small);
    }
    free_frame(larger, 65);
    free_frame(again, 1);
  });
}

TEST(frame_pool, frames_past_the_largest_class_are_not_kept) {
  on_fresh_thread([] {
    void* big = allocate_frame(max_pooled_frame_bytes + 1);
    free_frame(big, max_pooled_frame_bytes + 1);
    EXPECT_EQ(kept_frame_bytes(), 0u);
    void* largest = allocate_frame(max_pooled_frame_bytes);
    free_frame(largest, max_pooled_frame_bytes);
    EXPECT_EQ(kept_frame_bytes(), frames_are_kept ? max_pooled_frame_bytes : 0u);
  });
}

TEST(frame_pool, a_thread_keeps_at_most_its_bound) {
  on_fresh_thread([] {
    const std::size_t count = max_kept_frame_bytes / max_pooled_frame_bytes + 10;
    std::vector<void*> frames;
    for (std::size_t i = 0; i < count; ++i) {
      frames.push_back(allocate_frame(max_pooled_frame_bytes));
    }
    for (void* f : frames) {
      free_frame(f, max_pooled_frame_bytes);
      EXPECT_LE(kept_frame_bytes(), max_kept_frame_bytes);
    }
    EXPECT_EQ(kept_frame_bytes(), frames_are_kept ? max_kept_frame_bytes : 0u);
    // Taking the kept frames back empties the lists.
    frames.clear();
    for (std::size_t i = 0; i < count; ++i) {
      frames.push_back(allocate_frame(max_pooled_frame_bytes));
    }
    EXPECT_EQ(kept_frame_bytes(), 0u);
    for (void* f : frames) {
      free_frame(f, max_pooled_frame_bytes);
    }
  });
}

task<int> small_task(int x) { co_return x + 1; }

TEST(frame_pool, an_ended_task_leaves_its_frame_for_the_next) {
  if (!frames_are_kept) {
    GTEST_SKIP() << "sanitizer builds keep no frames";
  }
  on_fresh_thread([] {
    EXPECT_EQ(test::run_now(small_task(1)), 2);
    const std::size_t kept_after_one = kept_frame_bytes();
    EXPECT_GT(kept_after_one, 0u);
    EXPECT_EQ(test::run_now(small_task(2)), 3);
    EXPECT_EQ(kept_frame_bytes(), kept_after_one);
  });
}

}  // namespace
}  // namespace qm::detail
