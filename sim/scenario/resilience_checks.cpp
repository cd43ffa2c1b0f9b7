#include "sim/scenario/resilience_checks.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/base/assert.hpp"
#include "core/ratelimit/rate_class.hpp"
#include "core/sql/sql.hpp"
#include "sim/scenario/forged_credentials.hpp"
#include "sim/scenario/steps.hpp"
#include "sim/storage/storage_cluster.hpp"

namespace qm::sim {

namespace {

// A violation inside a switch back from memory to the kv may come this long before the
// "back on the kv" line: the probe that closes the kv breaker decides just before it.
constexpr std::int64_t switch_back_slack_us = 1'000'000;

std::string seconds_text(std::int64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", static_cast<double>(us) / 1e6);
  return buf;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::int64_t us_of(time_point t) { return to_unix_us(t); }

check_result judged(bool passed, std::string detail) {
  check_result r;
  r.passed = passed;
  r.detail = std::move(detail);
  return r;
}

const std::vector<std::string>& lines_of(const run_observations& obs) {
  static const std::vector<std::string> none;
  return obs.trace_lines != nullptr ? *obs.trace_lines : none;
}

bool selected(const check_spec& c, const request_record& r, const std::vector<std::string>& steps) {
  if (!c.step.empty() && steps[r.step] != c.step) {
    return false;
  }
  return c.except_step.empty() || steps[r.step] != c.except_step;
}

bool any_of_words(const request_record& r, const std::vector<std::string>& words) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return outcome_matches(r, w); });
}

std::string outcome_counts(const std::map<std::string, std::uint64_t>& counts) {
  std::string out;
  for (const auto& [word, n] : counts) {
    out += ", " + std::to_string(n) + " got " + word;
  }
  return out;
}

// --- what the clients were answered -------------------------------------------------------

check_result never_outcomes(const check_spec& c, const run_observations& obs,
                            const std::vector<std::string>& steps) {
  std::uint64_t judged_n = 0;
  std::map<std::string, std::uint64_t> bad;
  std::int64_t first_bad_us = -1;
  for (const auto& r : obs.log.records()) {
    if (!selected(c, r, steps)) {
      continue;
    }
    if (c.fault) {
      const auto& w = obs.fault_windows[*c.fault];
      if (!(r.start < w.end && r.end >= w.begin)) {
        continue;
      }
    }
    ++judged_n;
    if (any_of_words(r, c.outcomes)) {
      ++bad[outcome_word(r)];
      if (first_bad_us < 0) {
        first_bad_us = us_of(r.start) - us_of(obs.run_start);
      }
    }
  }
  std::string detail = std::to_string(judged_n) + " requests judged" + outcome_counts(bad);
  if (first_bad_us >= 0) {
    detail += ", first at " + seconds_text(first_bad_us);
  }
  if (judged_n == 0) {
    detail = "no requests to judge";
  }
  return judged(judged_n > 0 && bad.empty(), detail);
}

check_result only_outcomes(const check_spec& c, const run_observations& obs,
                           const std::vector<std::string>& steps) {
  std::uint64_t judged_n = 0;
  std::map<std::string, std::uint64_t> bad;
  for (const auto& r : obs.log.records()) {
    if (!selected(c, r, steps)) {
      continue;
    }
    ++judged_n;
    if (!any_of_words(r, c.allowed)) {
      ++bad[outcome_word(r)];
    }
  }
  std::string detail = std::to_string(judged_n) + " requests judged" + outcome_counts(bad);
  return judged(judged_n > 0 && bad.empty(), judged_n == 0 ? "no requests to judge" : detail);
}

// Requests of the check's step that started and ended inside fault c.fault_index.
template <typename F>
std::uint64_t for_each_inside(const check_spec& c, const run_observations& obs,
                              const std::vector<std::string>& steps, F&& f) {
  const auto& w = obs.fault_windows[c.fault_index];
  std::uint64_t n = 0;
  for (const auto& r : obs.log.records()) {
    if (selected(c, r, steps) && r.start >= w.begin && r.end <= w.end) {
      ++n;
      f(r);
    }
  }
  return n;
}

check_result success_rate_during_fault(const check_spec& c, const run_observations& obs,
                                       const std::vector<std::string>& steps) {
  std::uint64_t ok = 0;
  const std::uint64_t n = for_each_inside(c, obs, steps, [&](const request_record& r) { ok += is_success(r) ? 1 : 0; });
  const double rate = n == 0 ? 0.0 : static_cast<double>(ok) / static_cast<double>(n);
  return judged(n > 0 && rate >= c.min_rate,
                std::to_string(ok) + "/" + std::to_string(n) + " inside faults[" + std::to_string(c.fault_index) +
                    "] succeeded (" + number_text(rate) + ", needed " + number_text(c.min_rate) + ")");
}

