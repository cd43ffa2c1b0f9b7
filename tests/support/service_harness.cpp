#include "tests/support/service_harness.hpp"

#include "core/identity/user_context.hpp"
#include "runtime/sqlite/embedded_storage.hpp"
#include "services/common/caller.hpp"
#include "services/registry.hpp"

namespace qm::test {

task<void> manual_clock::sleep(duration d) {
  if (d > duration{0}) {
    now_ += d;
  }
  co_return;
}

void recording_logger::write(rt::log_level level, std::string_view message,
                             const observe::request_scope* scope,
                             std::initializer_list<rt::log_field> fields) {
  std::string line = std::string(rt::to_string(level)) + " " + std::string(message);
  if (scope != nullptr) {
    line += " request_id=" + scope->request_id + " trace_id=" + std::string(scope->span.trace_id_view());
    if (scope->user_id != 0) {
      line += " user_id=" + std::to_string(scope->user_id);
    }
  }
  for (const auto& f : fields) {
    line += " " + std::string(f.key) + "=" + (log::is_secret_field(f.key) ? std::string("[redacted]") : f.value);
  }
  lines_.push_back(std::move(line));
}

bool recording_logger::saw(std::string_view text) const {
  for (const auto& l : lines_) {
    if (l.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string map_settings::get(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? std::string() : it->second;
}

task<rt::db_status> faulty_storage::transact(rt::transaction_body body, duration timeout) {
  ++transactions;
  last_timeout = timeout;
  if (fail_with) {
    co_return make_unexpected(sql::error{*fail_with, "injected by the test"});
  }
  co_return co_await inner_->transact(std::move(body), timeout);
}

std::unique_ptr<faulty_storage> memory_storage() {
  auto db = rt::sqlite::embedded_storage::open(":memory:");
  QM_ASSERT(db.ok());
  return std::make_unique<faulty_storage>(std::move(*db));
}

http::response dispatch(const http::router& routes, http::request req, time_point deadline) {
  bool method_mismatch = false;
  auto m = routes.find(req.verb, req.path(), &method_mismatch);
  if (!m) {
    return method_mismatch ? http::error_response(405, "method_not_allowed", "method not allowed")
                           : http::error_response(404, "not_found", "no such route");
  }
  // The scope a server would open: the client's request id when well formed, else a new
  // one; a child span of a valid traceparent, else a new trace. Ids come from a counter, so
  // tests are repeatable.
  static std::uint64_t next_id = 0;
  auto scope = std::make_shared<observe::request_scope>();
  const auto client_id = req.headers.get(observe::request_id_header);
  scope->request_id = client_id && observe::is_well_formed_request_id(*client_id)
                          ? std::string(*client_id)
                          : observe::new_request_id(0x7e57, ++next_id);
  req.headers.set(std::string(observe::request_id_header), scope->request_id);
  const auto parent = observe::parse_traceparent(req.headers.get(observe::traceparent_header).value_or(""));
  const std::uint64_t span_bits = ++next_id;
  const std::uint64_t trace_bits = ++next_id;
  scope->span = observe::open_span(parent, span_bits, 0x7e57, trace_bits);
  scope->method = http::to_string(req.verb);
  scope->route = m->route;
  http::request_context ctx{std::move(req), std::move(m->params), m->route, deadline,
                            std::string(test_peer_address), std::move(scope)};
  return run_now((*m->target)(std::move(ctx)));
}

task<rt::call_result> in_process_http::request(std::string_view upstream, http::request req,
                                               time_point deadline) {
  sent.push_back(req);
  deadlines.push_back(deadline);
  if (auto f = failures.find(upstream); f != failures.end()) {
    co_return make_unexpected(rt::call_error{f->second, "injected by the test"});
  }
  auto it = upstreams_.find(upstream);
  if (it == upstreams_.end()) {
    co_return make_unexpected(rt::call_error{rt::call_errc::unknown_upstream, std::string(upstream)});
  }
  co_return dispatch(*it->second, std::move(req), deadline);
}

service_host::service_host(std::string name, rt::clock& clock, rt::random& random,
                           rt::http_client& http, rt::storage* storage)
    : runtime_{std::move(name), clock, random, http, routes_, storage, nullptr, log_, metrics_,
               config_} {}

bool service_host::start() {
  service_ = services::make_service(runtime_.service_name, runtime_);
  QM_ASSERT_MSG(service_ != nullptr, "unknown service name");
  return run_now(service_->start());
}

bool service_host::start_with(const service_factory& make) {
  service_ = make(runtime_);
  QM_ASSERT_MSG(service_ != nullptr, "the factory made no service");
  return run_now(service_->start());
}

http::response service_host::handle(http::request req) {
  // A test calling an internal route plays another service: it signs a service context,
  // unless it brought a context of its own (the tests that check the refusal do).
  const std::string secret = config_.get("context_secret");
  if (req.path().starts_with("/internal/") && !secret.empty() &&
      !req.headers.get(identity::context_header)) {
    req.headers.set(std::string(identity::context_header),
                    services::service_signature(secret).header_value(runtime_.clock.now()));
  }
  return dispatch(routes_, std::move(req), runtime_.clock.now() + seconds(5));
}

http::request make_request(http::method verb, std::string target, std::string body) {
  http::request r;
  r.verb = verb;
  r.target = std::move(target);
  r.body = std::move(body);
  if (!r.body.empty()) {
    r.headers.set("Content-Type", "application/json");
  }
  return r;
}

}  // namespace qm::test
