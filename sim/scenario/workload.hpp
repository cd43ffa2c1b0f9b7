#pragma once
// The workload: virtual users that arrive as a Poisson process and walk named flows through
// the gateway, as a person with an app would. Each user runs one flow at a time; an arrival
// for a busy user is counted and skipped, so concurrency is bounded by the number of users.

#include <cstdint>
#include <string>
#include <vector>

#include "core/task/task.hpp"
#include "runtime/clock.hpp"
#include "runtime/http_client.hpp"
#include "runtime/random.hpp"
#include "sim/scenario/outcomes.hpp"
#include "sim/scenario/scenario.hpp"

namespace qm {
class task_scope;
}

namespace qm::sim {

// The flows a scenario may name, and the steps (requests) they are made of.
std::vector<std::string> known_flow_names();
std::vector<std::string> known_step_names();

struct workload_counters {
  std::uint64_t flows_started = 0;
  std::uint64_t flows_completed = 0;  // every step succeeded
  std::uint64_t flows_aborted = 0;    // a step failed; the rest of the flow was skipped
  std::uint64_t arrivals_skipped_busy = 0;
};

class workload {
 public:
  struct client_io {
    rt::http_client& http;
    rt::clock& clock;
    rt::random& random;
    task_scope& scope;
  };

  workload(const workload_spec& spec, client_io io, std::string gateway, outcome_log& log);
  ~workload();
  workload(const workload&) = delete;
  workload& operator=(const workload&) = delete;

  // The arrival loop: starts flows until end (virtual time as the client's clock sees it).
  task<void> run(time_point end);

  const workload_counters& counters() const { return counters_; }

 private:
  // What one virtual user knows about its account.
  struct user {
    std::string email;
    std::string password;
    bool registered = false;
    std::string access_token;
    std::string refresh_token;
  };
  task<void> run_flow(std::size_t user_index, std::size_t flow_index);
  task<bool> step(user& u, std::uint8_t step_id);
  task<rt::call_result> call(std::uint8_t step_id, http::request req);
  std::size_t pick_flow();

  const workload_spec& spec_;
  client_io io_;
  std::string gateway_;
  outcome_log& log_;
  std::vector<user> users_;
  std::vector<std::uint8_t> busy_;
  std::uint32_t total_weight_ = 0;
  workload_counters counters_;
};

}  // namespace qm::sim
