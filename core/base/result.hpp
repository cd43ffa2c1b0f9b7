#pragma once
// result<T, E>: a value or an error, the project's stand-in for C++23 std::expected.
// Errors that a caller is expected to handle (timeouts, unavailability, bad input) travel
// as values; exceptions are kept for bugs and for unwinding inside synchronous SQL bodies.

#include <type_traits>
#include <utility>
#include <variant>

#include "core/base/assert.hpp"

namespace qm {

template <typename E>
struct unexpected {
  E error;
};

template <typename E>
unexpected<std::decay_t<E>> make_unexpected(E&& e) {
  return {std::forward<E>(e)};
}

template <typename T, typename E>
class [[nodiscard]] result {
 public:
  result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  result(unexpected<E> e) : storage_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT

  bool ok() const { return storage_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    QM_ASSERT_MSG(ok(), "value() on an error result");
    return std::get<0>(storage_);
  }
  const T& value() const& {
    QM_ASSERT_MSG(ok(), "value() on an error result");
    return std::get<0>(storage_);
  }
  T&& value() && {
    QM_ASSERT_MSG(ok(), "value() on an error result");
    return std::get<0>(std::move(storage_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const& {
    QM_ASSERT_MSG(!ok(), "error() on a value result");
    return std::get<1>(storage_);
  }
  E&& error() && {
    QM_ASSERT_MSG(!ok(), "error() on a value result");
    return std::get<1>(std::move(storage_));
  }

 private:
  std::variant<T, E> storage_;
};

// result<void, E>: success carries nothing.
struct ok_t {};
inline constexpr ok_t ok_v{};

template <typename E>
class [[nodiscard]] result<void, E> {
 public:
  result() = default;
  result(ok_t) {}  // NOLINT
  result(unexpected<E> e) : error_(std::move(e.error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const E& error() const {
    QM_ASSERT_MSG(failed_, "error() on a value result");
    return error_;
  }

 private:
  E error_{};
  bool failed_ = false;
};

}  // namespace qm
