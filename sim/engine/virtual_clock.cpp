#include "sim/engine/virtual_clock.hpp"

#include "core/task/completion.hpp"

namespace qm::sim {

task<void> virtual_clock::sleep(duration d) {
  completion<bool> woken;
  sched_.at_delay(d, [woken] { woken.fulfil(true); });
  co_await woken;
}

}  // namespace qm::sim