check_result stale_served(const check_spec& c, const run_observations& obs,
                          const std::vector<std::string>& steps) {
  std::uint64_t stale = 0;
  const std::uint64_t n = for_each_inside(c, obs, steps, [&](const request_record& r) {
    stale += is_success(r) && (r.flags & flag_stale) != 0 ? 1 : 0;
  });
  const double rate = n == 0 ? 0.0 : static_cast<double>(stale) / static_cast<double>(n);
  return judged(stale > 0 && rate >= c.min_rate,
                std::to_string(stale) + "/" + std::to_string(n) + " inside faults[" + std::to_string(c.fault_index) +
                    "] answered from the stale cache (" + number_text(rate) + ", needed " +
                    number_text(c.min_rate) + ")");
}

// --- what the trace shows ------------------------------------------------------------------

// The value of the string member "key" of a log line (a JSON object, core/log/log_line.hpp),
// as written: the values read here (upstream names, breaker states) need no escapes.
std::string_view field_value(std::string_view detail, std::string_view key) {
  const std::string needle = ",\"" + std::string(key) + "\":\"";
  const auto at = detail.find(needle);
  if (at == std::string_view::npos) {
    return {};
  }
  const auto begin = at + needle.size();
  const auto end = detail.find('"', begin);
  return detail.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

// A breaker transition of node's breaker on upstream, from a "log" line; nullopt otherwise.
std::optional<std::string_view> breaker_transition(const trace_entry& e, const check_spec& c) {
  if (e.kind != "log" || e.node != c.node ||
      e.detail.find("\"circuit breaker changed state\"") == std::string_view::npos ||
      field_value(e.detail, "upstream") != c.upstream) {
    return std::nullopt;
  }
  return field_value(e.detail, "to");
}

// A request node sends to upstream ("req#N node->upstream VERB target").
bool is_send_to(const trace_entry& e, std::string_view node, std::string_view upstream) {
  if (e.kind != "send" || e.node != node || !e.detail.starts_with("req#")) {
    return false;
  }
  const std::string label = " " + std::string(node) + "->" + std::string(upstream) + " ";
  return e.detail.find(label) != std::string_view::npos;
}

struct transition_at {
  std::int64_t t_us;
  std::string to;
};

std::vector<transition_at> transitions(const check_spec& c, const run_observations& obs) {
  std::vector<transition_at> out;
  for (const auto& line : lines_of(obs)) {
    const auto e = parse_trace_line(line);
    if (!e) {
      continue;
    }
    if (const auto to = breaker_transition(*e, c)) {
      out.push_back({e->t_us, std::string(*to)});
    }
  }
  return out;
}

check_result breaker_opens(const check_spec& c, const run_observations& obs) {
  const auto& w = obs.fault_windows[c.fault_index];
  const std::int64_t begin = us_of(w.begin);
  for (const auto& t : transitions(c, obs)) {
    if (t.to == "open" && t.t_us >= begin) {
      const std::int64_t after = t.t_us - begin;
      return judged(after <= c.within.count(),
                    c.node + "'s breaker on " + c.upstream + " opened " + seconds_text(after) +
                        " after faults[" + std::to_string(c.fault_index) + "] began (bound " +
                        seconds_text(c.within.count()) + ")");
    }
  }
  return judged(false, c.node + "'s breaker on " + c.upstream + " never opened after faults[" +
                           std::to_string(c.fault_index) + "] began");
}

check_result breaker_closes(const check_spec& c, const run_observations& obs) {
  const auto& w = obs.fault_windows[c.fault_index];
  const std::int64_t end = us_of(w.end);
  const auto all = transitions(c, obs);
  std::optional<std::int64_t> closed_after;
  for (const auto& t : all) {
    if (t.to == "closed" && t.t_us >= end) {
      closed_after = t.t_us - end;
      break;
    }
  }
  const bool ends_closed = !all.empty() && all.back().to == "closed";
  if (!closed_after) {
    return judged(false, c.node + "'s breaker on " + c.upstream + " did not close after faults[" +
                             std::to_string(c.fault_index) + "] ended (" + std::to_string(all.size()) +
                             " transitions)");
  }
  return judged(*closed_after <= c.within.count() && ends_closed,
                c.node + "'s breaker on " + c.upstream + " closed " + seconds_text(*closed_after) +
                    " after the fault ended (bound " + seconds_text(c.within.count()) + "), " +
                    (ends_closed ? "and stayed closed" : "but ended " + all.back().to));
}

// A breaker that must not open: node's calls to upstream went on during the fault (so the
// breaker was tried), and no transition of it ever went to open.
check_result breaker_stays_closed(const check_spec& c, const run_observations& obs) {
  const auto& w = obs.fault_windows[c.fault_index];
  const std::int64_t begin = us_of(w.begin);
  const std::int64_t end = us_of(w.end);
  std::uint64_t opened = 0;
  std::uint64_t sends_in_fault = 0;
  for (const auto& line : lines_of(obs)) {
    const auto e = parse_trace_line(line);
    if (!e) {
      continue;
    }
    if (const auto to = breaker_transition(*e, c)) {
      opened += *to == "open" ? 1 : 0;
    } else if (is_send_to(*e, c.node, c.upstream) && e->t_us >= begin && e->t_us < end) {
      ++sends_in_fault;
    }
  }
  return judged(opened == 0 && sends_in_fault > 0,
                c.node + "'s breaker on " + c.upstream + " opened " + std::to_string(opened) +
                    " times; " + std::to_string(sends_in_fault) + " calls sent to " + c.upstream +
                    " inside faults[" + std::to_string(c.fault_index) + "]");
}

check_result breaker_blocks_calls(const check_spec& c, const run_observations& obs) {
  // Per half-open episode: the probes in flight, plus one more for each success that frees a
  // slot before the breaker closes.
  const std::int64_t max_half_open_sends = 2 * static_cast<std::int64_t>(c.max_probes) - 1;
  std::string state = "closed";
  std::uint64_t open_episodes = 0;
  std::uint64_t half_open_episodes = 0;
  std::uint64_t sends_while_open = 0;
  std::uint64_t sends_total = 0;
  std::int64_t half_open_sends = 0;
  std::int64_t most_half_open_sends = 0;
  std::uint64_t episodes_over = 0;
  std::int64_t first_leak_us = -1;
  for (const auto& line : lines_of(obs)) {
    const auto e = parse_trace_line(line);
    if (!e) {
      continue;
    }
    if (const auto to = breaker_transition(*e, c)) {
      state = std::string(*to);
      open_episodes += state == "open" ? 1 : 0;
      if (state == "half_open") {
        ++half_open_episodes;
        half_open_sends = 0;
      }
      continue;
    }
    if (!is_send_to(*e, c.node, c.upstream)) {
      continue;
    }
    ++sends_total;
    if (state == "open") {
      ++sends_while_open;
      if (first_leak_us < 0) {
        first_leak_us = e->t_us - us_of(obs.run_start);
      }
    } else if (state == "half_open") {
      ++half_open_sends;
      episodes_over += half_open_sends == max_half_open_sends + 1 ? 1 : 0;
      most_half_open_sends = std::max(most_half_open_sends, half_open_sends);
    }
  }
  std::string detail = std::to_string(open_episodes) + " open episodes, " + std::to_string(half_open_episodes) +
                       " half-open (at most " + std::to_string(most_half_open_sends) + " sends in one, bound " +
                       std::to_string(max_half_open_sends) + "), " + std::to_string(sends_while_open) +
                       " sends while open of " + std::to_string(sends_total) + " " + c.node + "->" + c.upstream;
  if (first_leak_us >= 0) {
    detail += ", first at " + seconds_text(first_leak_us);
  }
  if (open_episodes == 0) {
    detail += "; the breaker never opened: nothing to judge";
  }
  return judged(open_episodes > 0 && sends_while_open == 0 && episodes_over == 0, detail);
}

// The sum of a counter's series on node whose labels include every label asked for.
double counter_sum(const run_observations& obs, std::string_view node, std::string_view metric,
                   const std::map<std::string, std::string>& labels, std::uint64_t& series) {
  const std::string text = obs.metrics_text ? obs.metrics_text(node) : std::string();
  double sum = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    if (!line.starts_with(metric) || line.size() <= metric.size() ||
        (line[metric.size()] != '{' && line[metric.size()] != ' ')) {
      continue;
    }
    const auto value_at = line.rfind(' ');
    const std::string_view label_text = line.substr(metric.size(), value_at - metric.size());
    const bool all = std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
      return label_text.find(kv.first + "=\"" + kv.second + "\"") != std::string_view::npos;
    });
    if (!all) {
      continue;
    }
    ++series;
    sum += std::strtod(std::string(line.substr(value_at + 1)).c_str(), nullptr);
  }
  return sum;
}

