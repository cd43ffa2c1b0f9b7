#include "core/resilience/bulkhead.hpp"

#include "core/base/assert.hpp"

namespace qm::resilience {

bulkhead::permit& bulkhead::permit::operator=(permit&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void bulkhead::permit::release() {
  if (owner_ != nullptr) {
    owner_->leave();
    owner_ = nullptr;
  }
}

bulkhead::bulkhead(std::int32_t max_concurrent) : max_concurrent_(max_concurrent) {
  QM_ASSERT_MSG(max_concurrent >= 1 && max_concurrent <= max_bulkhead_concurrency,
                "bulkhead max_concurrent must be in [1, 100000]");
}

bulkhead::~bulkhead() {
  QM_ASSERT_MSG(in_use_ == 0, "bulkhead destroyed while permits are held");
}

std::optional<bulkhead::permit> bulkhead::try_enter() {
  if (in_use_ >= max_concurrent_) {
    ++rejected_;
    return std::nullopt;
  }
  ++in_use_;
  return permit(this);
}

void bulkhead::leave() {
  QM_ASSERT(in_use_ > 0);
  --in_use_;
}

}  // namespace qm::resilience
