#include "sim/engine/sim_kv.hpp"

#include <charconv>

#include "core/base/assert.hpp"
#include "core/task/completion.hpp"
#include "sim/engine/text.hpp"

namespace qm::sim {

sim_kv::sim_kv(scheduler& sched, trace& tr, kv_options o)
    : sched_(sched), trace_(tr), options_(std::move(o)) {
  QM_ASSERT(options_.max_keys > 0);
  QM_ASSERT(options_.op_timeout.count() > 0);
}

void sim_kv::set_faults(const kv_faults& f) {
  faults_ = f;
  std::string detail = f.unavailable ? "unavailable" : "available";
  detail += " latency=";
  append_duration(detail, f.latency);
  trace_.record(sched_.now(), options_.name, "kv_faults", detail);
}

bool sim_kv::entry_gate::await_ready() {
  ++kv_.stats_.ops;
  if (kv_.faults_.unavailable) {
    ++kv_.stats_.unavailable;
    kv_.trace_.record(kv_.sched_.now(), kv_.options_.name, "kv_error",
                      std::string(op_) + " " + key_ + " unavailable");
    failure_ = rt::kv_error{rt::kv_errc::unavailable, "kv store unavailable"};
    return true;
  }
  const duration latency = kv_.options_.base_latency + kv_.faults_.latency;
  if (latency.count() <= 0) {
    return true;
  }
  too_slow_ = latency >= kv_.options_.op_timeout;
  completion<bool> woken;
  kv_.sched_.at_delay(too_slow_ ? kv_.options_.op_timeout : latency, [woken] { woken.fulfil(true); });
  timer_.emplace(woken.operator co_await());
  return false;
}

std::optional<rt::kv_error> sim_kv::entry_gate::await_resume() {
  if (too_slow_) {
    ++kv_.stats_.timeouts;
    kv_.trace_.record(kv_.sched_.now(), kv_.options_.name, "kv_error",
                      std::string(op_) + " " + key_ + " timeout");
    return rt::kv_error{rt::kv_errc::timeout, "kv call timed out"};
  }
  return std::move(failure_);
}

void sim_kv::purge_expired() {
  const time_point now = sched_.now();
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    entries_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
    ++stats_.expired;
  }
  // A log's slot can be earlier than its expiry (admit does not re-file it on every
  // admission), never later: every log due by now is found here, and one that is not yet due
  // is re-filed at its expiry.
  while (!logs_by_expiry_.empty() && logs_by_expiry_.begin()->first <= now) {
    const auto log = logs_.find(logs_by_expiry_.begin()->second);
    QM_ASSERT(log != logs_.end());
    if (log->second.expires <= now) {
      logs_by_expiry_.erase(logs_by_expiry_.begin());
      logs_.erase(log);
      ++stats_.expired;
      continue;
    }
    auto slot = logs_by_expiry_.extract(logs_by_expiry_.begin());
    slot.key() = log->second.expires;
    log->second.expiry_slot = logs_by_expiry_.insert(std::move(slot));
  }
}

std::size_t sim_kv::size() {
  purge_expired();
  return entries_.size() + logs_.size();
}

std::optional<rt::kv_error> sim_kv::refuse_if_full(const std::string& key) {
  if (entries_.size() + logs_.size() < options_.max_keys || entries_.contains(key) ||
      logs_.contains(key)) {
    return std::nullopt;
  }
  ++stats_.refused_full;
  trace_.record(sched_.now(), options_.name, "kv_error", "write " + key + " refused: store full");
  return rt::kv_error{rt::kv_errc::unavailable, "kv store full"};
}

std::optional<rt::kv_error> sim_kv::refuse_wrong_type(std::string_view op, const std::string& key,
                                                     bool key_is_log) {
  const bool clash = key_is_log ? entries_.contains(key) : logs_.contains(key);
  if (!clash) {
    return std::nullopt;
  }
  // A bug in the caller (two uses of one key), reported as a failure like Redis' WRONGTYPE.
  trace_.record(sched_.now(), options_.name, "kv_error", std::string(op) + " " + key + " wrong type");
  return rt::kv_error{rt::kv_errc::unavailable, "operation against a key holding the wrong kind of value"};
}

void sim_kv::erase_log(const std::string& key) {
  if (auto it = logs_.find(key); it != logs_.end()) {
    logs_by_expiry_.erase(it->second.expiry_slot);
    logs_.erase(it);
  }
}

void sim_kv::put(std::string key, std::string value, time_point expires) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    by_expiry_.erase(it->second.expiry_slot);
    it->second.value = std::move(value);
    it->second.expires = expires;
    it->second.expiry_slot = by_expiry_.emplace(expires, key);
    return;
  }
  auto slot = by_expiry_.emplace(expires, key);
  entries_.emplace(std::move(key), entry{std::move(value), expires, slot});
}

