#pragma once
// The cluster's key-value store in the simulator (what Redis is in production): an ordered map
// with expiry on virtual (scheduler) time, shared by every node that rate-limits. Faults: the
// store can be unavailable (every call fails fast, like a refused connection) or slow (added
// latency; a call slower than the client's operation timeout fails with timeout).
// Rate-limit logs (admit) live beside the string values, one sliding_log per key that expires
// when its newest entry leaves the window, and count toward the same key bound.

#include <coroutine>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/base/text_hash.hpp"
#include "core/ratelimit/sliding_log.hpp"
#include "core/task/completion.hpp"
#include "runtime/kv.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"

namespace qm::sim {

struct kv_faults {
  bool unavailable = false;
  duration latency{0};  // added to every call
};

struct kv_options {
  std::string name = "redis";         // the node name its trace lines carry
  std::size_t max_keys = 1'000'000;   // a write that would exceed it is refused
  duration base_latency{0};           // every call's latency without faults
  duration op_timeout = ms(500);      // the client's per-call timeout
};

struct kv_stats {
  std::uint64_t ops = 0;
  std::uint64_t unavailable = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t refused_full = 0;
  std::uint64_t expired = 0;
  std::uint64_t admitted = 0;  // admit decisions that let the request through
  std::uint64_t refused = 0;   // admit decisions that refused it
};

class sim_kv final : public rt::kv {
 public:
  sim_kv(scheduler& sched, trace& tr, kv_options o = {});

  task<rt::kv_result<std::optional<std::string>>> get(std::string key) override;
  task<rt::kv_result<void>> set(std::string key, std::string value, duration ttl) override;
  task<rt::kv_result<std::int64_t>> incr(std::string key, std::int64_t delta, duration ttl) override;
  task<rt::kv_result<void>> del(std::string key) override;
  task<rt::kv_result<ratelimit::verdict>> admit(ratelimit::window_hit hit) override;

  void set_faults(const kv_faults& f);
  const kv_faults& faults() const { return faults_; }

  // Live keys, values and rate-limit logs (expired ones are purged first).
  std::size_t size();
  const kv_stats& stats() const { return stats_; }

 private:
  struct entry {
    std::string value;
    time_point expires;
    std::multimap<time_point, std::string>::iterator expiry_slot;
  };
  struct log_entry {
    ratelimit::sliding_log log;
    time_point expires;  // when its newest entry leaves the window
    // Filed at or before expires: an admission that moves expires later leaves the slot where
    // it is, and purge_expired re-files it when it comes due (see there).
    std::multimap<time_point, std::string>::iterator expiry_slot;
  };

  // What a call awaits before it touches the store: co_await enter(op, key) gives the call's
  // error, if any. It counts the call; fails it at once when the store is unavailable; and
  // waits out the call latency (base plus faults), failing with a timeout when that is not
  // below the client's op_timeout. With no latency (no faults, no base latency) nothing is
  // awaited and no timer or frame is made.
  class entry_gate {
   public:
    entry_gate(sim_kv& kv, std::string_view op, const std::string& key)
        : kv_(kv), op_(op), key_(key) {}
    bool await_ready();
    void await_suspend(std::coroutine_handle<> h) { timer_->await_suspend(h); }
    std::optional<rt::kv_error> await_resume();

   private:
    sim_kv& kv_;
    std::string_view op_;
    const std::string& key_;
    std::optional<rt::kv_error> failure_;
    bool too_slow_ = false;
    std::optional<completion<bool>::awaiter> timer_;
  };
  entry_gate enter(std::string_view op, const std::string& key) { return entry_gate(*this, op, key); }
  void purge_expired();
  void put(std::string key, std::string value, time_point expires);
  std::optional<rt::kv_error> refuse_if_full(const std::string& key);
  // What Redis answers for an operation on a key holding the other kind of value.
  std::optional<rt::kv_error> refuse_wrong_type(std::string_view op, const std::string& key,
                                                bool key_is_log);
  void erase_log(const std::string& key);

  scheduler& sched_;
  trace& trace_;
  kv_options options_;
  kv_faults faults_;
  std::map<std::string, entry, std::less<>> entries_;
  std::multimap<time_point, std::string> by_expiry_;
  // A lookup per rate-limited request, on keys that share long prefixes ("rl:user:..."), so
  // hashed. Never iterated: expiry follows logs_by_expiry_, so hash order cannot change a run.
  std::unordered_map<std::string, log_entry, text_hash, std::equal_to<>> logs_;
  std::multimap<time_point, std::string> logs_by_expiry_;
  kv_stats stats_;
};

}  // namespace qm::sim
