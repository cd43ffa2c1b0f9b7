#include "runtime/instrumented_storage.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace qm::rt {

namespace {

constexpr std::string_view family = "db_query_duration_seconds";
constexpr std::string_view help = "Time of one database transaction, queueing included, by outcome.";

}  // namespace

std::vector<double> db_latency_buckets_s() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

instrumented_storage::instrumented_storage(std::unique_ptr<storage> inner, rt::clock& clock,
                                           metrics::registry& metrics)
    : inner_(std::move(inner)),
      clock_(clock),
      ok_(metrics.get_histogram(family, help, {{"outcome", "ok"}}, db_latency_buckets_s())),
      error_(metrics.get_histogram(family, help, {{"outcome", "error"}}, db_latency_buckets_s())) {}

task<db_status> instrumented_storage::transact(transaction_body body, duration timeout) {
  const time_point started = clock_.now();
  db_status status = co_await inner_->transact(std::move(body), timeout);
  // A clock that steps back (a skewed simulated node) must not record a negative time.
  const duration took = std::max(duration{0}, clock_.now() - started);
  const double seconds = std::chrono::duration<double>(took).count();
  (status ? ok_ : error_).observe(seconds);
  co_return status;
}

}  // namespace qm::rt
