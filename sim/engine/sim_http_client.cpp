#include "sim/engine/sim_http_client.hpp"

#include "core/task/completion.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/node.hpp"
#include "sim/engine/text.hpp"

namespace qm::sim {

task<rt::call_result> sim_http_client::request(std::string_view upstream, http::request req,
                                               time_point deadline) {
  // Resolved now, while upstream is surely alive: the task is lazy and may be awaited later.
  node* target = resolve(upstream);
  if (target == nullptr || target->kind() != node_kind::service) {
    return fail_unknown(std::string(upstream));
  }
  return call(*target, std::move(req), deadline);
}

node* sim_http_client::resolve(std::string_view upstream) {
  for (const auto& [name, n] : resolved_) {
    if (name == upstream) {
      return n;
    }
  }
  node* n = net_.find(upstream);
  if (n != nullptr) {
    resolved_.emplace_back(upstream, n);
  }
  return n;
}

task<rt::call_result> sim_http_client::fail_unknown(std::string upstream) {
  ++net_.stats().calls;
  ++net_.stats().unknown_upstream;
  net_.events().record(net_.sched().now(), owner_.name(), "unknown_upstream", upstream);
  co_return make_unexpected(rt::call_error{rt::call_errc::unknown_upstream, "no upstream named " + upstream});
}

namespace {
std::string call_label(std::uint64_t id, const node& from, const node& to) {
  std::string out = "req#";
  append_int(out, id);
  out += ' ';
  out += from.name();
  out += "->";
  out += to.name();
  return out;
}

rt::call_result timed_out(const node& to) {
  return make_unexpected(rt::call_error{rt::call_errc::timeout, "deadline exceeded calling " + to.name()});
}
}  // namespace

task<rt::call_result> sim_http_client::call(node& target, http::request req, time_point deadline) {
  network& net = net_;
  ++net.stats().calls;
  const std::uint64_t id = net.next_call_id();
  const time_point due = owner_.clock().to_scheduler_time(deadline);
  if (due <= net.sched().now()) {
    ++net.stats().timeouts;
    net.events().record(net.sched().now(), owner_.name(), "timeout",
                        call_label(id, owner_, target) + " deadline already past");
    co_return timed_out(target);
  }
  completion<rt::call_result> done;
  // The deadline timer: answers timeout unless the reply came first. When the caller's frame
  // is gone (its node crashed) there is nobody to answer, and the call is left to the reply.
  // Most calls are answered long before their deadline, and the timer is cancelled then.
  const scheduler::timer_id deadline_timer =
      net.sched().at_time_cancellable(due, [&net, done, id, caller = &owner_, to = &target] {
        if (done.done() || !done.has_waiter()) {
          return;
        }
        ++net.stats().timeouts;
        net.events().record(net.sched().now(), caller->name(), "timeout", call_label(id, *caller, *to));
        done.fulfil(timed_out(*to));
      });
  net.send_request(owner_, target, std::move(req), call_reply{&owner_, id, done}, due);
  rt::call_result outcome = co_await done;
  net.sched().cancel(deadline_timer);
  co_return outcome;
}

}  // namespace qm::sim
