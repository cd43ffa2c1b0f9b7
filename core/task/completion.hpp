#pragma once
// completion<T>: a one-shot rendezvous between an event source (a timer, a network reply,
// a database worker) and the one coroutine that waits for it.
//
// The first fulfil() wins; later ones are dropped and reported (fulfil returns false), which
// is how a reply that arrives after its deadline is discarded safely. If the waiting frame is
// destroyed first (a crashed node, a cancelled task), its awaiter unregisters itself, so the
// event source never resumes a dead frame. Single-threaded by contract: fulfil() must run on
// the thread that owns the waiter (the event loop or the simulator's scheduler).

#include <coroutine>
#include <memory>
#include <optional>
#include <utility>

#include "core/base/assert.hpp"

namespace qm {

template <typename T>
class completion {
  struct state {
    std::optional<T> value;
    std::coroutine_handle<> waiter;
    bool awaited = false;
  };

 public:
  completion() : state_(std::make_shared<state>()) {}

  // True when this call delivered the value; false when the completion was already done.
  bool fulfil(T value) const {
    if (state_->value.has_value()) {
      return false;
    }
    state_->value.emplace(std::move(value));
    if (auto waiter = std::exchange(state_->waiter, {})) {
      waiter.resume();
    }
    return true;
  }

  bool done() const { return state_->value.has_value(); }
  // True while a live frame is suspended on this completion.
  bool has_waiter() const { return static_cast<bool>(state_->waiter); }

  class awaiter {
   public:
    explicit awaiter(std::shared_ptr<state> s) : state_(std::move(s)) {}
    awaiter(awaiter&& other) noexcept : state_(std::move(other.state_)) {}
    awaiter(const awaiter&) = delete;
    awaiter& operator=(const awaiter&) = delete;
    awaiter& operator=(awaiter&&) = delete;
    ~awaiter() {
      if (state_) {
        state_->waiter = {};
      }
    }
    bool await_ready() const noexcept { return state_->value.has_value(); }
    void await_suspend(std::coroutine_handle<> h) noexcept {
      QM_ASSERT_MSG(!state_->waiter, "a completion has one waiter at most");
      state_->waiter = h;
    }
    T await_resume() {
      QM_ASSERT(state_->value.has_value());
      return std::move(*state_->value);
    }

   private:
    std::shared_ptr<state> state_;
  };

  // A completion is awaited once.
  awaiter operator co_await() const {
    QM_ASSERT_MSG(!state_->awaited, "a completion is awaited once");
    state_->awaited = true;
    return awaiter(state_);
  }

 private:
  std::shared_ptr<state> state_;
};

}  // namespace qm