check_result retry_amplification(const check_spec& c, const run_observations& obs) {
  std::uint64_t attempts = 0;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  for (const auto& line : lines_of(obs)) {
    const auto e = parse_trace_line(line);
    if (e && is_send_to(*e, c.node, c.upstream)) {
      first_us = attempts == 0 ? e->t_us : first_us;
      last_us = e->t_us;
      ++attempts;
    }
  }
  std::uint64_t series = 0;
  const double retries = counter_sum(obs, c.node, "upstream_retries_total", {{"upstream", c.upstream}}, series);
  // Every attempt after a call's first is a retry; attempts refused by the breaker count as
  // retries without a send, which only makes the logical count (and the bound) smaller.
  const double logical = std::max(0.0, static_cast<double>(attempts) - retries);
  const double span_s = static_cast<double>(last_us - first_us) / 1e6 + static_cast<double>(c.window.count()) / 1e6;
  const double bound = (1.0 + c.ratio) * logical + c.floor_per_s * span_s;
  return judged(attempts > 0 && static_cast<double>(attempts) <= bound,
                std::to_string(attempts) + " attempts " + c.node + "->" + c.upstream + " for " +
                    number_text(logical) + " logical calls (" + number_text(retries) + " retries) over " +
                    number_text(span_s) + " s; bound " + number_text(bound));
}

