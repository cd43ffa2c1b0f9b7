#include "runtime/asio/stderr_logger.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "runtime/asio/asio_clock.hpp"

namespace qm::rt::asio {

namespace {

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) {
    return false;
  }
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    bool match = true;
    for (std::size_t j = 0; j < needle.size() && match; ++j) {
      char c = haystack[i + j];
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
      match = c == needle[j];
    }
    if (match) {
      return true;
    }
  }
  return false;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
      return 0;
    }
  }
  return len;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (const std::size_t len = utf8_sequence_length(s, i); len > 0) {
      out.append(s.substr(i, len));
      i += len - 1;
    } else {
      out += '?';
    }
  }
  out += '"';
}

std::string format_rfc3339_ms(std::int64_t unix_us) {
  std::int64_t secs = unix_us / 1'000'000;
  std::int64_t us = unix_us % 1'000'000;
  if (us < 0) {
    us += 1'000'000;
    secs -= 1;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm parts{};
  gmtime_r(&t, &parts);
  std::array<char, 40> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                              parts.tm_min, parts.tm_sec, static_cast<int>(us / 1000));
  return std::string(buf.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

stderr_logger::stderr_logger(std::string service, rt::log_level threshold, sink out)
    : service_(std::move(service)), threshold_(threshold), out_(std::move(out)) {}

bool stderr_logger::is_secret_field(std::string_view name) {
  static constexpr std::array<std::string_view, 9> markers{
      "secret", "password", "passwd", "token", "authorization", "cookie", "api_key", "apikey",
      "credential"};
  for (auto m : markers) {
    if (icontains(name, m)) {
      return true;
    }
  }
  return false;
}

void stderr_logger::write(rt::log_level level, std::string_view message,
                          std::initializer_list<rt::log_field> fields) {
  if (!enabled(level)) {
    return;
  }
  std::string line;
  line.reserve(160 + message.size());
  line += "{\"ts\":\"";
  line += format_rfc3339_ms(to_unix_us(asio_clock::wall_now()));
  line += "\",\"level\":\"";
  line += rt::to_string(level);
  line += "\",\"service\":";
  append_json_string(line, service_);
  line += ",\"msg\":";
  append_json_string(line, message);
  line += ",\"fields\":{";
  bool first = true;
  for (const auto& [key, value] : fields) {
    if (!first) {
      line += ',';
    }
    first = false;
    append_json_string(line, key);
    line += ':';
    append_json_string(line, is_secret_field(key) ? std::string_view("[redacted]") : value);
  }
  line += "}}\n";
  emit(line);
}

void stderr_logger::emit(std::string_view line) {
  std::lock_guard lock(write_mutex_);
  if (out_) {
    out_(line);
    return;
  }
  // One write(2) per line normally; a short write (a full pipe) is finished, a bounded number
  // of times, so lines from several threads never interleave.
  for (int attempt = 0; attempt < 64 && !line.empty(); ++attempt) {
    const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace qm::rt::asio
