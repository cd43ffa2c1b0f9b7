#pragma once
// The gateway: the one service clients talk to. It forwards the routes of its table with
// request ids and deadlines, authenticating callers once for the services behind it; rate
// limits and fallbacks join it later. It owns no database.

#include <memory>
#include <optional>

#include "runtime/service.hpp"
#include "services/common/observability.hpp"
#include "services/gateway/forward.hpp"

namespace qm::gateway {

class gateway_service final : public rt::service {
 public:
  explicit gateway_service(rt::runtime& rt) : rt_(rt) {}
  task<bool> start() override;

 private:
  rt::runtime& rt_;
  std::optional<gateway_context> ctx_;  // set once start() has succeeded
  std::unique_ptr<services::observability> observability_;  // its routes; after ctx_, which it refers to
};

// The settings, or a message naming the bad one.
result<gateway_settings, std::string> read_settings(const rt::settings& config);

}  // namespace qm::gateway
