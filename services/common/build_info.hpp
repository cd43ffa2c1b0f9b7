#pragma once
// What build this process is: the project version and the git commit it was configured from
// ("unknown" outside a git checkout). Generated at configure time into one translation unit
// (build_info.cpp.in), so a new commit recompiles that file only.

#include <string_view>

namespace qm::services {

std::string_view build_version();
std::string_view build_commit();

}  // namespace qm::services