check_result no_attempt_past_deadline(const check_spec& c, const run_observations& obs) {
  std::uint64_t sends = 0;
  std::uint64_t late = 0;
  for (const auto& line : lines_of(obs)) {
    const auto e = parse_trace_line(line);
    if (!e || e->node != c.node) {
      continue;
    }
    if (e->kind == "send" && e->detail.starts_with("req#")) {
      ++sends;
    } else if (e->kind == "timeout" && e->detail.ends_with("deadline already past")) {
      ++late;
    }
  }
  return judged(sends > 0 && late == 0, std::to_string(late) + " of " + std::to_string(sends + late) +
                                            " calls by " + c.node + " started past their deadline");
}

// --- rate limits as the clients saw them ---------------------------------------------------

ratelimit::rate_class class_limit(const scenario& s, limit_class_tag tag) {
  std::string_view key = "rate_limit_general";
  ratelimit::rate_class fallback = ratelimit::default_general_class();
  if (tag == limit_class_tag::auth) {
    key = "rate_limit_auth";
    fallback = ratelimit::default_auth_class();
  } else if (tag == limit_class_tag::admin) {
    key = "rate_limit_admin";
    fallback = ratelimit::default_admin_class();
  }
  const auto svc = s.settings.find("gateway");
  if (svc == s.settings.end()) {
    return fallback;
  }
  const auto it = svc->second.find(std::string(key));
  if (it == svc->second.end()) {
    return fallback;
  }
  auto parsed = ratelimit::parse_rate_class(fallback.name, it->second);
  return parsed ? *parsed : fallback;
}

// A decision the limiter surely admitted: an answer that is no 429 and did not end earlier, at
// authentication (a signed-in request refused there never reached the limiter) or at an
// unreachable upstream (the limiter may or may not have been asked).
bool surely_admitted(const request_record& r) {
  if (r.outcome != call_outcome::answered || r.status == 429 || r.status >= 500) {
    return false;
  }
  return (r.flags & flag_signed_in) == 0 || (r.status != 401 && r.status != 403);
}

