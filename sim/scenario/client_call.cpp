#include "sim/scenario/client_call.hpp"

namespace qm::sim {

task<rt::call_result> recorded_call(client_channel& ch, step_id step, http::request req) {
  request_record rec;
  rec.step = step;
  rec.start = ch.clock.now();
  auto res = co_await ch.http.request(ch.gateway, std::move(req), rec.start + ch.timeout);
  rec.end = ch.clock.now();
  if (res) {
    rec.outcome = call_outcome::answered;
    rec.status = res->status;
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
