#pragma once
// The simulated network: carries HTTP requests and replies between named nodes over directed
// links. Each link has a latency distribution, a drop rate, a bound on messages in flight and
// its own PRNG stream (derived from the root seed and "link/<from>-><to>"), and can be blocked
// by a partition. A lost message simply never arrives: the caller's deadline timer answers.

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/append_int.hpp"
#include "core/base/text_hash.hpp"
#include "core/http/message.hpp"
#include "core/task/completion.hpp"
#include "runtime/http_client.hpp"
#include "sim/engine/latency.hpp"
#include "sim/engine/prng.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"

namespace qm::sim {

class node;

// How a reply finds its caller: the caller's node, the call's id (for the trace) and the
// completion the caller's frame waits on.
struct call_reply {
  call_reply() = default;
  call_reply(node* caller_node, std::uint64_t id, completion<rt::call_result> done_by);

  // The trace's name of the call: prefix ("req#", "rep#") and its id, into out.
  void name_call(std::string& out, std::string_view prefix) const {
    out.clear();  // then append: assign is a general replace, which costs twice as much
    out.append(prefix);
    out.append(id_digits.data(), id_size);
  }

  node* caller = nullptr;
  std::uint64_t call_id = 0;
  completion<rt::call_result> done;
  // call_id's decimal digits, written once: every hop names its call in five trace lines.
  std::array<char, max_int_chars> id_digits{};
  std::uint8_t id_size = 0;
};

// A request on the wire.
struct request_message {
  http::request request;
  call_reply reply;
  time_point due{};  // scheduler time at which the caller stops waiting
};

struct network_stats {
  std::uint64_t calls = 0;               // requests issued by http clients
  std::uint64_t unknown_upstream = 0;    // calls to a name that is no service node
  std::uint64_t sent = 0;                // messages (requests and replies) put on a link
  std::uint64_t delivered = 0;           // messages that reached the far end
  std::uint64_t dropped_random = 0;      // lost by a link's drop rate
  std::uint64_t dropped_partition = 0;   // lost to a partition
  std::uint64_t dropped_overflow = 0;    // lost because the link's in-flight bound was hit
  std::uint64_t refused = 0;             // requests that reached a node that was down
  std::uint64_t timeouts = 0;            // calls answered by their deadline timer
  std::uint64_t late_replies_dropped = 0;  // replies that arrived after their call was over
  std::uint64_t orphaned_replies = 0;    // replies whose caller's frame was gone (a crash)
  std::uint64_t resets = 0;              // calls broken by the crash of the server

  std::uint64_t dropped() const { return dropped_random + dropped_partition + dropped_overflow; }
};

class network {
 public:
  static constexpr std::size_t default_max_in_flight_per_link = 100'000;

  network(scheduler& sched, trace& tr, std::uint64_t root_seed, link_config default_link = {},
          std::size_t max_in_flight_per_link = default_max_in_flight_per_link);
  network(const network&) = delete;
  network& operator=(const network&) = delete;

  // The directory: every node registers once, under its unique name.
  void attach(node& n);
  node* find(std::string_view name) const;

  // Link settings (directed). A link without its own config follows the default.
  void set_default_link(const link_config& c);
  const link_config& default_link() const { return default_link_; }
  void set_link(std::string_view from, std::string_view to, const link_config& c);
  void clear_link(std::string_view from, std::string_view to);
  link_config effective_link(std::string_view from, std::string_view to);

  // Partitions: blocks a->b, and b->a too unless one_way. heal() unblocks both directions.
  void partition(std::string_view a, std::string_view b, bool one_way);
  void heal(std::string_view a, std::string_view b);
  void heal_all();
  bool blocked(std::string_view from, std::string_view to) const;

  // Puts a request on the from->to link; at arrival the node handles it, or, when it is down,
  // the caller hears connect_failed (a refused connection).
  void send_request(node& from, node& to, http::request request, call_reply reply, time_point due);
  // Puts a call's outcome (a response or a reset) on the from->caller link.
  void send_reply(node& from, call_reply reply, rt::call_result r);
  // Delivers a call's outcome to its waiting caller. The first outcome wins; a later one is
  // dropped and traced (late_reply_dropped); one whose caller is gone is traced as orphaned.
  void complete(call_reply& reply, rt::call_result r);

  std::uint64_t next_call_id() { return ++last_call_id_; }
  network_stats& stats() { return stats_; }
  const network_stats& stats() const { return stats_; }
  scheduler& sched() { return sched_; }
  trace& events() { return trace_; }

 private:
  struct link_state {
    std::string label;  // "a->b"
    std::optional<link_config> config;
    bool blocked = false;
    prng rng;
    std::size_t in_flight = 0;
  };

  std::uint32_t id_of(std::string_view name);
  std::optional<std::uint32_t> find_id(std::string_view name) const;
  link_state& link_between(std::uint32_t from, std::uint32_t to);
  const link_state* find_link(std::uint32_t from, std::uint32_t to) const;
  // Decides the fate of a message about to leave on l: its latency, or none when it is lost
  // (the loss is counted and traced by the message's label, the first what_size characters
  // of scratch_: "req#<id>" or "rep#<id>", left there by the send's own trace line).
  std::optional<duration> admit(link_state& l, std::string_view from_name, std::size_t what_size);
  // A block for a message about to travel, reused from an earlier message when one is spare.
  template <typename T>
  static std::unique_ptr<T> reuse_or_make(std::vector<std::unique_ptr<T>>& spares);
  // Keeps an arrived message's block for reuse, up to max_spare_blocks; frees it beyond.
  template <typename T>
  static void keep_spare(std::vector<std::unique_ptr<T>>& spares, std::unique_ptr<T> block);
  // As many blocks as messages are ever in flight at once in a busy scenario, with room to
  // spare; a burst beyond it is freed rather than held for the rest of the run.
  static constexpr std::size_t max_spare_blocks = 4096;
  void trace_net(std::string_view kind, std::string_view detail);

  scheduler& sched_;
  trace& trace_;
  std::uint64_t root_seed_;
  link_config default_link_;
  std::size_t max_in_flight_per_link_;
  // Hashed, both: every call looks its upstream up by name and every message its link.
  std::unordered_map<std::string, std::uint32_t, text_hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;  // by id
  std::vector<node*> nodes_;        // by id; null for names that are no node (yet)
  // Never erased, and a deque never moves what it holds, so a link_state's address is stable
  // (messages in flight keep it).
  std::deque<link_state> links_;
  // link_rows_[from][to]: the from->to link, null until it comes into use. Indexed, not hashed:
  // every message looks its link up, and names are few.
  std::vector<std::vector<link_state*>> link_rows_;
  // A reply and the outcome it carries, on the wire.
  struct reply_message {
    call_reply reply;
    rt::call_result outcome{http::response{}};  // replaced by every reply it carries
  };
  // Message blocks whose message has arrived, kept for the next ones: every hop would
  // otherwise allocate a request and a reply block. Only a block that arrived comes back here;
  // one that is lost, or still travelling when the network goes, is simply freed.
  std::vector<std::unique_ptr<request_message>> spare_requests_;
  std::vector<std::unique_ptr<reply_message>> spare_replies_;
  network_stats stats_;
  std::uint64_t last_call_id_ = 0;
  std::string scratch_;
};

}  // namespace qm::sim