check_result rate_limit_holds(const scenario& s, const run_observations& obs) {
  std::vector<std::int64_t> switch_backs;
  for (const auto& line : lines_of(obs)) {
    const auto e = parse_trace_line(line);
    if (e && e->kind == "log" && e->node == "gateway" &&
        e->detail.find("rate limiting is back on the kv") != std::string_view::npos) {
      switch_backs.push_back(e->t_us);
    }
  }
  // (subject, class) -> the admitted requests' [start, end], in start order.
  std::map<std::pair<std::uint32_t, limit_class_tag>, std::vector<std::pair<std::int64_t, std::int64_t>>> admitted;
  std::uint64_t refused = 0;
  for (const auto& r : obs.log.records()) {
    if (r.subject == 0 || r.limit_class == limit_class_tag::none) {
      continue;
    }
    refused += r.outcome == call_outcome::answered && r.status == 429 ? 1 : 0;
    if (surely_admitted(r)) {
      admitted[{r.subject, r.limit_class}].emplace_back(us_of(r.start), us_of(r.end));
    }
  }
  std::uint64_t violations = 0;
  std::string worst;
  double worst_ratio = 0;
  for (auto& [key, spans] : admitted) {
    std::sort(spans.begin(), spans.end());
    const ratelimit::rate_class cls = class_limit(s, key.second);
    const std::int64_t window_us = cls.window.count();
    for (std::size_t i = 0; i < spans.size(); ++i) {
      // The decisions of these requests all lie in [start_i, start_i + window): one window.
      const std::int64_t close = spans[i].first + window_us;
      std::int64_t inside = 0;
      for (std::size_t j = i; j < spans.size() && spans[j].first < close; ++j) {
        inside += spans[j].second < close ? 1 : 0;
      }
      const bool spans_switch = std::any_of(switch_backs.begin(), switch_backs.end(), [&](std::int64_t t) {
        return t + switch_back_slack_us >= spans[i].first && t < close;
      });
      const std::int64_t bound = spans_switch ? 2 * cls.limit : cls.limit;
      const double ratio = static_cast<double>(inside) / static_cast<double>(cls.limit);
      if (ratio > worst_ratio) {
        worst_ratio = ratio;
        worst = obs.log.subject_name(key.first) + " (" + cls.name + ", " + std::to_string(inside) + " in a window from " +
                seconds_text(spans[i].first - us_of(obs.run_start)) + ", bound " + std::to_string(bound) + ")";
      }
      violations += inside > bound ? 1 : 0;
    }
  }
  std::string detail = std::to_string(admitted.size()) + " subjects, " + std::to_string(refused) + " refused (429), " +
                       std::to_string(switch_backs.size()) + " switches back to the kv, " +
                       std::to_string(violations) + " windows over the limit; fullest: " + worst;
  if (refused == 0) {
    detail += "; no request was ever limited: nothing to judge";
  }
  return judged(refused > 0 && violations == 0, detail);
}

check_result rate_limit_headers(const scenario& s, const run_observations& obs) {
  std::uint64_t limited = 0;
  std::uint64_t with_fields = 0;
  std::uint64_t bad = 0;
  std::string first;
  const auto problem = [&](const request_record& r, const std::string& what) {
    ++bad;
    if (first.empty()) {
      first = what + " at " + seconds_text(us_of(r.start) - us_of(obs.run_start));
    }
  };
  for (const auto& r : obs.log.records()) {
    if (r.limit_class == limit_class_tag::none || r.outcome != call_outcome::answered) {
      continue;
    }
    const std::int64_t limit = class_limit(s, r.limit_class).limit;
    if (r.status == 429) {
      ++limited;
      if (r.retry_after_s < 1) {
        problem(r, "a 429 with Retry-After " + std::to_string(r.retry_after_s));
      } else if (r.remaining_header != 0) {
        problem(r, "a 429 with X-RateLimit-Remaining " + std::to_string(r.remaining_header));
      } else if (r.limit_header != limit) {
        problem(r, "a 429 with X-RateLimit-Limit " + std::to_string(r.limit_header) + " (class limit " +
                       std::to_string(limit) + ")");
      } else if ((r.flags & flag_rate_fields) == 0) {
        problem(r, "a 429 without RateLimit and RateLimit-Policy");
      }
    } else if (r.limit_header >= 0) {
      ++with_fields;
      if (r.limit_header != limit || r.remaining_header < 0 || r.remaining_header >= limit) {
        problem(r, "an admitted reply with X-RateLimit-Limit " + std::to_string(r.limit_header) +
                       ", Remaining " + std::to_string(r.remaining_header) + " (class limit " +
                       std::to_string(limit) + ")");
      }
    }
  }
  std::string detail = std::to_string(limited) + " 429s and " + std::to_string(with_fields) +
                       " admitted replies with rate-limit fields, " + std::to_string(bad) + " wrong";
  if (!first.empty()) {
    detail += " (first: " + first + ")";
  }
  return judged(limited > 0 && bad == 0, detail);
}

// --- the databases after forged requests ---------------------------------------------------

