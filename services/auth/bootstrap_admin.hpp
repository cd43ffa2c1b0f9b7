#pragma once
// The first administrator: with admin_email and admin_password set, start() makes sure that
// account exists with role admin (creating it, or promoting an existing user of that email).
// Its password is set only when the account is created, so restarting the service never
// resets a password the admin has since changed elsewhere.

#include "core/base/result.hpp"
#include "core/task/task.hpp"
#include "services/auth/routes.hpp"

namespace qm::auth {

// Ok when no bootstrap admin is configured or the account is in place; a database error
// otherwise (start then fails and is retried).
task<rt::db_status> ensure_bootstrap_admin(auth_context& c);

}  // namespace qm::auth
