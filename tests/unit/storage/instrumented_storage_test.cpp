// db_query_duration_seconds: one observation per transaction, by outcome, timed on the
// runtime's clock (so virtual time in the simulator), and nothing else changed.

#include <gtest/gtest.h>

#include "core/metrics/registry.hpp"
#include "runtime/instrumented_storage.hpp"
#include "runtime/sqlite/embedded_storage.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);

// Takes `cost` of the clock's time per transaction, then answers what the test says.
class timed_storage final : public rt::storage {
 public:
  explicit timed_storage(manual_clock& clock) : clock_(clock) {}
  task<rt::db_status> transact(rt::transaction_body, duration) override {
    clock_.advance(cost);
    if (fail) {
      co_return make_unexpected(sql::error{sql::errc::timeout, "slow"});
    }
    co_return rt::db_status{};
  }
  std::string_view engine() const override { return "timed"; }

  duration cost = ms(3);
  bool fail = false;

 private:
  manual_clock& clock_;
};

metrics::histogram_summary summary(const metrics::registry& m, std::string_view outcome) {
  for (const auto& s : m.summarize("db_query_duration_seconds")) {
    if (s.series == metrics::labels{{"outcome", std::string(outcome)}}) {
      return s;
    }
  }
  return {};
}

TEST(instrumented_storage, observes_each_transaction_by_outcome_on_the_runtime_clock) {
  manual_clock clock{t0};
  metrics::registry m;
  auto inner = std::make_unique<timed_storage>(clock);
  timed_storage* raw = inner.get();
  rt::instrumented_storage db(std::move(inner), clock, m);
  EXPECT_EQ(db.engine(), "timed");
  rt::transaction_body body = [](sql::transaction&) {};
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(run_now(db.transact(body, seconds(1))).ok());
  }
  raw->fail = true;
  raw->cost = seconds(3);
  auto failed = run_now(db.transact(body, seconds(1)));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, sql::errc::timeout);  // passed through unchanged

  const auto ok = summary(m, "ok");
  EXPECT_EQ(ok.count, 4U);
  EXPECT_NEAR(ok.sum, 0.012, 1e-9);
  EXPECT_GT(ok.p50, 0.0025);
  EXPECT_LE(ok.p50, 0.005);
  const auto error = summary(m, "error");
  EXPECT_EQ(error.count, 1U);
  EXPECT_NEAR(error.sum, 3.0, 1e-9);
}

TEST(instrumented_storage, buckets_run_from_half_a_millisecond_to_ten_seconds) {
  const auto b = rt::db_latency_buckets_s();
  ASSERT_FALSE(b.empty());
  EXPECT_DOUBLE_EQ(b.front(), 0.0005);
  EXPECT_DOUBLE_EQ(b.back(), 10.0);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  metrics::registry m;
  manual_clock clock{t0};
  rt::instrumented_storage db(std::make_unique<timed_storage>(clock), clock, m);
  // Both series exist from the start (a scrape shows zeros, not nothing), with every bucket.
  const std::string text = m.expose_text();
  for (const char* outcome : {"ok", "error"}) {
    const std::string prefix = "db_query_duration_seconds_bucket{outcome=\"" + std::string(outcome) + "\",le=";
    std::size_t buckets = 0;
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
      ++buckets;
    }
    EXPECT_EQ(buckets, b.size() + 1) << text;  // and +Inf
  }
  EXPECT_NE(text.find(R"(db_query_duration_seconds_bucket{outcome="error",le="10"} 0)"), std::string::npos);
}

TEST(instrumented_storage, runs_real_sql_through_the_engine_it_wraps) {
  manual_clock clock{t0};
  metrics::registry m;
  auto sqlite = rt::sqlite::embedded_storage::open(":memory:");
  ASSERT_TRUE(sqlite.ok());
  rt::instrumented_storage db(std::move(*sqlite), clock, m);
  EXPECT_EQ(db.engine(), "sqlite");
  std::int64_t one = 0;
  rt::transaction_body body = [&one](sql::transaction& tx) { one = tx.exec("SELECT 1").front().get_int(0); };
  ASSERT_TRUE(run_now(db.transact(body, seconds(1))).ok());
  EXPECT_EQ(one, 1);
  rt::transaction_body broken = [](sql::transaction& tx) { tx.exec("SELEC nonsense"); };
  EXPECT_FALSE(run_now(db.transact(broken, seconds(1))).ok());
  EXPECT_EQ(summary(m, "ok").count, 1U);
  EXPECT_EQ(summary(m, "error").count, 1U);
}

}  // namespace
}  // namespace qm::test
