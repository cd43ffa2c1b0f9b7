#include "services/common/health_checks.hpp"

#include <exception>
#include <utility>

#include "core/base/assert.hpp"

namespace qm::services {

namespace {

// One probe per target at most is in flight; a service has a handful of targets.
constexpr std::size_t max_probes = 64;

}  // namespace

health_checks::health_checks(rt::clock& clock, rt::logger& log, duration ttl)
    : clock_(clock),
      ttl_(ttl),
      probes_(max_probes, [&log](const std::string& why) {
        log.error("health check failed unexpectedly", {{"error", why}});
      }) {}

void health_checks::add(std::string name, check c) {
  QM_ASSERT_MSG(targets_.size() < max_probes, "a service has a handful of health targets");
  const bool added = targets_.emplace(std::move(name), target{std::move(c), {}, false, {}}).second;
  QM_ASSERT_MSG(added, "a health target is added once");
}

bool health_checks::has(std::string_view name) const { return targets_.find(name) != targets_.end(); }

task<void> health_checks::probe(target& t) {
  const time_point started = clock_.now();
  check_result r;
  try {
    r = co_await t.run();
  } catch (const std::exception& e) {
    r = check_result{false, e.what(), {}, {}};
  }
  r.checked_at = clock_.now();
  r.latency = std::max(duration{0}, r.checked_at - started);  // a clock may step back
  t.last = r;
  t.in_flight = false;
  // Taken out first: a woken asker runs before the next is woken and may ask again.
  std::vector<completion<check_result>> waiters = std::exchange(t.waiters, {});
  for (const auto& w : waiters) {
    w.fulfil(r);
  }
}

task<std::vector<check_result>> health_checks::results(std::vector<std::string> names) {
  std::vector<check_result> out(names.size());
  std::vector<std::optional<completion<check_result>>> waits(names.size());
  const time_point now = clock_.now();
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto it = targets_.find(names[i]);
    QM_ASSERT_MSG(it != targets_.end(), "results() names known targets");
    target& t = it->second;
    if (t.last && now - t.last->checked_at < ttl_ && now >= t.last->checked_at) {
      out[i] = *t.last;
      continue;
    }
    if (t.waiters.size() >= max_waiters) {
      out[i] = t.last.value_or(check_result{false, "check busy", {}, now});
      continue;
    }
    completion<check_result> done;
    t.waiters.push_back(done);
    waits[i] = done;
    if (!t.in_flight) {
      t.in_flight = true;
      const bool spawned = probes_.spawn(probe(t));
      QM_ASSERT(spawned);
    }
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (waits[i]) {
      const completion<check_result>& done = *waits[i];
      out[i] = co_await done;
    }
  }
  co_return out;
}

}  // namespace qm::services
