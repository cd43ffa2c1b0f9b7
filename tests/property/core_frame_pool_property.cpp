// Property: for any sequence of frame allocations and frees, on a thread whose pool starts
// empty, live frames never overlap or lose their contents, and the pool keeps exactly the bytes
// a simple model says: a freed frame of up to max_pooled_frame_bytes is kept while the bound
// allows, and an allocation of its class takes a kept frame back first.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <thread>
#include <vector>

#include "core/task/frame_pool.hpp"

namespace qm::detail {
namespace {

constexpr std::size_t class_count = max_pooled_frame_bytes / frame_class_bytes;

struct live_frame {
  unsigned char* bytes;
  std::size_t size;
  unsigned char fill;
};

struct pool_model {
  std::array<std::size_t, class_count> kept_by_class{};
  std::size_t kept_bytes = 0;

  static bool pooled(std::size_t size) { return size <= max_pooled_frame_bytes; }
  static std::size_t cls(std::size_t size) { return (size - 1) / frame_class_bytes; }
  static std::size_t bytes(std::size_t size) { return (cls(size) + 1) * frame_class_bytes; }

  void allocated(std::size_t size) {
    if (frames_are_kept && pooled(size) && kept_by_class[cls(size)] > 0) {
      --kept_by_class[cls(size)];
      kept_bytes -= bytes(size);
    }
  }
  void freed(std::size_t size) {
    if (frames_are_kept && pooled(size) && kept_bytes + bytes(size) <= max_kept_frame_bytes) {
      ++kept_by_class[cls(size)];
      kept_bytes += bytes(size);
    }
  }
};

bool intact(const live_frame& f) {
  for (std::size_t i = 0; i < f.size; ++i) {
    if (f.bytes[i] != f.fill) {
      return false;
    }
  }
  return true;
}

RC_GTEST_PROP(frame_pool_property, matches_the_model_and_keeps_live_frames_apart, ()) {
  // Sizes cluster below the largest class, with some past it.
  const auto steps = *rc::gen::container<std::vector<std::pair<bool, std::size_t>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(),
                    rc::gen::inRange<std::size_t>(1, max_pooled_frame_bytes + 300)));
  bool held = true;
  std::size_t mismatches = 0;
  std::thread t([&] {
    pool_model model;
    std::vector<live_frame> live;
    unsigned char next_fill = 1;
    for (const auto& [allocate, size] : steps) {
      if (allocate || live.empty()) {
        live_frame f{static_cast<unsigned char*>(allocate_frame(size)), size, next_fill++};
        std::memset(f.bytes, f.fill, f.size);
        model.allocated(size);
        live.push_back(f);
      } else {
        // Free the frame the size picks, so frees come in every order.
        const std::size_t at = size % live.size();
        const live_frame f = live[at];
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(at));
        held = held && intact(f);
        free_frame(f.bytes, f.size);
        model.freed(f.size);
      }
      if (kept_frame_bytes() != model.kept_bytes || kept_frame_bytes() > max_kept_frame_bytes) {
        ++mismatches;
      }
    }
    for (const auto& f : live) {
      held = held && intact(f);
      free_frame(f.bytes, f.size);
    }
  });
  t.join();
  RC_ASSERT(held);
  RC_ASSERT(mismatches == 0u);
}

}  // namespace
}  // namespace qm::detail
