// The engine's determinism: a run is a function of its seed.
#include <gtest/gtest.h>

#include "tests/unit/sim/toy_service.hpp"
#include "tests/unit/sim/world.hpp"

namespace qm::sim {
namespace {

using testing::start_call;
using testing::toy_factory;
using testing::toy_probe;
using testing::world;
using http::method;

// A small busy run: random latencies and losses, concurrent calls through two services, a
// crash and a restart. Returns the trace hash.
std::uint64_t busy_run(std::uint64_t seed, std::uint64_t* lines = nullptr) {
  link_config link;
  link.latency = {latency_model::kind::normal, ms(2), ms(1)};
  link.drop_rate = 0.05;
  toy_probe front_probe;
  toy_probe back_probe;
  world w(seed, link);
  node& front = w.add_service("front", toy_factory(front_probe));
  node& back = w.add_service("back", toy_factory(back_probe));
  node& client = w.add_client("client");
  front.start();
  back.start();
  w.run_for(ms(5));
  for (int i = 0; i < 300; ++i) {
    const char* target = i % 3 == 0 ? "/call/back" : (i % 3 == 1 ? "/random" : "/sleep/7");
    auto c = start_call(w, client, "front", method::get, target, ms(40));
    (void)c;
    w.run_for(duration(static_cast<std::int64_t>(client.random().uniform(3000))));
    if (i == 150) {
      back.crash();
    }
    if (i == 200) {
      back.restart();
    }
  }
  w.run_for(seconds(2));
  if (lines != nullptr) {
    *lines = w.events.lines_recorded();
  }
  return w.events.hash();
}

TEST(determinism, the_same_seed_gives_the_same_trace) {
  std::uint64_t lines_a = 0;
  std::uint64_t lines_b = 0;
  const auto a = busy_run(17, &lines_a);
  const auto b = busy_run(17, &lines_b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(lines_a, lines_b);
  EXPECT_GT(lines_a, 1000u);
}

TEST(determinism, different_seeds_give_different_traces) {
  EXPECT_NE(busy_run(17), busy_run(18));
}

TEST(determinism, the_trace_hash_function_is_pinned) {
  // A run hashes the same on every machine and build: pieces of every length up to three
  // words, details and digests alike, fold to the value this hash has always given.
  const std::string text = "The quick brown fox jumps over the lazy dog, twice: \x01\xff\x80.";
  trace t;
  trace_digest digest;
  for (std::size_t n = 0; n <= 24; ++n) {
    const std::string_view piece = std::string_view(text).substr(n, n);
    t.record(time_point(duration(static_cast<std::int64_t>(n) * 1000)), piece, "k", piece);
    digest.add(piece).add(static_cast<std::int64_t>(n));
  }
  t.record_digest(time_point(duration(0)), "n", "log", digest.value(), [] { return std::string_view(); });
  EXPECT_EQ(t.hash_hex(), "cf6d7c1fddf7e985");
}

}  // namespace
}  // namespace qm::sim
