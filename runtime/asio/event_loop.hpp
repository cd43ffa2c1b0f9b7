#pragma once
// The process's one event loop: a single-threaded boost::asio::io_context. qm::task coroutines
// run only on the thread inside run(); other threads hand work to it with post().
//
// Shutdown on SIGTERM/SIGINT: on_shutdown_signal() registers callbacks that run on the loop
// thread when the first signal arrives (the HTTP server's graceful shutdown, say). A second
// signal stops the loop at once, for an operator who does not want to wait.

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace qm::rt::asio {

class event_loop {
 public:
  event_loop();
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // Runs handlers on the calling thread until stop(); idle time does not end it.
  void run();
  // Makes run() return soon; handlers still queued are not run. Thread-safe.
  void stop();
  // Queues fn to run on the loop thread. Thread-safe; the one way in for other threads.
  void post(std::function<void()> fn);
  // True on the thread currently inside run().
  bool on_loop_thread() const;

  // Adds a callback for the first SIGTERM/SIGINT (run on the loop thread, in order added).
  // The signal handlers are installed by the first call and removed with the loop.
  void on_shutdown_signal(std::function<void(int signal_number)> callback);

  // For runtime code that needs Asio objects (timers, sockets) bound to this loop.
  boost::asio::io_context& context();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace qm::rt::asio
