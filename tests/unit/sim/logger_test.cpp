#include <gtest/gtest.h>

#include "sim/engine/sim_logger.hpp"
#include "sim/engine/sim_settings.hpp"

namespace qm::sim {
namespace {

TEST(sim_logger, writes_log_lines_into_the_trace_with_fields) {
  scheduler sched;
  trace events(true);
  sim_logger log(sched, events, "auth");
  log.info("user logged in", {{"user", "42"}, {"email", "a b@c"}, {"empty", ""}});
  ASSERT_EQ(events.lines().size(), 1u);
  const std::string stamp = std::to_string(to_unix_us(sched.now()));
  EXPECT_EQ(events.lines()[0],
            stamp + " auth log info \"user logged in\" user=42 email=\"a b@c\" empty=\"\"");
}

TEST(sim_logger, the_threshold_filters_and_counts) {
  scheduler sched;
  trace events(true);
  sim_logger log(sched, events, "auth", rt::log_level::warn);
  log.info("quiet");
  log.debug("quiet");
  log.warn("loud");
  log.error("louder", {{"why", "a\"b\nc"}});
  EXPECT_EQ(events.lines().size(), 2u);
  EXPECT_EQ(log.count(rt::log_level::info), 0u);
  EXPECT_EQ(log.count(rt::log_level::error), 1u);
  EXPECT_NE(events.lines()[1].find("why=\"a\\\"b\\nc\""), std::string::npos);
  log.set_threshold(rt::log_level::debug);
  EXPECT_TRUE(log.enabled(rt::log_level::debug));
}

TEST(sim_settings, answers_what_was_set_and_empty_otherwise) {
  sim_settings s(std::map<std::string, std::string>{{"scrypt_n", "1024"}});
  EXPECT_EQ(s.get("scrypt_n"), "1024");
  EXPECT_EQ(s.get("missing"), "");
  s.set("missing", "now");
  EXPECT_EQ(s.get("missing"), "now");
}

TEST(trace, the_hash_covers_every_field_and_does_not_depend_on_keeping_lines) {
  scheduler sched;
  trace kept(true);
  trace bare(false);
  for (trace* t : {&kept, &bare}) {
    t->record(sched.now(), "a", "send", "x");
    t->record(sched.now() + ms(1), "b", "deliver", "y z");
  }
  EXPECT_EQ(kept.hash(), bare.hash());
  EXPECT_EQ(kept.lines_recorded(), 2u);
  EXPECT_TRUE(bare.lines().empty());
  trace other(false);
  other.record(sched.now(), "a", "send", "x");
  other.record(sched.now() + ms(2), "b", "deliver", "y z");
  EXPECT_NE(other.hash(), kept.hash());
  EXPECT_EQ(kept.hash_hex().size(), 16u);
}

}  // namespace
}  // namespace qm::sim
