#pragma once
// A toy rt::service for the simulator's tests: echo, sleep, throw, in-memory state, a call to
// another upstream, and a start() that can be made slow or failing. What the tests observe
// across incarnations lives in a toy_probe that outlives every service object.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/http/message.hpp"
#include "core/http/router.hpp"
#include "runtime/runtime.hpp"
#include "runtime/service.hpp"

namespace qm::sim::testing {

struct toy_probe {
  int starts = 0;            // start() calls
  int fail_starts = 0;       // the first fail_starts calls return false
  duration start_delay{0};   // start() sleeps this long first
  int sleeps_resumed = 0;    // /sleep handlers that woke up
  int sleep_frames_gone = 0; // /sleep frames that ended, by finishing or by destruction
  time_point last_deadline{};
};

class toy_service final : public rt::service {
 public:
  toy_service(rt::runtime& rt, toy_probe& probe) : rt_(rt), probe_(probe) {}

  task<bool> start() override {
    ++probe_.starts;
    if (probe_.start_delay.count() > 0) {
      co_await rt_.clock.sleep(probe_.start_delay);
    }
    if (probe_.starts <= probe_.fail_starts) {
      co_return false;
    }
    using http::method;
    rt_.routes.add(method::get, "/echo", [](http::request_context ctx) -> task<http::response> {
      co_return http::json_response(200, ctx.request.body);
    });
    rt_.routes.add(method::post, "/echo", [](http::request_context ctx) -> task<http::response> {
      co_return http::json_response(200, ctx.request.body);
    });
    rt_.routes.add(method::get, "/sleep/{ms}", [this](http::request_context ctx) -> task<http::response> {
      struct frame_guard {
        toy_probe& p;
        ~frame_guard() { ++p.sleep_frames_gone; }
      } guard{probe_};
      co_await rt_.clock.sleep(ms(std::stoll(std::string(ctx.param("ms")))));
      ++probe_.sleeps_resumed;
      co_return http::json_response(200, "\"slept\"");
    });
    rt_.routes.add(method::get, "/peer", [](http::request_context ctx) -> task<http::response> {
      co_return http::json_response(200, "\"" + ctx.peer + "\"");
    });
    rt_.routes.add(method::get, "/hits", [this](http::request_context) -> task<http::response> {
      ++hits_;
      co_return http::json_response(200, std::to_string(hits_));
    });
    rt_.routes.add(method::post, "/boom", [](http::request_context) -> task<http::response> {
      throw std::runtime_error("boom");
      co_return http::json_response(200, "{}");
    });
    rt_.routes.add(method::get, "/deadline", [this](http::request_context ctx) -> task<http::response> {
      probe_.last_deadline = ctx.deadline;
      co_return http::json_response(200, std::to_string(to_unix_us(ctx.deadline)));
    });
    rt_.routes.add(method::get, "/random", [this](http::request_context) -> task<http::response> {
      co_return http::json_response(200, std::to_string(rt_.random.next_u64() % 1000));
    });
    // Calls upstream's /echo and answers with what came back; the inner call ends 10 ms before
    // this request's deadline, leaving time to answer.
    rt_.routes.add(method::get, "/call/{upstream}", [this](http::request_context ctx) -> task<http::response> {
      http::request inner;
      inner.target = "/echo";
      inner.body = "\"inner\"";
      auto r = co_await rt_.http.request(ctx.param("upstream"), std::move(inner), ctx.deadline - ms(10));
      if (!r) {
        co_return http::error_response(502, rt::to_string(r.error().code), r.error().message);
      }
      co_return http::json_response(200, r.value().body);
    });
    rt_.log.info("toy started", {{"routes", std::to_string(rt_.routes.size())}});
    co_return true;
  }

 private:
  rt::runtime& rt_;
  toy_probe& probe_;
  int hits_ = 0;
};

inline auto toy_factory(toy_probe& probe) {
  return [&probe](rt::runtime& rt) -> std::unique_ptr<rt::service> {
    return std::make_unique<toy_service>(rt, probe);
  };
}

}  // namespace qm::sim::testing