task<rt::kv_result<std::optional<std::string>>> sim_kv::get(std::string key) {
  if (auto failure = co_await enter("get", key)) {
    co_return make_unexpected(std::move(*failure));
  }
  purge_expired();
  if (auto clash = refuse_wrong_type("get", key, false)) {
    co_return make_unexpected(std::move(*clash));
  }
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    co_return std::optional<std::string>();
  }
  co_return std::optional<std::string>(it->second.value);
}

task<rt::kv_result<void>> sim_kv::set(std::string key, std::string value, duration ttl) {
  QM_ASSERT_MSG(ttl.count() > 0, "every kv key needs a positive ttl");
  if (auto failure = co_await enter("set", key)) {
    co_return make_unexpected(std::move(*failure));
  }
  purge_expired();
  if (auto full = refuse_if_full(key)) {
    co_return make_unexpected(std::move(*full));
  }
  // SET replaces whatever the key held, a rate-limit log included.
  erase_log(key);
  put(std::move(key), std::move(value), sched_.now() + ttl);
  co_return ok_v;
}

task<rt::kv_result<std::int64_t>> sim_kv::incr(std::string key, std::int64_t delta, duration ttl) {
  QM_ASSERT_MSG(ttl.count() > 0, "every kv key needs a positive ttl");
  if (auto failure = co_await enter("incr", key)) {
    co_return make_unexpected(std::move(*failure));
  }
  purge_expired();
  if (auto clash = refuse_wrong_type("incr", key, false)) {
    co_return make_unexpected(std::move(*clash));
  }
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (auto full = refuse_if_full(key)) {
      co_return make_unexpected(std::move(*full));
    }
    std::string text;
    append_int(text, delta);
    put(std::move(key), std::move(text), sched_.now() + ttl);
    co_return delta;
  }
  std::int64_t current = 0;
  const std::string& v = it->second.value;
  const auto parsed = std::from_chars(v.data(), v.data() + v.size(), current);
  std::int64_t next = 0;
  if (parsed.ec != std::errc() || parsed.ptr != v.data() + v.size() ||
      __builtin_add_overflow(current, delta, &next)) {
    // What Redis answers for a non-integer value; a bug in the caller, reported as a failure.
    trace_.record(sched_.now(), options_.name, "kv_error", "incr " + key + " not an integer");
    co_return make_unexpected(rt::kv_error{rt::kv_errc::unavailable, "value is not an integer or out of range"});
  }
  // The key keeps its expiry.
  it->second.value.clear();
  append_int(it->second.value, next);
  co_return next;
}

task<rt::kv_result<void>> sim_kv::del(std::string key) {
  if (auto failure = co_await enter("del", key)) {
    co_return make_unexpected(std::move(*failure));
  }
  purge_expired();
  if (auto it = entries_.find(key); it != entries_.end()) {
    by_expiry_.erase(it->second.expiry_slot);
    entries_.erase(it);
  }
  erase_log(key);
  co_return ok_v;
}

task<rt::kv_result<ratelimit::verdict>> sim_kv::admit(ratelimit::window_hit hit) {
  QM_ASSERT_MSG(hit.limit > 0 && hit.limit <= ratelimit::max_limit, "a rate limit is between 1 and 100000");
  QM_ASSERT_MSG(hit.window.count() > 0, "a rate-limit window is positive");
  if (auto failure = co_await enter("admit", hit.key)) {
    co_return make_unexpected(std::move(*failure));
  }
  purge_expired();
  if (auto clash = refuse_wrong_type("admit", hit.key, true)) {
    co_return make_unexpected(std::move(*clash));
  }
  auto it = logs_.find(hit.key);
  if (it == logs_.end()) {
    if (auto full = refuse_if_full(hit.key)) {
      co_return make_unexpected(std::move(*full));
    }
    auto slot = logs_by_expiry_.emplace(hit.now, hit.key);  // re-filed by purge_expired
    it = logs_.emplace(hit.key, log_entry{ratelimit::sliding_log(hit.limit), hit.now, slot}).first;
  }
  // The decision uses the caller's clock (hit.now), as the Lua script does; expiry runs on the
  // store's virtual time, which is the same clock in the simulator.
  const ratelimit::verdict v = it->second.log.admit(hit.now, hit.window, hit.limit);
  if (v.allowed) {
    ++stats_.admitted;
  } else {
    ++stats_.refused;
  }
  // The log is useless once its newest entry has left the window: it expires then. Usually
  // that is no earlier than its slot, which stays put (purge_expired re-files it when due); a
  // slot later than the expiry (after a shorter window) is moved, keeping the key without
  // copying it.
  it->second.expires = it->second.log.newest() + hit.window;
  if (it->second.expiry_slot->first > it->second.expires) {
    auto slot = logs_by_expiry_.extract(it->second.expiry_slot);
    slot.key() = it->second.expires;
    it->second.expiry_slot = logs_by_expiry_.insert(std::move(slot));
  }
  co_return v;
}

}  // namespace qm::sim
