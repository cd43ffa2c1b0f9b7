#include "sim/engine/network.hpp"

#include "core/base/append_int.hpp"
#include "core/base/assert.hpp"
#include "sim/engine/node.hpp"
#include "sim/engine/text.hpp"

namespace qm::sim {

namespace {
constexpr std::string_view net_node = "net";

void append_outcome(std::string& out, const rt::call_result& r) {
  if (r.ok()) {
    append_status(out, r.value().status);
  } else {
    out += rt::to_string(r.error().code);
  }
}
}  // namespace

network::network(scheduler& sched, trace& tr, std::uint64_t root_seed, link_config default_link,
                 std::size_t max_in_flight_per_link)
    : sched_(sched),
      trace_(tr),
      root_seed_(root_seed),
      default_link_(default_link),
      max_in_flight_per_link_(max_in_flight_per_link) {
  QM_ASSERT(max_in_flight_per_link_ > 0);
}

call_reply::call_reply(node* caller_node, std::uint64_t id, completion<rt::call_result> done_by)
    : caller(caller_node), call_id(id), done(std::move(done_by)) {
  id_size = static_cast<std::uint8_t>(write_int(id_digits.data(), id) - id_digits.data());
}

std::uint32_t network::id_of(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) {
    return it->second;
  }
  const auto id = static_cast<std::uint32_t>(names_.size());
  ids_.emplace(std::string(name), id);
  names_.emplace_back(name);
  nodes_.push_back(nullptr);
  return id;
}

std::optional<std::uint32_t> network::find_id(std::string_view name) const {
  if (auto it = ids_.find(name); it != ids_.end()) {
    return it->second;
  }
  return std::nullopt;
}

void network::attach(node& n) {
  const std::uint32_t id = id_of(n.name());
  QM_ASSERT_MSG(nodes_[id] == nullptr, "two nodes with one name");
  nodes_[id] = &n;
  n.net_id_ = id;
  n.address_ = "10.77." + std::to_string((id >> 8) & 0xff) + "." + std::to_string(id & 0xff);
}

node* network::find(std::string_view name) const {
  const auto id = find_id(name);
  return id ? nodes_[*id] : nullptr;
}

network::link_state& network::link_between(std::uint32_t from, std::uint32_t to) {
  if (from < link_rows_.size() && to < link_rows_[from].size() && link_rows_[from][to] != nullptr) {
    return *link_rows_[from][to];
  }
  std::string label = names_[from] + "->" + names_[to];
  // The stream is derived by name, so the order in which links come into use changes nothing.
  prng rng = prng::derive(root_seed_, "link/" + label);
  link_state& l = links_.emplace_back(link_state{std::move(label), std::nullopt, false, rng, 0});
  if (from >= link_rows_.size()) {
    link_rows_.resize(from + 1);
  }
  std::vector<link_state*>& row = link_rows_[from];
  if (to >= row.size()) {
    row.resize(to + 1, nullptr);
  }
  row[to] = &l;
  return l;
}

const network::link_state* network::find_link(std::uint32_t from, std::uint32_t to) const {
  if (from < link_rows_.size() && to < link_rows_[from].size()) {
    return link_rows_[from][to];
  }
  return nullptr;
}

void network::trace_net(std::string_view kind, std::string_view detail) {
  trace_.record(sched_.now(), net_node, kind, detail);
}

void network::set_default_link(const link_config& c) {
  default_link_ = c;
  trace_net("default_link", describe(c));
}

void network::set_link(std::string_view from, std::string_view to, const link_config& c) {
  link_state& l = link_between(id_of(from), id_of(to));
  l.config = c;
  trace_net("link", l.label + " " + describe(c));
}

void network::clear_link(std::string_view from, std::string_view to) {
  link_state& l = link_between(id_of(from), id_of(to));
  l.config.reset();
  trace_net("link", l.label + " default");
}

link_config network::effective_link(std::string_view from, std::string_view to) {
  const link_state& l = link_between(id_of(from), id_of(to));
  return l.config ? *l.config : default_link_;
}

void network::partition(std::string_view a, std::string_view b, bool one_way) {
  const std::uint32_t ia = id_of(a);
  const std::uint32_t ib = id_of(b);
  link_between(ia, ib).blocked = true;
  if (!one_way) {
    link_between(ib, ia).blocked = true;
  }
  scratch_.assign(a);
  scratch_ += one_way ? " -> " : " <-> ";
  scratch_ += b;
  trace_net("partition", scratch_);
}

void network::heal(std::string_view a, std::string_view b) {
  const std::uint32_t ia = id_of(a);
  const std::uint32_t ib = id_of(b);
  link_between(ia, ib).blocked = false;
  link_between(ib, ia).blocked = false;
  scratch_.assign(a);
  scratch_ += " <-> ";
  scratch_ += b;
  trace_net("heal", scratch_);
}

void network::heal_all() {
  for (link_state& l : links_) {
    l.blocked = false;
  }
  trace_net("heal_all", "");
}

bool network::blocked(std::string_view from, std::string_view to) const {
  const auto a = find_id(from);
  const auto b = find_id(to);
  if (!a || !b) {
    return false;
  }
  const link_state* l = find_link(*a, *b);
  return l != nullptr && l->blocked;
}

