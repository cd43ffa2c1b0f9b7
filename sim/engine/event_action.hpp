#pragma once
// event_action: a move-only `void()` callable with inline storage. The scheduler runs millions
// of small actions per second; std::function would allocate for any capture above 16 bytes
// and cannot hold move-only captures (a message travelling over a link owns its payload).
// Callables up to inline_capacity bytes live inside the object; larger ones go to the heap.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "core/base/assert.hpp"

namespace qm::sim {

class event_action {
 public:
  static constexpr std::size_t inline_capacity = 48;

  event_action() = default;

  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, event_action>>>
  event_action(F&& f) {  // NOLINT: implicit, so a lambda passes where an action is expected
    emplace(std::forward<F>(f));
  }

  event_action(event_action&& other) noexcept { take(other); }
  event_action& operator=(event_action&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  event_action(const event_action&) = delete;
  event_action& operator=(const event_action&) = delete;
  ~event_action() { reset(); }

  // Replaces the held callable with f.
  template <typename F>
  void emplace(F&& f) {
    using fn = std::decay_t<F>;
    if constexpr (std::is_same_v<fn, event_action>) {
      *this = std::move(f);
    } else {
      reset();
      if constexpr (stored_inline<fn>) {
        ::new (static_cast<void*>(buf_)) fn(std::forward<F>(f));
        ops_ = &inline_ops<fn>;
      } else {
        *reinterpret_cast<fn**>(buf_) = new fn(std::forward<F>(f));
        ops_ = &heap_ops<fn>;
      }
    }
  }

  void operator()() {
    QM_ASSERT_MSG(ops_ != nullptr, "ran an empty event action");
    ops_->invoke(buf_);
  }

  explicit operator bool() const { return ops_ != nullptr; }

  void reset() noexcept {
    if (ops_ != nullptr) {
      ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }

  // For tests and benchmarks: whether a callable of type F avoids the heap.
  template <typename F>
  static constexpr bool stored_inline = sizeof(F) <= inline_capacity &&
                                        alignof(F) <= alignof(std::max_align_t) &&
                                        std::is_nothrow_move_constructible_v<F>;

 private:
  struct ops {
    void (*invoke)(void* self);
    void (*relocate)(void* from, void* to) noexcept;  // move-construct at to, destroy from
    void (*destroy)(void* self) noexcept;
  };

  template <typename F>
  static constexpr ops inline_ops{
      [](void* self) { (*static_cast<F*>(self))(); },
      [](void* from, void* to) noexcept {
        ::new (to) F(std::move(*static_cast<F*>(from)));
        static_cast<F*>(from)->~F();
      },
      [](void* self) noexcept { static_cast<F*>(self)->~F(); },
  };

  template <typename F>
  static constexpr ops heap_ops{
      [](void* self) { (**static_cast<F**>(self))(); },
      [](void* from, void* to) noexcept { *static_cast<F**>(to) = *static_cast<F**>(from); },
      [](void* self) noexcept { delete *static_cast<F**>(self); },
  };

  void take(event_action& other) noexcept {
    if (other.ops_ != nullptr) {
      other.ops_->relocate(other.buf_, buf_);
      ops_ = std::exchange(other.ops_, nullptr);
    }
  }

  alignas(std::max_align_t) unsigned char buf_[inline_capacity];
  const ops* ops_ = nullptr;
};

}  // namespace qm::sim
