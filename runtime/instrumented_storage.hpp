#pragma once
// A storage that measures the storage it wraps: one observation of
// db_query_duration_seconds{outcome="ok"|"error"} per transaction, timed on the runtime's
// clock (virtual time in the simulator), queueing and connecting included: what a request
// waits for. The metric is observed on the calling coroutine's thread (the event loop).

#include <memory>
#include <string_view>

#include "core/metrics/registry.hpp"
#include "runtime/clock.hpp"
#include "runtime/storage.hpp"

namespace qm::rt {

// 0.5 ms .. 10 s: a point read on a warm pool takes well under a millisecond, a timeout
// several seconds.
std::vector<double> db_latency_buckets_s();

class instrumented_storage final : public storage {
 public:
  // clock and metrics must outlive this storage.
  instrumented_storage(std::unique_ptr<storage> inner, rt::clock& clock, metrics::registry& metrics);

  task<db_status> transact(transaction_body body, duration timeout) override;
  std::string_view engine() const override { return inner_->engine(); }

  storage& inner() { return *inner_; }

 private:
  std::unique_ptr<storage> inner_;
  rt::clock& clock_;
  metrics::histogram& ok_;
  metrics::histogram& error_;
};

}  // namespace qm::rt
