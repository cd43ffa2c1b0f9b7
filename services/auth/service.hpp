#pragma once
// The auth service: users, passwords and tokens, on its own database (auth_db).
// start() reads the settings (refusing to start without a usable token_secret), applies the
// schema migrations, then registers the routes.

#include <memory>
#include <optional>

#include "runtime/service.hpp"
#include "services/common/observability.hpp"
#include "services/auth/routes.hpp"

namespace qm::auth {

inline constexpr std::string_view database_name = "auth_db";

class auth_service final : public rt::service {
 public:
  explicit auth_service(rt::runtime& rt) : rt_(rt) {}
  task<bool> start() override;

 private:
  rt::runtime& rt_;
  std::optional<auth_context> ctx_;  // set once start() has succeeded
  std::unique_ptr<services::observability> observability_;  // its routes; after ctx_, which it refers to
};

}  // namespace qm::auth