std::optional<duration> network::admit(link_state& l, std::string_view from_name, std::size_t what_size) {
  ++stats_.sent;
  std::string_view reason;
  const link_config& c = l.config ? *l.config : default_link_;
  if (l.blocked) {
    ++stats_.dropped_partition;
    reason = "partition";
  } else if (sample_drop(c.drop_rate, l.rng)) {
    ++stats_.dropped_random;
    reason = "loss";
  } else if (l.in_flight >= max_in_flight_per_link_) {
    ++stats_.dropped_overflow;
    reason = "overflow";
  } else {
    ++l.in_flight;
    return sample_latency(c.latency, l.rng);
  }
  scratch_.resize(what_size);
  scratch_ += ' ';
  scratch_ += l.label;
  scratch_ += ' ';
  scratch_ += reason;
  trace_.record(sched_.now(), from_name, "drop", scratch_);
  return std::nullopt;
}

template <typename T>
std::unique_ptr<T> network::reuse_or_make(std::vector<std::unique_ptr<T>>& spares) {
  if (spares.empty()) {
    return std::make_unique<T>();
  }
  std::unique_ptr<T> block = std::move(spares.back());
  spares.pop_back();
  return block;
}

template <typename T>
void network::keep_spare(std::vector<std::unique_ptr<T>>& spares, std::unique_ptr<T> block) {
  if (spares.size() < max_spare_blocks) {
    spares.push_back(std::move(block));
  }
}

void network::send_request(node& from, node& to, http::request request, call_reply reply,
                           time_point due) {
  link_state& l = link_between(from.net_id(), to.net_id());
  std::unique_ptr<request_message> m = reuse_or_make(spare_requests_);
  m->request = std::move(request);
  m->reply = std::move(reply);
  m->due = due;
  m->reply.name_call(scratch_, "req#");
  const std::size_t what_size = scratch_.size();
  scratch_ += ' ';
  scratch_ += l.label;
  scratch_ += ' ';
  scratch_ += http::to_string(m->request.verb);
  scratch_ += ' ';
  scratch_ += m->request.target;
  trace_.record(sched_.now(), from.name(), "send", scratch_);
  const auto latency = admit(l, from.name(), what_size);
  if (!latency) {
    return;
  }
  sched_.at_delay(*latency, [this, &l, &to, m = std::move(m)]() mutable {
    --l.in_flight;
    m->reply.name_call(scratch_, "req#");
    scratch_ += ' ';
    scratch_ += l.label;
    if (!to.listening()) {
      // Nobody listens: the caller's connection is refused, and it learns so now.
      ++stats_.refused;
      trace_.record(sched_.now(), to.name(), "refused", scratch_);
      complete(m->reply, make_unexpected(rt::call_error{rt::call_errc::connect_failed,
                                                        "connection refused by " + to.name()}));
      return;
    }
    ++stats_.delivered;
    trace_.record(sched_.now(), to.name(), "deliver", scratch_);
    to.receive(*m);
    keep_spare(spare_requests_, std::move(m));
  });
}

void network::send_reply(node& from, call_reply reply, rt::call_result r) {
  QM_ASSERT(reply.caller != nullptr);
  link_state& l = link_between(from.net_id(), reply.caller->net_id());
  reply.name_call(scratch_, "rep#");
  const std::size_t what_size = scratch_.size();
  scratch_ += ' ';
  scratch_ += l.label;
  scratch_ += ' ';
  append_outcome(scratch_, r);
  trace_.record(sched_.now(), from.name(), "send", scratch_);
  const auto latency = admit(l, from.name(), what_size);
  if (!latency) {
    return;
  }
  // Reply and outcome travel together in one heap block: the action's inline storage is
  // sized for small timers, and a response does not fit.
  std::unique_ptr<reply_message> msg = reuse_or_make(spare_replies_);
  msg->reply = std::move(reply);
  msg->outcome = std::move(r);
  sched_.at_delay(*latency, [this, &l, msg = std::move(msg)]() mutable {
    --l.in_flight;
    ++stats_.delivered;
    msg->reply.name_call(scratch_, "rep#");
    scratch_ += ' ';
    scratch_ += l.label;
    trace_.record(sched_.now(), msg->reply.caller->name(), "deliver", scratch_);
    complete(msg->reply, std::move(msg->outcome));
    keep_spare(spare_replies_, std::move(msg));
  });
}

void network::complete(call_reply& reply, rt::call_result r) {
  if (reply.done.done()) {
    ++stats_.late_replies_dropped;
    reply.name_call(scratch_, "req#");
    scratch_ += ' ';
    append_outcome(scratch_, r);
    trace_.record(sched_.now(), reply.caller->name(), "late_reply_dropped", scratch_);
    return;
  }
  if (!reply.done.has_waiter()) {
    // The caller's frame is gone (its node crashed): nothing to resume. Fulfilling still marks
    // the call over, so its deadline timer stays quiet.
    ++stats_.orphaned_replies;
    reply.name_call(scratch_, "req#");
    scratch_ += ' ';
    append_outcome(scratch_, r);
    trace_.record(sched_.now(), reply.caller->name(), "reply_orphaned", scratch_);
    reply.done.fulfil(std::move(r));
    return;
  }
  reply.done.fulfil(std::move(r));
}

}  // namespace qm::sim
