#pragma once
// Named checks of a service's dependencies (its database, each upstream) whose outcomes are
// reused for a while and shared by concurrent askers: however many health probes arrive, a
// dependency sees at most one check per target per ttl, and never two at once. Checks of
// different targets run concurrently, so an answer takes as long as the slowest check, not
// their sum.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.hpp"
#include "core/task/completion.hpp"
#include "core/task/task.hpp"
#include "core/task/task_scope.hpp"
#include "runtime/clock.hpp"
#include "runtime/logger.hpp"

namespace qm::services {

// The outcome of one check of a dependency.
struct check_result {
  bool ok = false;
  std::string error;  // why not, "" when ok
  duration latency{0};
  time_point checked_at{};
};

class health_checks {
 public:
  // A check must end by itself within its own timeout (it is a probe with a deadline).
  using check = std::function<task<check_result>()>;
  // Askers waiting for one target's check in flight, at most; more get the last outcome.
  static constexpr std::size_t max_waiters = 256;

  health_checks(rt::clock& clock, rt::logger& log, duration ttl);
  health_checks(const health_checks&) = delete;
  health_checks& operator=(const health_checks&) = delete;

  // Adds a target; names are unique.
  void add(std::string name, check c);
  bool has(std::string_view name) const;

  // The outcome for each name (known targets only), in order: a fresh cached one, or the
  // check in flight, or a new check started now.
  task<std::vector<check_result>> results(std::vector<std::string> names);

 private:
  struct target {
    check run;
    std::optional<check_result> last;
    bool in_flight = false;
    std::vector<completion<check_result>> waiters;
  };
  task<void> probe(target& t);

  rt::clock& clock_;
  duration ttl_;
  std::map<std::string, target, std::less<>> targets_;  // node-stable: probes refer to entries
  // Last: destroyed first, ending probes still running before the targets they refer to.
  task_scope probes_;
};

}  // namespace qm::services