check_result no_forged_writes(const run_observations& obs) {
  std::uint64_t attempts = 0;
  for (const auto& r : obs.log.records()) {
    attempts += r.step == step_spoof || r.step == step_bypass ? 1 : 0;
  }
  struct probe {
    std::string_view database;
    std::string_view table;
  };
  const probe probes[] = {{"cart_db", "carts"}, {"cart_db", "cart_lines"}, {"order_db", "checkouts"},
                          {"order_db", "orders"}};
  std::int64_t rows = 0;
  std::string where;
  for (const auto& p : probes) {
    const auto found = obs.storage->inspect(
        p.database, "SELECT COUNT(*) FROM " + std::string(p.table) + " WHERE user_id >= $1 AND user_id < $2",
        {sql::value(forged_user_base), sql::value(forged_user_base + forged_user_count)});
    const std::int64_t n = found.empty() ? 0 : found.front().get_int(0);
    rows += n;
    if (n > 0 && where.empty()) {
      where = std::string(p.database) + "." + std::string(p.table);
    }
  }
  std::string detail = std::to_string(attempts) + " forged requests, " + std::to_string(rows) +
                       " rows for forged users";
  if (!where.empty()) {
    detail += " (first in " + where + ")";
  }
  return judged(attempts > 0 && rows == 0, detail);
}

check_result metric_at_least(const check_spec& c, const run_observations& obs) {
  std::uint64_t series = 0;
  const double sum = counter_sum(obs, c.node, c.metric, c.labels, series);
  std::string label_text;
  for (const auto& [k, v] : c.labels) {
    label_text += (label_text.empty() ? "" : ",") + k + "=" + v;
  }
  return judged(sum >= c.min_rate, c.node + " " + c.metric + "{" + label_text + "} = " + number_text(sum) +
                                       " over " + std::to_string(series) + " series (needed " +
                                       number_text(c.min_rate) + ")");
}

}  // namespace

std::optional<trace_entry> parse_trace_line(std::string_view line) {
  const auto s1 = line.find(' ');
  if (s1 == std::string_view::npos) {
    return std::nullopt;
  }
  const auto s2 = line.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) {
    return std::nullopt;
  }
  const auto s3 = line.find(' ', s2 + 1);
  trace_entry e;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + s1, e.t_us);
  if (ec != std::errc{} || end != line.data() + s1) {
    return std::nullopt;
  }
  e.node = line.substr(s1 + 1, s2 - s1 - 1);
  e.kind = line.substr(s2 + 1, s3 == std::string_view::npos ? std::string_view::npos : s3 - s2 - 1);
  e.detail = s3 == std::string_view::npos ? std::string_view{} : line.substr(s3 + 1);
  return e;
}

bool is_resilience_check(check_kind k) {
  return k >= check_kind::never_outcomes && k <= check_kind::metric_at_least;
}

bool needs_trace_lines(check_kind k) {
  switch (k) {
    case check_kind::breaker_opens:
    case check_kind::breaker_blocks_calls:
    case check_kind::breaker_closes:
    case check_kind::breaker_stays_closed:
    case check_kind::retry_amplification:
    case check_kind::no_attempt_past_deadline:
    case check_kind::rate_limit_holds:
      return true;
    default:
      return false;
  }
}

check_result evaluate_resilience_check(const check_spec& c, const scenario& s,
                                       const run_observations& obs) {
  const auto steps = known_step_names();
  switch (c.kind) {
    case check_kind::never_outcomes: return never_outcomes(c, obs, steps);
    case check_kind::only_outcomes: return only_outcomes(c, obs, steps);
    case check_kind::success_rate_during_fault: return success_rate_during_fault(c, obs, steps);
    case check_kind::stale_served: return stale_served(c, obs, steps);
    case check_kind::breaker_opens: return breaker_opens(c, obs);
    case check_kind::breaker_blocks_calls: return breaker_blocks_calls(c, obs);
    case check_kind::breaker_closes: return breaker_closes(c, obs);
    case check_kind::breaker_stays_closed: return breaker_stays_closed(c, obs);
    case check_kind::retry_amplification: return retry_amplification(c, obs);
    case check_kind::no_attempt_past_deadline: return no_attempt_past_deadline(c, obs);
    case check_kind::rate_limit_holds: return rate_limit_holds(s, obs);
    case check_kind::rate_limit_headers: return rate_limit_headers(s, obs);
    case check_kind::no_forged_writes: return no_forged_writes(obs);
    case check_kind::metric_at_least: return metric_at_least(c, obs);
    default: break;
  }
  QM_ASSERT_MSG(false, "not a resilience check");
  return {};
}

}  // namespace qm::sim
