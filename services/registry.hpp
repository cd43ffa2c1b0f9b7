#pragma once
// The one place that knows every service by name: the production entry point and the
// simulator build services through it, so neither depends on a service's own headers.

#include <memory>
#include <string_view>
#include <vector>

#include "runtime/runtime.hpp"
#include "runtime/service.hpp"

namespace qm::services {

// Every service name make_service knows, in a fixed order.
std::vector<std::string_view> service_names();

// The service called name on runtime rt, or null for an unknown name.
std::unique_ptr<rt::service> make_service(std::string_view name, rt::runtime& rt);

// The database the service owns ("auth_db"), or "" when it has none (or is unknown).
std::string_view database_of(std::string_view name);

}  // namespace qm::services
