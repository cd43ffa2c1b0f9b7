#include <gtest/gtest.h>

#include "sim/engine/sim_logger.hpp"
#include "sim/engine/sim_settings.hpp"
#include "sim/engine/virtual_clock.hpp"

namespace qm::sim {
namespace {

TEST(sim_logger, writes_log_lines_into_the_trace_with_fields) {
  scheduler sched;
  trace events(true);
  sim_logger log(sched, events, "auth");
  log.info("user logged in", {{"user", "42"}, {"email", "a b@c"}, {"empty", ""}});
  ASSERT_EQ(events.lines().size(), 1u);
  const std::string stamp = std::to_string(to_unix_us(sched.now()));
  EXPECT_EQ(events.lines()[0], stamp + " auth log {\"ts\":\"" + log::format_rfc3339_ms(to_unix_us(sched.now())) +
                                   "\",\"level\":\"info\",\"service\":\"auth\",\"msg\":\"user logged in\","
                                   "\"user\":\"42\",\"email\":\"a b@c\",\"empty\":\"\"}");
}

TEST(sim_logger, stamps_lines_with_the_nodes_skewed_clock_and_the_request_scope) {
  scheduler sched;
  trace events(true);
  virtual_clock clock(sched);
  clock.set_skew(seconds(-90));
  sim_logger log(sched, events, "order", rt::log_level::info, &clock);
  observe::request_scope scope;
  scope.request_id = "r-1";
  scope.span = observe::open_span(std::nullopt, 1, 2, 3);
  scope.route = "/orders";
  log.info(&scope, "listed");
  ASSERT_EQ(events.lines().size(), 1u);
  const std::string& line = events.lines()[0];
  EXPECT_NE(line.find(log::format_rfc3339_ms(to_unix_us(clock.now()))), std::string::npos) << line;
  EXPECT_NE(line.find("\"request_id\":\"r-1\""), std::string::npos) << line;
  EXPECT_NE(line.find(std::string("\"trace_id\":\"") + std::string(scope.span.trace_id_view())), std::string::npos);
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
  EXPECT_NE(events.lines()[1].find("\"why\":\"a\\\"b\\nc\""), std::string::npos) << events.lines()[1];
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

TEST(trace, the_hash_tells_apart_events_that_only_split_differently) {
  scheduler sched;
  const auto hash_of = [&](std::string_view node, std::string_view kind, std::string_view detail) {
    trace t(false);
    t.record(sched.now(), node, kind, detail);
    return t.hash();
  };
  const auto base = hash_of("ab", "c", "detail of eight+ bytes");
  EXPECT_NE(hash_of("a", "bc", "detail of eight+ bytes"), base);
  EXPECT_NE(hash_of("ab", "c", "detail of eight+ byteS"), base);  // the tail word counts
  EXPECT_NE(hash_of("ab", "c", "Detail of eight+ bytes"), base);  // so does the first
  EXPECT_NE(hash_of("ab", "c", "detail of eight+ bytes "), base);
  EXPECT_EQ(hash_of("ab", "c", "detail of eight+ bytes"), base);
}

}  // namespace
}  // namespace qm::sim
