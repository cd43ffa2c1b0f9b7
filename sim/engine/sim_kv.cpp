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

task<std::optional<rt::kv_error>> sim_kv::enter(std::string_view op, const std::string& key) {
  ++stats_.ops;
  if (faults_.unavailable) {
    ++stats_.unavailable;
    trace_.record(sched_.now(), options_.name, "kv_error", std::string(op) + " " + key + " unavailable");
    co_return rt::kv_error{rt::kv_errc::unavailable, "kv store unavailable"};
  }
  const duration latency = options_.base_latency + faults_.latency;
  if (latency.count() <= 0) {
    co_return std::nullopt;
  }
  const bool too_slow = latency >= options_.op_timeout;
  completion<bool> woken;
  sched_.at_delay(too_slow ? options_.op_timeout : latency, [woken] { woken.fulfil(true); });
  co_await woken;
  if (too_slow) {
    ++stats_.timeouts;
    trace_.record(sched_.now(), options_.name, "kv_error", std::string(op) + " " + key + " timeout");
    co_return rt::kv_error{rt::kv_errc::timeout, "kv call timed out"};
  }
  co_return std::nullopt;
}

void sim_kv::purge_expired() {
  const time_point now = sched_.now();
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    entries_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
    ++stats_.expired;
  }
}

std::size_t sim_kv::size() {
  purge_expired();
  return entries_.size();
}

std::optional<rt::kv_error> sim_kv::refuse_if_full(const std::string& key) {
  if (entries_.size() < options_.max_keys || entries_.contains(key)) {
    return std::nullopt;
  }
  ++stats_.refused_full;
  trace_.record(sched_.now(), options_.name, "kv_error", "write " + key + " refused: store full");
  return rt::kv_error{rt::kv_errc::unavailable, "kv store full"};
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
  put(std::move(key), std::move(value), sched_.now() + ttl);
  co_return ok_v;
}

task<rt::kv_result<std::int64_t>> sim_kv::incr(std::string key, std::int64_t delta, duration ttl) {
  QM_ASSERT_MSG(ttl.count() > 0, "every kv key needs a positive ttl");
  if (auto failure = co_await enter("incr", key)) {
    co_return make_unexpected(std::move(*failure));
  }
  purge_expired();
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
  co_return ok_v;
}

}  // namespace qm::sim
