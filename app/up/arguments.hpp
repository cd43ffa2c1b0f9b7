#pragma once
// The command lines of `quickmart up` and `quickmart cluster`, parsed strictly: an unknown
// option, a missing or malformed value or a stray argument is a usage error (exit 2).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"

namespace qm::up {

inline constexpr std::string_view default_data_dir = "./quickmart-data";
inline constexpr std::string_view default_pg_bin = "/usr/lib/postgresql/15/bin";

struct up_options {
  bool help = false;
  bool embedded = false;
  bool with_prometheus = false;
  int base_port = 8000;
  std::string data_dir{default_data_dir};
  std::string pg_bin{default_pg_bin};  // --pg-bin, else QUICKMART_PG_BIN
  std::string share_dir;               // --share-dir, else QUICKMART_SHARE_DIR, else found
};

enum class cluster_action { status, stop, start };

struct cluster_options {
  bool help = false;
  cluster_action action = cluster_action::status;
  std::string name;  // stop/start: the child
  std::string data_dir{default_data_dir};
  int timeout_s = 30;
};

// environment: the QUICKMART_* variables (QUICKMART_PG_BIN, QUICKMART_SHARE_DIR are read).
result<up_options, std::string> parse_up_arguments(const std::vector<std::string>& args,
                                                   const std::map<std::string, std::string>& environment);
result<cluster_options, std::string> parse_cluster_arguments(const std::vector<std::string>& args);

std::string up_help_text();
std::string cluster_help_text();

}  // namespace qm::up
