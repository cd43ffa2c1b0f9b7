#pragma once
// `quickmart up` and `quickmart cluster`: the entry points quickmart_main.cpp dispatches to.

#include <map>
#include <string>
#include <vector>

namespace qm::up {

// environment: the QUICKMART_* part of up's environment (some pass through to the services).
int run_up(const std::vector<std::string>& args, const std::map<std::string, std::string>& environment);

int run_cluster(const std::vector<std::string>& args);

}  // namespace qm::up
