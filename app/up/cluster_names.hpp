#pragma once
// The children `quickmart up` may run, named as the compose services are, and the port plan:
// everything listens on 127.0.0.1 at a fixed offset from --base-port, so a drill (or a person)
// knows where each piece is without asking.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace qm::up {

enum class child_kind { database, redis, service, gateway, prometheus };

struct child_name {
  std::string_view name;  // "gateway", "auth", ..., "auth-db", ..., "redis", "prometheus"
  child_kind kind;
  int port_offset;  // port = base port + offset
};

// Every name, gateway first, in the order `cluster status` lists them.
std::span<const child_name> all_child_names();

// The five services that own a database, in port order (auth, product, cart, order, delivery).
std::span<const std::string_view> database_services();

// The six services behind the gateway, in port order.
std::span<const std::string_view> backend_services();

std::optional<child_name> find_child_name(std::string_view name);

// "auth" -> "auth-db".
std::string database_name_of(std::string_view service);

// The highest offset: a base port N needs N..N+max_port_offset free.
inline constexpr int max_port_offset = 30;
inline constexpr int default_base_port = 8000;

}  // namespace qm::up
