#pragma once
// The runtime's logger. Services say what happened (and, inside a request, pass the request's
// scope so the line carries its request id, trace and route); the runtime adds time, level
// and service, and decides where the line goes: stderr through spdlog in production, the
// trace in simulation. Both write the same JSON line (core/log/log_line.hpp).

#include <initializer_list>
#include <string_view>

#include "core/log/log_line.hpp"
#include "core/observe/request_scope.hpp"

namespace qm::rt {

using log_level = log::level;
using log::to_string;
using log_field = log::field;

class logger {
 public:
  virtual ~logger() = default;
  // scope: the request the line is about, or null for work outside a request.
  virtual void write(log_level level, std::string_view message, const observe::request_scope* scope,
                     std::initializer_list<log_field> fields) = 0;
  virtual bool enabled(log_level level) const = 0;

  void debug(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::debug, nullptr, m, f); }
  void info(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::info, nullptr, m, f); }
  void warn(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::warn, nullptr, m, f); }
  void error(std::string_view m, std::initializer_list<log_field> f = {}) { log(log_level::error, nullptr, m, f); }

  // The same, about one request.
  void debug(const observe::request_scope* s, std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::debug, s, m, f);
  }
  void info(const observe::request_scope* s, std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::info, s, m, f);
  }
  void warn(const observe::request_scope* s, std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::warn, s, m, f);
  }
  void error(const observe::request_scope* s, std::string_view m, std::initializer_list<log_field> f = {}) {
    log(log_level::error, s, m, f);
  }

 private:
  void log(log_level l, const observe::request_scope* s, std::string_view m,
           std::initializer_list<log_field> f) {
    if (enabled(l)) {
      write(l, m, s, f);
    }
  }
};

}  // namespace qm::rt
