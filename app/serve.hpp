#pragma once
// `quickmart serve <service>`: one service as a production process on the Asio event loop,
// configured from QUICKMART_* variables and flags (core/config/service_config.hpp).

#include <map>
#include <string>
#include <vector>

namespace qm::app {

// Runs until SIGTERM/SIGINT (exit 0 after a graceful shutdown). Exit 2 for bad configuration,
// 1 when the service cannot start (its database never became reachable, a port in use).
int serve(const std::string& service, const std::vector<std::string>& args,
          const std::map<std::string, std::string>& environment);

}  // namespace qm::app
