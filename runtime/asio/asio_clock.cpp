#include "runtime/asio/asio_clock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "core/task/completion.hpp"

namespace qm::rt::asio {

time_point asio_clock::wall_now() {
  return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
}

task<void> asio_clock::sleep(duration d) {
  QM_ASSERT_MSG(loop_.on_loop_thread(), "sleep is awaited on the event loop thread");
  completion<bool> woken;
  boost::asio::steady_timer timer(loop_.context());
  if (d > duration::zero()) {
    timer.expires_after(d);
    // Runs with operation_aborted when the frame (and so the timer) dies first; fulfil then
    // finds no waiter and resumes nothing.
    timer.async_wait([woken](const boost::system::error_code&) { woken.fulfil(true); });
  } else {
    boost::asio::post(loop_.context(), [woken] { woken.fulfil(true); });
  }
  co_await woken;
}

}  // namespace qm::rt::asio
