// Coroutine frames: the frame pool (core/task/frame_pool.hpp) against the global allocator it
// stands in front of, for the frames one served request allocates. Linked with jemalloc, as
// the simulator is, so the baseline is the allocator a simulated run would otherwise use.
//
// Each iteration allocates the twelve most common frame sizes of a checkout_rush run (a
// request's chain: node, handler, upstream call and attempt, storage transaction, ...) and
// frees them in reverse, as a finished await chain does.

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <new>

#include "core/task/frame_pool.hpp"

namespace {

constexpr std::array<std::size_t, 12> request_frame_sizes = {400, 784, 728, 288, 424,  872,
                                                             560, 488, 520, 608, 392, 1352};

void BM_frames_from_pool(benchmark::State& state) {
  std::array<void*, request_frame_sizes.size()> frames{};
  for (auto _ : state) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      frames[i] = qm::detail::allocate_frame(request_frame_sizes[i]);
      benchmark::DoNotOptimize(frames[i]);
    }
    for (std::size_t i = frames.size(); i-- > 0;) {
      qm::detail::free_frame(frames[i], request_frame_sizes[i]);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames.size()));
}
BENCHMARK(BM_frames_from_pool);

void BM_frames_from_global_allocator(benchmark::State& state) {
  std::array<void*, request_frame_sizes.size()> frames{};
  for (auto _ : state) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      frames[i] = ::operator new(request_frame_sizes[i]);
      benchmark::DoNotOptimize(frames[i]);
    }
    for (std::size_t i = frames.size(); i-- > 0;) {
      ::operator delete(frames[i], request_frame_sizes[i]);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames.size()));
}
BENCHMARK(BM_frames_from_global_allocator);

}  // namespace

BENCHMARK_MAIN();
