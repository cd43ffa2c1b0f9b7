#include "sim/scenario/client_call.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace qm::sim {

namespace {

// A header's value as a non-negative integer; -1 when absent or not one.
std::int32_t non_negative(std::optional<std::string_view> v) {
  if (!v) {
    return -1;
  }
  std::int32_t out = -1;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  return ec == std::errc{} && end == v->data() + v->size() && out >= 0 ? out : -1;
}

// What the reply says about rate limiting and the gateway's fallbacks. One pass over the
// reply's fields (every answered call has a reply to read), keeping the first field of each
// name, as headers::get finds it.
void read_reply_fields(const http::response& r, request_record& rec) {
  struct sought {
    std::string_view name;
    std::optional<std::string_view> value;
  };
  std::array<sought, 6> fields{{{"X-RateLimit-Limit", {}},
                                {"X-RateLimit-Remaining", {}},
                                {"Retry-After", {}},
                                {"RateLimit", {}},
                                {"RateLimit-Policy", {}},
                                {"X-Quickmart-Fallback", {}}}};
  for (const auto& [name, value] : r.headers.fields()) {
    for (sought& f : fields) {
      // The gateway writes these names as spelled here: one memcmp before folding case.
      if (!f.value && name.size() == f.name.size() &&
          (name == f.name || http::iequals(name, f.name))) {
        f.value = value;
        break;
      }
    }
  }
  const auto& [limit, remaining, retry_after, rate, rate_policy, fallback] = fields;
  rec.limit_header = non_negative(limit.value);
  rec.remaining_header = non_negative(remaining.value);
  rec.retry_after_s = non_negative(retry_after.value);
  if (rate.value.has_value() && rate_policy.value.has_value()) {
    rec.flags |= flag_rate_fields;
  }
  if (fallback.value == std::optional<std::string_view>("stale-cache")) {
    rec.flags |= flag_stale;
  }
}

std::string address_in(unsigned first, unsigned second_base, std::size_t index) {
  const std::size_t i = index % (std::size_t{16} << 16);
  return std::to_string(first) + "." + std::to_string(second_base + (i >> 16)) + "." +
         std::to_string((i >> 8) & 0xff) + "." + std::to_string(i & 0xff);
}

}  // namespace

std::string customer_address(std::size_t index) { return address_in(100, 64, index); }
std::string staff_address(std::size_t index) { return address_in(100, 96, index); }
std::string abuser_address(std::size_t index) { return address_in(100, 112, index); }

limit_class_tag documented_limit_class(std::string_view path) {
  if (path == "/auth/login" || path == "/auth/register" || path == "/auth/refresh" ||
      path == "/auth/logout") {
    return limit_class_tag::auth;
  }
  if (path == "/admin" || path.starts_with("/admin/")) {
    return limit_class_tag::admin;
  }
  return limit_class_tag::general;
}

task<rt::call_result> recorded_call(client_channel& ch, step_id step, http::request req,
                                    std::string_view client_address, call_tags tags) {
  if (!client_address.empty()) {
    const auto earlier = req.headers.get("X-Forwarded-For");
    if (!earlier) {
      // Most requests come without the field: adding it leaves what set would.
      req.headers.add("X-Forwarded-For", std::string(client_address));
    } else {
      std::string forwarded(*earlier);
      forwarded += forwarded.empty() ? "" : ", ";
      forwarded += client_address;
      req.headers.set("X-Forwarded-For", std::move(forwarded));
    }
  }
  request_record rec;
  rec.step = step;
  if (tags.subject_id != 0 || !tags.subject.empty()) {
    rec.subject = tags.subject_id != 0 ? tags.subject_id : ch.log.subject_id(tags.subject);
    rec.limit_class = tags.limit_class;
  }
  rec.flags = tags.signed_in ? flag_signed_in : 0;
  rec.start = ch.clock.now();
  auto res = co_await ch.http.request(ch.gateway, std::move(req), rec.start + ch.timeout);
  rec.end = ch.clock.now();
  if (res) {
    rec.outcome = call_outcome::answered;
    rec.status = res->status;
    read_reply_fields(*res, rec);
  } else if (res.error().code == rt::call_errc::timeout) {
    rec.outcome = call_outcome::timeout;
  } else if (res.error().code == rt::call_errc::connect_failed) {
    rec.outcome = call_outcome::connect_failed;
  } else {
    rec.outcome = call_outcome::other_error;
  }
  ch.log.add(rec);
  co_return res;
}

task<rt::call_result> recorded_call(client_channel& ch, step_id step, http::request req,
                                    std::string_view client_address) {
  return recorded_call(ch, step, std::move(req), client_address, call_tags{});
}

http::request json_request(http::method m, std::string target, const json::object& body) {
  http::request r;
  r.verb = m;
  r.target = std::move(target);
  r.headers.set("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

http::request plain_request(http::method m, std::string target) {
  http::request r;
  r.verb = m;
  r.target = std::move(target);
  return r;
}

void set_bearer(http::request& r, const std::string& token) {
  r.headers.set("Authorization", "Bearer " + token);
}

json::object reply_object(const http::response& r) {
  auto parsed = json::parse_object(r.body, 4 * 1024 * 1024);
  return parsed ? std::move(*parsed) : json::object{};
}

std::int64_t int_field(const json::object& o, std::string_view key, std::int64_t otherwise) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : otherwise;
}

std::string string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace qm::sim
