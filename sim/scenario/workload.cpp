#include "sim/scenario/workload.hpp"

#include <cmath>

#include "core/json/json.hpp"
#include "core/task/task_scope.hpp"

namespace qm::sim {

namespace {

enum step_id : std::uint8_t { register_user, login, me, update_me, refresh, logout, step_count };

const char* const step_names[step_count] = {"register", "login", "me", "update_me", "refresh", "logout"};

enum flow_id : std::uint8_t { register_login_me, login_me, me_only, refresh_only, full_session, flow_count };

const char* const flow_names[flow_count] = {"register_login_me", "login_me", "me", "refresh", "full_session"};

flow_id flow_from_name(const std::string& name) {
  for (std::uint8_t i = 0; i < flow_count; ++i) {
    if (name == flow_names[i]) {
      return static_cast<flow_id>(i);
    }
  }
  QM_ASSERT_MSG(false, "the loader admits only known flows");
  return register_login_me;
}

http::request json_post(http::method m, std::string target, const json::object& body) {
  http::request r;
  r.verb = m;
  r.target = std::move(target);
  r.headers.set("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

void bearer(http::request& r, const std::string& token) {
  r.headers.set("Authorization", "Bearer " + token);
}

// Reads the two tokens from a login or refresh answer; false when the body is not one.
bool take_tokens(const std::string& body, std::string& access, std::string& refresh_token) {
  auto parsed = json::parse_object(body);
  if (!parsed) {
    return false;
  }
  const auto* a = parsed->if_contains("access_token");
  const auto* r = parsed->if_contains("refresh_token");
  if (a == nullptr || r == nullptr || !a->is_string() || !r->is_string()) {
    return false;
  }
  access = std::string(a->get_string());
  refresh_token = std::string(r->get_string());
  return true;
}

}  // namespace

std::vector<std::string> known_flow_names() { return {std::begin(flow_names), std::end(flow_names)}; }
std::vector<std::string> known_step_names() { return {std::begin(step_names), std::end(step_names)}; }

workload::workload(const workload_spec& spec, client_io io, std::string gateway, outcome_log& log)
    : spec_(spec), io_(io), gateway_(std::move(gateway)), log_(log) {
  QM_ASSERT(spec_.clients > 0 && !spec_.flows.empty());
  users_.resize(spec_.clients);
  busy_.assign(spec_.clients, 0);
  for (std::size_t i = 0; i < users_.size(); ++i) {
    users_[i].email = "user" + std::to_string(i) + "@sim.quickmart.test";
    users_[i].password = "pw-" + std::to_string(i) + "-correct-horse";
  }
  for (const auto& f : spec_.flows) {
    total_weight_ += f.weight;
  }
}

workload::~workload() = default;

std::size_t workload::pick_flow() {
  auto x = static_cast<std::uint32_t>(io_.random.uniform(total_weight_));
  for (std::size_t i = 0; i < spec_.flows.size(); ++i) {
    if (x < spec_.flows[i].weight) {
      return i;
    }
    x -= spec_.flows[i].weight;
  }
  return spec_.flows.size() - 1;
}

task<void> workload::run(time_point end) {
  const double mean_gap_us = 1e6 / spec_.arrival_rate_per_s;
  while (true) {
    // Exponential gaps make arrivals a Poisson process; 1 - unit() is in (0, 1].
    const double gap = -std::log(1.0 - io_.random.unit()) * mean_gap_us;
    co_await io_.clock.sleep(duration(static_cast<std::int64_t>(gap)));
    if (io_.clock.now() >= end) {
      co_return;
    }
    const auto u = static_cast<std::size_t>(io_.random.uniform(users_.size()));
    const std::size_t f = pick_flow();
    if (busy_[u] != 0) {
      ++counters_.arrivals_skipped_busy;
      continue;
    }
    busy_[u] = 1;
    ++counters_.flows_started;
    const bool spawned = io_.scope.spawn(run_flow(u, f));
    QM_ASSERT_MSG(spawned, "the client scope is sized for every user");
  }
}

task<void> workload::run_flow(std::size_t user_index, std::size_t flow_index) {
  user& u = users_[user_index];
  std::vector<std::uint8_t> steps;
  const auto need_account = [&] {
    if (!u.registered) {
      steps.push_back(register_user);
    }
  };
  const auto need_token = [&] {
    need_account();
    if (u.access_token.empty()) {
      steps.push_back(login);
    }
  };
  switch (flow_from_name(spec_.flows[flow_index].name)) {
    case register_login_me:
      need_account();
      steps.insert(steps.end(), {login, me});
      break;
    case login_me:
      need_account();
      steps.insert(steps.end(), {login, me});
      break;
    case me_only:
      need_token();
      steps.push_back(me);
      break;
    case refresh_only:
      need_token();
      steps.push_back(refresh);
      break;
    case full_session:
      need_account();
      steps.insert(steps.end(), {login, me, update_me, refresh, me, logout});
      break;
    case flow_count:
      break;
  }
  bool all_ok = true;
  for (auto s : steps) {
    if (!co_await step(u, s)) {
      all_ok = false;
      break;
    }
  }
  ++(all_ok ? counters_.flows_completed : counters_.flows_aborted);
  busy_[user_index] = 0;
}

task<rt::call_result> workload::call(std::uint8_t step_id, http::request req) {
  request_record rec;
  rec.step = step_id;
  rec.start = io_.clock.now();
  auto res = co_await io_.http.request(gateway_, std::move(req), rec.start + spec_.request_timeout);
  rec.end = io_.clock.now();
  if (res) {
    rec.outcome = call_outcome::answered;
    rec.status = res->status;
  } else if (res.error().code == rt::call_errc::timeout) {
    rec.outcome = call_outcome::timeout;
  } else if (res.error().code == rt::call_errc::connect_failed) {
    rec.outcome = call_outcome::connect_failed;
  } else {
    rec.outcome = call_outcome::other_error;
  }
  log_.add(rec);
  co_return res;
}

task<bool> workload::step(user& u, std::uint8_t id) {
  http::request req;
  switch (id) {
    case register_user: {
      json::object body;
      body["email"] = u.email;
      body["password"] = u.password;
      body["name"] = "Sim User";
      req = json_post(http::method::post, "/auth/register", body);
      break;
    }
    case login: {
      json::object body;
      body["email"] = u.email;
      body["password"] = u.password;
      req = json_post(http::method::post, "/auth/login", body);
      break;
    }
    case me:
      req.verb = http::method::get;
      req.target = "/auth/me";
      bearer(req, u.access_token);
      break;
    case update_me: {
      json::object body;
      body["name"] = "Sim User Renamed";
      req = json_post(http::method::put, "/auth/me", body);
      bearer(req, u.access_token);
      break;
    }
    case refresh:
    case logout: {
      json::object body;
      body["refresh_token"] = u.refresh_token;
      req = json_post(http::method::post, id == refresh ? "/auth/refresh" : "/auth/logout", body);
      break;
    }
    default:
      QM_ASSERT_MSG(false, "unknown step");
  }
  auto res = co_await call(id, std::move(req));
  if (!res) {
    co_return false;
  }
  const int status = res->status;
  switch (id) {
    case register_user:
      // 409: an earlier attempt went through even though its answer was lost.
      u.registered = u.registered || status == 201 || status == 409;
      co_return status == 201 || status == 409;
    case login:
    case refresh:
      if (status == 200) {
        co_return take_tokens(res->body, u.access_token, u.refresh_token);
      }
      if (status == 401) {
        u.access_token.clear();
        u.refresh_token.clear();
      }
      co_return false;
    case logout:
      u.access_token.clear();
      u.refresh_token.clear();
      co_return status / 100 == 2;
    default:
      if (status == 401) {
        u.access_token.clear();
      }
      co_return status / 100 == 2;
  }
}

}  // namespace qm::sim
