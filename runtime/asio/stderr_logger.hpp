#pragma once
// The production logger: one JSON object per line on stderr,
//   {"ts":"2026-01-02T03:04:05.678Z","level":"info","service":"auth","msg":"...","fields":{...}}
// Values of fields whose names look secret (secret, password, token, authorization, cookie,
// api key) are written as "[redacted]": a secret handed to the logger by mistake still never
// reaches the log. Thread-safe; each line is written whole.

#include <cstdint>
#include <functional>
#include <mutex>
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

  void write(rt::log_level level, std::string_view message,
             std::initializer_list<rt::log_field> fields) override;
  bool enabled(rt::log_level level) const override { return level >= threshold_; }

  // True for field names whose values are never logged.
  static bool is_secret_field(std::string_view name);

 private:
  void emit(std::string_view line);

  std::string service_;
  rt::log_level threshold_;
  sink out_;
  std::mutex write_mutex_;
};

// Appends s to out as a JSON string literal (quoted, escaped, invalid UTF-8 replaced by '?').
void append_json_string(std::string& out, std::string_view s);

// RFC 3339 UTC with milliseconds: "2026-01-02T03:04:05.678Z".
std::string format_rfc3339_ms(std::int64_t unix_us);

}  // namespace qm::rt::asio
