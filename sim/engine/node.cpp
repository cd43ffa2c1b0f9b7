#include "sim/engine/node.hpp"

#include <algorithm>
#include <exception>
#include <optional>

#include "core/base/assert.hpp"
#include "core/base/exception_text.hpp"
#include "core/resilience/deadline.hpp"
#include "sim/engine/text.hpp"

namespace qm::sim {

namespace {
// Handlers plus a little room for the start task.
constexpr std::size_t scope_slack = 64;
}  // namespace

node::in_flight_entry::in_flight_entry(node& o, call_reply r) : owner(o), reply(std::move(r)) {
  prev = owner.in_flight_tail_;
  if (prev != nullptr) {
    prev->next = this;
  } else {
    owner.in_flight_head_ = this;
  }
  owner.in_flight_tail_ = this;
  linked = true;
  ++owner.in_flight_count_;
}

node::in_flight_entry::~in_flight_entry() { unlink(); }

void node::in_flight_entry::unlink() {
  if (!linked) {
    return;
  }
  (prev != nullptr ? prev->next : owner.in_flight_head_) = next;
  (next != nullptr ? next->prev : owner.in_flight_tail_) = prev;
  prev = nullptr;
  next = nullptr;
  linked = false;
  QM_ASSERT(owner.in_flight_count_ > 0);
  --owner.in_flight_count_;
}

node::node(node_config cfg, scheduler& sched, trace& tr, network& net, std::uint64_t root_seed)
    : cfg_(std::move(cfg)),
      sched_(sched),
      trace_(tr),
      net_(net),
      clock_(sched),
      random_(prng::derive(root_seed, "node/" + cfg_.name)),
      http_(*this, net),
      log_(sched, tr, cfg_.name, rt::log_level::info, &clock_),
      settings_(cfg_.settings),
      ids_(prng::derive(root_seed, "node/" + cfg_.name + "/ids")),
      observer_(metrics_, log_),
      scope_(cfg_.max_in_flight + scope_slack, [this](const std::string& what) {
        // A root task that throws is a bug in the service; the simulation records it (and a
        // check can fail the run) rather than dying mid-run.
        ++stats_.task_failures;
        trace_event("task_failed", what);
      }) {
  QM_ASSERT_MSG(!cfg_.name.empty(), "a node needs a name");
  QM_ASSERT(cfg_.max_in_flight > 0);
  QM_ASSERT(cfg_.start_backoff_min.count() > 0 && cfg_.start_backoff_max >= cfg_.start_backoff_min);
  QM_ASSERT_MSG(cfg_.kind == node_kind::client || static_cast<bool>(cfg_.factory),
                "a service node needs a factory");
  // Clients have no process to start: they are up from the beginning.
  up_ = cfg_.kind == node_kind::client;
  net_.attach(*this);
}

node::~node() {
  // Frames first (they use the service), then the service, then what it was built on.
  scope_.cancel_all();
  service_.reset();
  runtime_.reset();
  router_.reset();
}

void node::trace_event(std::string_view kind, std::string_view detail) {
  trace_.record(sched_.now(), cfg_.name, kind, detail);
}

void node::start() {
  QM_ASSERT_MSG(cfg_.kind == node_kind::service, "only service nodes start");
  if (up_) {
    return;
  }
  up_ = true;
  ++generation_;
  start_attempts_ = 0;
  scratch_.assign("gen=");
  append_int(scratch_, generation_);
  trace_event("up", scratch_);
  boot();
}

void node::boot() {
  QM_ASSERT(up_ && !service_ && !router_);
  ++stats_.start_attempts;
  ++start_attempts_;
  router_ = std::make_unique<http::router>();
  runtime_ = std::make_unique<rt::runtime>(rt::runtime{cfg_.name, clock_, random_, http_, *router_,
                                                       storage_.get(), kv_, log_, metrics_, settings_});
  try {
    service_ = cfg_.factory(*runtime_);
  } catch (...) {
    start_failed("factory threw: " + describe_current_exception());
    return;
  }
  if (!service_) {
    start_failed("factory returned no service");
    return;
  }
  const bool spawned = scope_.spawn(run_start());
  QM_ASSERT_MSG(spawned, "a fresh scope refused the start task");
}

task<void> node::run_start() {
  bool ok = false;
  std::string why = "start() returned false";
  try {
    ok = co_await service_->start();
  } catch (...) {
    why = "start() threw: " + describe_current_exception();
  }
  if (ok) {
    started_ = true;
    scratch_.assign("gen=");
    append_int(scratch_, generation_);
    scratch_ += " attempt=";
    append_int(scratch_, start_attempts_);
    scratch_ += " routes=";
    append_int(scratch_, router_->size());
    trace_event("started", scratch_);
    co_return;
  }
  start_failed(why);
}

void node::start_failed(std::string_view why) {
  ++stats_.start_failures;
  log_.warn("service start failed", {{"attempt", std::to_string(start_attempts_)}, {"reason", std::string(why)}});
  if (start_attempts_ >= cfg_.max_start_attempts) {
    trace_event("start_gave_up", why);
    return;
  }
  // 50ms, 100ms, ... capped at 2s by default; the shift is bounded so it cannot overflow.
  const int shift = static_cast<int>(std::min<std::uint32_t>(start_attempts_ - 1, 30));
  const duration backoff = std::min(cfg_.start_backoff_max, cfg_.start_backoff_min * (std::int64_t{1} << shift));
  scratch_.assign("attempt=");
  append_int(scratch_, start_attempts_);
  scratch_ += " retry_in=";
  append_duration(scratch_, backoff);
  scratch_ += ' ';
  scratch_ += why;
  trace_event("start_failed", scratch_);
  // The retry runs from the scheduler, outside any frame of this node, so tearing the failed
  // incarnation down is safe there; a crash or restart in between changes the generation.
  sched_.at_delay(backoff, [this, gen = generation_] {
    if (generation_ != gen || !up_) {
      return;
    }
    teardown();
    boot();
  });
}

void node::teardown() {
  scope_.cancel_all();
  started_ = false;
  service_.reset();
  runtime_.reset();
  router_.reset();
}

void node::crash() {
  QM_ASSERT_MSG(cfg_.kind == node_kind::service, "only service nodes crash");
  if (!up_) {
    return;
  }
  ++stats_.crashes;
  scratch_.assign("gen=");
  append_int(scratch_, generation_);
  scratch_ += " in_flight=";
  append_int(scratch_, in_flight_count_);
  trace_event("crash", scratch_);
  up_ = false;
  ++generation_;
  // The process is gone, so its connections break: every caller of a request in progress
  // hears a reset (if the way back is open), in arrival order.
  for (in_flight_entry* e = in_flight_head_; e != nullptr; e = e->next) {
    ++net_.stats().resets;
    net_.send_reply(*this, e->reply,
                    make_unexpected(rt::call_error{rt::call_errc::connection_reset,
                                                   "connection reset by " + cfg_.name}));
  }
  teardown();
  QM_ASSERT(in_flight_count_ == 0);
}

void node::restart() {
  QM_ASSERT_MSG(cfg_.kind == node_kind::service, "only service nodes restart");
  ++stats_.restarts;
  trace_event("restart", "");
  crash();
  start();
}

void node::answer(request_message& m, http::response r) {
  m.reply.name_call(scratch_, "req#");
  scratch_ += ' ';
  append_status(scratch_, r.status);
  trace_event("handled", scratch_);
  net_.send_reply(*this, std::move(m.reply), std::move(r));
}

void node::receive(request_message& m) {
  QM_ASSERT(listening());
  ++stats_.requests_received;
  const auto request_id = [&m] { return m.request.headers.get("x-request-id").value_or(""); };
  if (!started_) {
    ++stats_.rejected_starting;
    answer(m, http::error_response(503, "starting", "the service is starting", request_id()));
    return;
  }
  bool method_mismatch = false;
  auto match = router_->find(m.request.verb, m.request.path(), &method_mismatch);
  const std::string_view route_label = match ? std::string_view(match->route) : observe::unmatched_route;
  auto scope = observer_.open(m.request, route_label, ids_);
  const time_point arrived = sched_.now();
  if (!match) {
    if (method_mismatch) {
      ++stats_.method_not_allowed;
      answer_observed(std::move(m.reply), *scope, arrived,
                      http::error_response(405, "method_not_allowed", "method not allowed", scope->request_id));
    } else {
      ++stats_.not_found;
      answer_observed(std::move(m.reply), *scope, arrived,
                      http::error_response(404, "not_found", "no such route", scope->request_id));
    }
    return;
  }
  if (in_flight_count_ >= cfg_.max_in_flight) {
    ++stats_.rejected_overloaded;
    answer_observed(std::move(m.reply), *scope, arrived,
                    http::error_response(503, "overloaded", "too many requests in progress", scope->request_id));
    return;
  }
  // The transport carries the caller's deadline; a propagated remaining time can only shorten it.
  const time_point handler_deadline = resilience::propagated_deadline(
      m.request.headers.get(resilience::deadline_header), clock_.now(),
      clock_.from_scheduler_time(m.due));
  http::request_context ctx{std::move(m.request), std::move(match->params), std::move(match->route),
                            handler_deadline, m.reply.caller->address(), std::move(scope)};
  const bool spawned = scope_.spawn(serve(match->target, std::move(ctx), std::move(m.reply)));
  QM_ASSERT_MSG(spawned, "the node's scope is full although in-flight requests are bounded");
}

task<void> node::serve(const http::handler* target, http::request_context ctx, call_reply reply) {
  in_flight_entry entry(*this, std::move(reply));
  const std::uint64_t call_id = entry.reply.call_id;
  const time_point arrived = sched_.now();
  // The frame keeps the scope: the handler's copy of the context is gone when it returns.
  const std::shared_ptr<observe::request_scope> scope = ctx.scope;
  // Ends the in-flight count however the frame ends (a crash destroys it mid-await).
  struct in_flight_mark {
    explicit in_flight_mark(rt::request_observer& o) : observer(o) { observer.handler_started(); }
    ~in_flight_mark() { observer.handler_ended(); }
    in_flight_mark(const in_flight_mark&) = delete;
    in_flight_mark& operator=(const in_flight_mark&) = delete;
    rt::request_observer& observer;
  };
  std::optional<in_flight_mark> mark;
  mark.emplace(observer_);
  http::handler_outcome outcome = co_await http::run_handler(*target, std::move(ctx));
  mark.reset();
  http::response& response = outcome.answer;
  if (outcome.threw()) {
    const std::string& what = outcome.failure;
    // A bug in the handler: the caller gets a 500 in the project's error shape; the run goes on.
    ++stats_.handler_exceptions;
    entry.reply.name_call(scratch_, "req#");
    scratch_ += ' ';
    scratch_ += what;
    trace_event("handler_exception", scratch_);
    log_.error(scope.get(), "handler threw", {{"call", std::to_string(call_id)}, {"what", what}});
    response = http::error_response(500, "internal", "internal error", scope->request_id);
  }
  ++stats_.requests_handled;
  entry.unlink();
  answer_observed(std::move(entry.reply), *scope, arrived, std::move(response));
}

void node::answer_observed(call_reply reply, observe::request_scope& scope, time_point arrived,
                           http::response r) {
  if (!r.headers.contains(observe::request_id_header)) {
    r.headers.add(std::string(observe::request_id_header), scope.request_id);  // none to replace
  }
  observer_.answered(scope, r.status, sched_.now() - arrived);
  reply.name_call(scratch_, "req#");
  scratch_ += ' ';
  append_status(scratch_, r.status);
  trace_event("handled", scratch_);
  net_.send_reply(*this, std::move(reply), std::move(r));
}

}  // namespace qm::sim
