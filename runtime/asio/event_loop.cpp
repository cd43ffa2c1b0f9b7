#include "runtime/asio/event_loop.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <optional>
#include <vector>

#include "core/base/assert.hpp"

namespace qm::rt::asio {

namespace net = boost::asio;

struct event_loop::impl {
  // One thread runs the context; the hint lets Asio take its single-thread fast paths
  // (posting from other threads stays safe).
  net::io_context context{1};
  std::optional<net::signal_set> signals;
  std::vector<std::function<void(int)>> shutdown_callbacks;
  int signals_seen = 0;

  // Waits for the next signal; the first runs the callbacks, the second stops the loop.
  void wait_for_signal() {
    signals->async_wait([this](const boost::system::error_code& ec, int signal_number) {
      if (ec) {
        return;
      }
      ++signals_seen;
      if (signals_seen > 1) {
        context.stop();
        return;
      }
      // Callbacks may add callbacks; iterate over a copy so that is harmless.
      auto callbacks = shutdown_callbacks;
      for (auto& cb : callbacks) {
        cb(signal_number);
      }
      wait_for_signal();
    });
  }
};

event_loop::event_loop() : impl_(std::make_unique<impl>()) {}

event_loop::~event_loop() {
  if (impl_->signals) {
    boost::system::error_code ignored;
    impl_->signals->cancel(ignored);
    impl_->signals->clear(ignored);
  }
}

void event_loop::run() {
  auto guard = net::make_work_guard(impl_->context);
  impl_->context.restart();
  impl_->context.run();
}

void event_loop::stop() { impl_->context.stop(); }

void event_loop::post(std::function<void()> fn) {
  QM_ASSERT(fn);
  net::post(impl_->context, std::move(fn));
}

bool event_loop::on_loop_thread() const {
  return impl_->context.get_executor().running_in_this_thread();
}

void event_loop::on_shutdown_signal(std::function<void(int)> callback) {
  QM_ASSERT(callback);
  impl_->shutdown_callbacks.push_back(std::move(callback));
  if (!impl_->signals) {
    impl_->signals.emplace(impl_->context, SIGTERM, SIGINT);
    impl_->wait_for_signal();
  }
}

net::io_context& event_loop::context() { return impl_->context; }

}  // namespace qm::rt::asio
