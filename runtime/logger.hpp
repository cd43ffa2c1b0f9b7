#pragma once
// The runtime's logger. Services say what happened; the runtime adds time, service and node,
// and decides where it goes (a JSON line on stderr in production, the trace in simulation).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qm::rt {

enum class log_level : std::uint8_t { debug, info, warn, error };
std::string_view to_string(log_level l);

using log_field = std::pair<std::string_view, std::string>;

class logger {
 public:
  virtual ~logger() = default;
  virtual void write(log_level level, std::string_view message,
                     std::initializer_list<log_field> fields) = 0;
  virtual bool enabled(log_level level) const = 0;

  void debug(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::debug, m, f); }
  void info(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::info, m, f); }
  void warn(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::warn, m, f); }
  void error(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::error, m, f); }

 private:
  void log(log_level l, std::string_view m, std::initializer_list<log_field> f) {
    if (enabled(l)) {
      write(l, m, f);
    }
  }
};

}  // namespace qm::rt
