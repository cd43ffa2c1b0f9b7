#include "core/http/message.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/json/json.hpp"

namespace qm::http {

std::string_view to_string(method m) {
  switch (m) {
    case method::get: return "GET";
    case method::head: return "HEAD";
    case method::post: return "POST";
    case method::put: return "PUT";
    case method::patch: return "PATCH";
    case method::del: return "DELETE";
    case method::options: return "OPTIONS";
    case method::unknown: break;
  }
  return "UNKNOWN";
}

method method_from_string(std::string_view s) {
  if (s == "GET") return method::get;
  if (s == "HEAD") return method::head;
  if (s == "POST") return method::post;
  if (s == "PUT") return method::put;
  if (s == "PATCH") return method::patch;
  if (s == "DELETE") return method::del;
  if (s == "OPTIONS") return method::options;
  return method::unknown;
}

bool is_idempotent(method m) {
  return m == method::get || m == method::head || m == method::put || m == method::del ||
         m == method::options;
}

namespace {
// A message carries a handful of fields (a response through the gateway about eight: its own,
// X-Request-ID and the rate-limit ones), so the first field makes room for them all rather than
// growing the vector one doubling at a time.
constexpr std::size_t typical_field_count = 8;
}  // namespace

void headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void headers::add(std::string name, std::string value) {
  if (fields_.capacity() == 0) {
    fields_.reserve(typical_field_count);
  }
  fields_.emplace_back(std::move(name), std::move(value));
}

void headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
}

namespace {

// Each byte of w with A-Z folded to a-z, the other bytes as they are: a byte's low seven bits
// plus a constant set its high bit when they reach past 'Z' or reach 'A' (no carry crosses
// bytes), and an ASCII byte between the two gets 0x20 set.
constexpr std::uint64_t fold_letters(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t highs = ones * 0x80;
  const std::uint64_t low_bits = w & ~highs;
  const std::uint64_t above_z = low_bits + ones * (0x80 - 'Z' - 1);
  const std::uint64_t from_a = low_bits + ones * (0x80 - 'A');
  const std::uint64_t upper = from_a & ~above_z & ~w & highs;
  return w | (upper >> 2);
}

std::uint64_t load_word(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

std::uint64_t load_half(const char* p) {
  std::uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

bool same_word(std::uint64_t x, std::uint64_t y) { return x == y || fold_letters(x) == fold_letters(y); }

}  // namespace

bool same_letters(const char* a, const char* b, std::size_t n) {
  // Eight bytes at a time, the last word overlapping the one before; four to seven as two
  // overlapping halves of a word. Names are mostly compared with the case they were sent in,
  // so a word that matches as it is skips the folding.
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (!same_word(load_word(a + i), load_word(b + i))) {
        return false;
      }
    }
    return same_word(load_word(a + n - 8), load_word(b + n - 8));
  }
  if (n >= 4) {
    return same_word(load_half(a) | load_half(a + n - 4) << 32, load_half(b) | load_half(b + n - 4) << 32);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (fold_letters(x) != fold_letters(y)) {
      return false;
    }
  }
  return true;
}

std::optional<std::string_view> headers::get(std::string_view name) const {
  // Every hop looks several fields up, most among fields of other lengths.
  for (const auto& [k, v] : fields_) {
    if (iequals(k, name)) {
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

std::string_view request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view request::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

response json_response(int status, std::string body) {
  response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");  // a new response has no fields to replace
  r.body = std::move(body);
  return r;
}

response error_response(int status, std::string_view code, std::string_view message,
                        std::string_view request_id) {
  json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  inner["request_id"] = request_id;
  json::object outer;
  outer["error"] = std::move(inner);
  return json_response(status, json::serialize(outer));
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}
}  // namespace

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (percent_decode(key) == name) {
      return eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

}  // namespace qm::http
