#pragma once
// A node's HTTP client in the simulator. request() resolves the upstream (a service node's
// name), arms a timer at the deadline (the caller's skewed clock mapped to scheduler time) and
// puts the request on the link; the reply and the timer race for one completion, the first
// wins, and the loser is dropped and traced.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/http_client.hpp"

namespace qm::sim {

class node;
class network;

class sim_http_client final : public rt::http_client {
 public:
  sim_http_client(node& owner, network& net) : owner_(owner), net_(net) {}

  task<rt::call_result> request(std::string_view upstream, http::request req,
                                time_point deadline) override;

 private:
  task<rt::call_result> call(node& target, http::request req, time_point deadline);
  task<rt::call_result> fail_unknown(std::string upstream);
  // The upstream's node: from resolved_, or from the network's directory (then remembered).
  node* resolve(std::string_view upstream);

  node& owner_;
  network& net_;
  // Upstreams this client has called, with their nodes. A node keeps its name and place in
  // the directory for the whole run, so an entry never goes stale; a service calls a handful
  // of upstreams, and a scan of them is cheaper than hashing the name on every call.
  std::vector<std::pair<std::string, node*>> resolved_;
};

}  // namespace qm::sim
