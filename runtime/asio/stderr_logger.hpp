#pragma once
// The production logger: the project's JSON lines (core/log/log_line.hpp) through spdlog, on
// stderr by default. spdlog gives the level filter, one lock per sink (lines from several
// threads never interleave) and sinks; our formatter (json_formatter in the .cpp) writes
// ts/level/service from spdlog's record and the rest of the line from ours. spdlog stays
// out of this header: it is costly to compile.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/logger.hpp"

namespace qm::rt::asio {

class stderr_logger final : public rt::logger {
 public:
  // Where finished lines go (each with its trailing newline); stderr when empty.
  using sink = std::function<void(std::string_view line)>;

  explicit stderr_logger(std::string service, rt::log_level threshold = rt::log_level::info,
                         sink out = {});
  ~stderr_logger() override;
  stderr_logger(const stderr_logger&) = delete;
  stderr_logger& operator=(const stderr_logger&) = delete;

  void write(rt::log_level level, std::string_view message, const observe::request_scope* scope,
             std::initializer_list<rt::log_field> fields) override;
  bool enabled(rt::log_level level) const override { return level >= threshold_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  rt::log_level threshold_;
};

}  // namespace qm::rt::asio
