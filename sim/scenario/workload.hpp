#pragma once
// The workload: virtual users that arrive as a Poisson process and walk named flows through
// the gateway, as a person with an app would. Each user runs one flow at a time; an arrival
// for a busy user is counted and skipped, so concurrency is bounded by the number of users.
// Auth flows need only gateway and auth; shop flows need the shop (a catalogue, see
// shop_staff.hpp) and record every order a customer is told about in the shop's ledger.

#include <cstdint>
#include <string>
#include <vector>

#include "core/task/task.hpp"
#include "runtime/clock.hpp"
#include "runtime/http_client.hpp"
#include "runtime/random.hpp"
#include "sim/scenario/client_call.hpp"
#include "sim/scenario/outcomes.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/shop_world.hpp"
#include "sim/scenario/steps.hpp"

namespace qm {
class task_scope;
}

namespace qm::sim {

// The flows a scenario may name.
std::vector<std::string> known_flow_names();
// True for flows that need a shop section.
bool is_shop_flow(const std::string& name);

struct workload_counters {
  std::uint64_t flows_started = 0;
  std::uint64_t flows_completed = 0;  // every step succeeded
  std::uint64_t flows_aborted = 0;    // a step failed; the rest of the flow was skipped
  std::uint64_t arrivals_skipped_busy = 0;
  std::uint64_t checkouts_acknowledged = 0;
  std::uint64_t checkouts_refused = 0;   // a final no: stock, payment, empty cart
  std::uint64_t checkouts_given_up = 0;  // retries exhausted without an answer
};

class workload {
 public:
  struct client_io {
    rt::http_client& http;
    rt::clock& clock;
    rt::random& random;
    task_scope& scope;
  };

  // world: the shop's state, or null for scenarios without a shop.
  workload(const workload_spec& spec, client_io io, std::string gateway, outcome_log& log,
           shop_world* world);
  ~workload();
  workload(const workload&) = delete;
  workload& operator=(const workload&) = delete;

  // The arrival loop: starts flows until end (virtual time as the client's clock sees it).
  task<void> run(time_point end);

  const workload_counters& counters() const { return counters_; }

  // Auth's token secret, for the impostor flow's tokens that need a genuine signature (an
  // expired one, a refresh token); without it those are signed with the attacker's key.
  void set_token_secret(std::string secret) { token_secret_ = std::move(secret); }

 private:
  // What one virtual user knows about its account and its shopping.
  struct user {
    std::string email;
    std::string password;
    std::string address;  // the simulated address it connects from
    bool registered = false;
    std::int64_t user_id = 0;
    std::string access_token;
    std::string refresh_token;
    std::uint32_t checkouts = 0;
    std::int64_t last_order_id = 0;
    // The outcome log's ids of its two rate-limit subjects (its address, its account), looked
    // up at its first call as each; 0 until then.
    std::uint32_t address_subject = 0;
    std::uint32_t account_subject = 0;
  };
  struct planned_step {
    step_id id = step_me;
    bool hot = false;  // add_to_cart: one of the flash sale's products
  };
  task<void> run_flow(std::size_t user_index, std::size_t flow_index);
  std::vector<planned_step> plan(user& u, const std::string& flow);
  task<bool> step(std::size_t user_index, planned_step s);
  task<bool> auth_step(user& u, step_id id);
  task<bool> add_to_cart(std::size_t user_index, bool hot);
  task<bool> checkout(std::size_t user_index);
  // A request from u's own address, tagged with whose budget it spends: the account when it
  // carries u's token (call_as), else the address.
  task<rt::call_result> call(user& u, step_id id, http::request req, bool signed_in = false);
  task<rt::call_result> call_as(user& u, step_id id, http::request req);
  std::size_t pick_flow();
  // Flows that are no sequence of ordinary steps (workload_hostile.cpp).
  task<bool> catalogue_flow(std::size_t user_index);
  task<bool> impostor_flow(std::size_t user_index);
  task<bool> abuse_flow();
  task<bool> spoof_flow(std::size_t user_index);
  task<bool> ensure_token(user& u, step_id as);

  const workload_spec& spec_;
  client_io io_;
  client_channel channel_;
  shop_world* world_;
  std::vector<user> users_;
  std::vector<user> abusers_;  // the abuse flow's few accounts
  std::string token_secret_;
  std::vector<std::uint8_t> busy_;
  std::uint32_t total_weight_ = 0;
  workload_counters counters_;
};

}  // namespace qm::sim
