#include "core/log/log_line.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "core/base/assert.hpp"

namespace qm::log {

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

void append_digits(std::string& out, std::int64_t v, int width) {
  std::array<char, 24> buf{};
  int n = 0;
  do {
    buf[static_cast<std::size_t>(n++)] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 || n < width);
  while (n > 0) {
    out += buf[static_cast<std::size_t>(--n)];
  }
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
struct civil_date {
  std::int64_t year;
  int month;
  int day;
};
civil_date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

// The keys a line writes itself; an event field must not repeat them.
bool is_fixed_key(std::string_view k) {
  return k == "ts" || k == "level" || k == "service" || k == "msg";
}
bool is_scope_key(std::string_view k) {
  return k == "request_id" || k == "trace_id" || k == "span_id" || k == "parent_span_id" ||
         k == "method" || k == "route" || k == "user_id";
}

void append_key(std::string& out, std::string_view key) {
  out += ',';
  append_json_string(out, key);
  out += ':';
}

}  // namespace

std::string_view to_string(level l) {
  switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "unknown";
}

field field::number(std::string_view k, std::int64_t v) {
  field f(k, std::to_string(v));
  f.is_number = true;
  return f;
}

field field::decimal(std::string_view k, double v, int digits) {
  QM_ASSERT(digits >= 0 && digits <= 9);
  if (!std::isfinite(v)) {
    return field(k, "non-finite");  // JSON has no NaN or Inf: a string says what it was
  }
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, digits);
  QM_ASSERT(ec == std::errc{});
  field f(k, std::string(buf.data(), end));
  f.is_number = true;
  return f;
}

field field::fixed(std::string_view k, std::int64_t units, int digits) {
  QM_ASSERT(digits >= 0 && digits <= 9);
  std::int64_t scale = 1;
  for (int i = 0; i < digits; ++i) {
    scale *= 10;
  }
  // Magnitudes by unsigned arithmetic, so the most negative value has one too.
  const bool negative = units < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(units) : static_cast<std::uint64_t>(units);
  const auto whole = magnitude / static_cast<std::uint64_t>(scale);
  auto fraction = magnitude % static_cast<std::uint64_t>(scale);
  std::array<char, 32> buf{};
  char* p = buf.data() + buf.size();
  for (int i = 0; i < digits; ++i) {
    *--p = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  if (digits > 0) {
    *--p = '.';
  }
  auto w = whole;
  do {
    *--p = static_cast<char>('0' + w % 10);
    w /= 10;
  } while (w > 0);
  if (negative) {
    *--p = '-';
  }
  field f(k, std::string(p, static_cast<std::size_t>(buf.data() + buf.size() - p)));
  f.is_number = true;
  return f;
}

bool is_secret_field(std::string_view name) {
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

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    // Runs of plain ASCII (most of every line) are copied in one append, not char by char.
    std::size_t plain = i;
    while (plain < s.size()) {
      const auto p = static_cast<unsigned char>(s[plain]);
      if (p < 0x20 || p >= 0x80 || p == '"' || p == '\\') {
        break;
      }
      ++plain;
    }
    if (plain > i) {
      out.append(s.data() + i, plain - i);
      i = plain;
      if (i == s.size()) {
        break;
      }
    }
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

void append_rfc3339_ms(std::string& out, std::int64_t unix_us) {
  constexpr std::int64_t us_per_day = 86'400'000'000;
  std::int64_t days = unix_us / us_per_day;
  std::int64_t rest = unix_us % us_per_day;
  if (rest < 0) {
    rest += us_per_day;
    days -= 1;
  }
  const civil_date d = civil_from_days(days);
  const std::int64_t ms_of_day = rest / 1000;
  append_digits(out, d.year, 4);
  out += '-';
  append_digits(out, d.month, 2);
  out += '-';
  append_digits(out, d.day, 2);
  out += 'T';
  append_digits(out, ms_of_day / 3'600'000, 2);
  out += ':';
  append_digits(out, ms_of_day / 60'000 % 60, 2);
  out += ':';
  append_digits(out, ms_of_day / 1000 % 60, 2);
  out += '.';
  append_digits(out, ms_of_day % 1000, 3);
  out += 'Z';
}

std::string format_rfc3339_ms(std::int64_t unix_us) {
  std::string out;
  append_rfc3339_ms(out, unix_us);
  return out;
}

void append_members(std::string& out, std::string_view message, const observe::request_scope* scope,
                    std::initializer_list<field> fields) {
  append_key(out, "msg");
  append_json_string(out, message);
  if (scope != nullptr) {
    if (!scope->request_id.empty()) {
      append_key(out, "request_id");
      append_json_string(out, scope->request_id);
    }
    append_key(out, "trace_id");
    append_json_string(out, scope->span.trace_id_view());
    append_key(out, "span_id");
    append_json_string(out, scope->span.span_id_view());
    if (scope->span.has_parent()) {
      append_key(out, "parent_span_id");
      append_json_string(out, scope->span.parent_id_view());
    }
    if (!scope->method.empty()) {
      append_key(out, "method");
      append_json_string(out, scope->method);
    }
    if (!scope->route.empty()) {
      append_key(out, "route");
      append_json_string(out, scope->route);
    }
    if (scope->user_id != 0) {
      append_key(out, "user_id");
      out += std::to_string(scope->user_id);
    }
  }
  for (const auto& f : fields) {
    if (is_fixed_key(f.key) || (scope != nullptr && is_scope_key(f.key))) {
      continue;
    }
    append_key(out, f.key);
    if (is_secret_field(f.key)) {
      out += "\"[redacted]\"";
    } else if (f.is_number) {
      out += f.value;
    } else {
      append_json_string(out, f.value);
    }
  }
}

void append_line(std::string& out, std::int64_t unix_us, level l, std::string_view service,
                 std::string_view message, const observe::request_scope* scope,
                 std::initializer_list<field> fields) {
  out += "{\"ts\":\"";
  append_rfc3339_ms(out, unix_us);
  out += "\",\"level\":\"";
  out += to_string(l);
  out += "\",\"service\":";
  append_json_string(out, service);
  append_members(out, message, scope, fields);
  out += "}\n";
}

}  // namespace qm::log
