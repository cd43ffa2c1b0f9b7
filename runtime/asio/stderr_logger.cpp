#include "runtime/asio/stderr_logger.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <mutex>

#include "core/base/time.hpp"

namespace qm::rt::asio {

namespace {

log::level from_spdlog(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
    case spdlog::level::debug: return log::level::debug;
    case spdlog::level::info: return log::level::info;
    case spdlog::level::warn: return log::level::warn;
    default: return log::level::error;
  }
}

spdlog::level::level_enum to_spdlog(log::level l) {
  switch (l) {
    case log::level::debug: return spdlog::level::debug;
    case log::level::info: return spdlog::level::info;
    case log::level::warn: return spdlog::level::warn;
    case log::level::error: return spdlog::level::err;
  }
  return spdlog::level::err;
}

// spdlog's record carries the time, the level and the logger's name (the service); its
// payload is the rest of our line, already rendered (",\"msg\":...,..."). This formatter
// puts them together as one JSON object and a newline.
class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    line_.clear();
    line_ += "{\"ts\":\"";
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch());
    log::append_rfc3339_ms(line_, us.count());
    line_ += "\",\"level\":\"";
    line_ += log::to_string(from_spdlog(msg.level));
    line_ += "\",\"service\":";
    log::append_json_string(line_, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    line_.append(msg.payload.data(), msg.payload.size());
    line_ += "}\n";
    dest.append(line_.data(), line_.data() + line_.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_formatter>(); }

 private:
  std::string line_;  // reused: a sink formats under its own lock
};

// Hands finished lines to a function (tests read what was logged).
class function_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit function_sink(stderr_logger::sink out) : out_(std::move(out)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    out_(std::string_view(formatted.data(), formatted.size()));
  }
  void flush_() override {}

 private:
  stderr_logger::sink out_;
};

}  // namespace

struct stderr_logger::impl {
  std::shared_ptr<spdlog::logger> logger;
};

stderr_logger::stderr_logger(std::string service, rt::log_level threshold, sink out)
    : impl_(std::make_unique<impl>()), threshold_(threshold) {
  spdlog::sink_ptr target;
  if (out) {
    target = std::make_shared<function_sink>(std::move(out));
  } else {
    // stderr, unbuffered by the C library: spdlog writes each line with one fwrite and
    // flushes, so a crash loses nothing already logged.
    target = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  target->set_formatter(std::make_unique<json_formatter>());
  // Not registered in spdlog's global registry: each process part owns its logger.
  impl_->logger = std::make_shared<spdlog::logger>(std::move(service), std::move(target));
  impl_->logger->set_level(to_spdlog(threshold));
  impl_->logger->flush_on(spdlog::level::err);
}

stderr_logger::~stderr_logger() = default;

void stderr_logger::write(rt::log_level level, std::string_view message,
                          const observe::request_scope* scope,
                          std::initializer_list<rt::log_field> fields) {
  if (!enabled(level)) {
    return;
  }
  thread_local std::string members;
  members.clear();
  log::append_members(members, message, scope, fields);
  impl_->logger->log(to_spdlog(level), spdlog::string_view_t(members.data(), members.size()));
}

}  // namespace qm::rt::asio
