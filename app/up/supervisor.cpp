#include "app/up/supervisor.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "app/up/event_line.hpp"
#include "app/up/loopback_probe.hpp"

namespace qm::up {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds probe_interval{150};
constexpr milliseconds probe_timeout{1000};
constexpr milliseconds hold_check_interval{1000};  // SIGUSR1 is the fast path; this the safety net
constexpr milliseconds kill_wait{3000};            // after SIGKILL, for the kernel to finish

// How long each stop phase (gateway, services, Prometheus, Redis, databases) may take before
// SIGKILL. Services get more than their own in-flight grace (10 s by default).
constexpr milliseconds stop_grace[stop_phases] = {milliseconds(12000), milliseconds(12000), milliseconds(8000),
                                                  milliseconds(5000), milliseconds(10000)};

sigset_t handled_signals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGCHLD);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGUSR1);
  sigaddset(&s, SIGHUP);
  return s;
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) {
    out.push_back(const_cast<char*>(s.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

void write_fd(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

std::string utc_now() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* state_name(int s) {
  static const char* names[] = {"stopped", "starting", "ready", "backoff", "stopping"};
  return names[s];
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status));
  }
  return "status " + std::to_string(WEXITSTATUS(status));
}

supervisor::supervisor(run_files files, std::vector<child_spec> children, database_account account)
    : files_(std::move(files)), account_(std::move(account)), self_(::getpid()) {
  for (auto& spec : children) {
    child c;
    c.spec = std::move(spec);
    children_.push_back(std::move(c));
  }
  dev_null_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

supervisor::~supervisor() {
  if (signal_fd_ >= 0) {
    ::close(signal_fd_);
  }
  if (dev_null_ >= 0) {
    ::close(dev_null_);
  }
}

bool supervisor::open_signals(std::string& error) {
  const sigset_t set = handled_signals();
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) {
    error = std::string("cannot block signals: ") + std::strerror(errno);
    return false;
  }
  // A reader of up's stdout that goes away (a closed pipe) must not take up down with it:
  // the write fails instead. Children get the default back before exec.
  ::signal(SIGPIPE, SIG_IGN);
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) {
    error = std::string("cannot open a signalfd: ") + std::strerror(errno);
    return false;
  }
  for (auto& c : children_) {
    set_state(c, state::stopped);
  }
  return true;
}

pid_t supervisor::fork_exec(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                            const std::string& log_name, bool as_database_user, int death_signal) {
  const std::string log = log_path(files_.data_dir, log_name);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    failure_ = "cannot open " + log + ": " + std::strerror(errno);
    return -1;
  }
  std::string command;
  for (const auto& a : argv) {
    command += (command.empty() ? "" : " ") + a;
  }
  write_fd(log_fd, "---- quickmart up " + utc_now() + ": " + command + "\n");
  // Everything the child needs is built before fork: it only calls async-signal-safe functions.
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  const std::string exec_failed = "quickmart up: cannot execute " + argv.front() + "\n";
  const bool switch_user = as_database_user && account_.switch_user;
  const sigset_t unblock = handled_signals();
  const pid_t parent = self_;
  const pid_t pid = ::fork();
  if (pid < 0) {
    failure_ = std::string("fork failed: ") + std::strerror(errno);
    ::close(log_fd);
    return -1;
  }
  if (pid == 0) {
    // Its own process group: a Ctrl-C at the terminal reaches up only, which stops the
    // children in order.
    ::setpgid(0, 0);
    ::sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
    ::signal(SIGPIPE, SIG_DFL);  // an ignored signal stays ignored across exec
    ::dup2(dev_null_, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::close_range(3, ~0U, 0);
    if (switch_user) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(account_.gid) != 0 || ::setuid(account_.uid) != 0) {
        const char msg[] = "quickmart up: cannot switch to the database user\n";
        (void)!::write(2, msg, sizeof msg - 1);
        ::_exit(126);
      }
    }
    // After any credential change (it clears the death signal): if up dies, so does this.
    ::prctl(PR_SET_PDEATHSIG, death_signal);
    if (::getppid() != parent) {
      ::_exit(1);
    }
    if (::chdir("/") != 0) {
      ::_exit(126);
    }
    ::execve(args[0], args.data(), envp.data());
    (void)!::write(2, exec_failed.data(), exec_failed.size());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

bool supervisor::spawn(child& c) {
  // PostgreSQL gets SIGQUIT (immediate shutdown, which takes its backends along) if up dies.
  const int death_signal = c.spec.kind == child_kind::database ? SIGQUIT : SIGKILL;
  const pid_t pid = fork_exec(c.spec.argv, c.spec.env, c.spec.name, c.spec.as_database_user, death_signal);
  if (pid < 0) {
    if (supervising_) {
      // No fork or no log file right now: try again later rather than at once.
      const auto delay = c.backoff.next_delay_ms(0);
      say("cannot start " + c.spec.name + " (" + failure_ + "); retrying in " + std::to_string(delay) + " ms");
      c.restart_at = clock::now() + milliseconds(delay);
      set_state(c, state::backoff);
    }
    return false;
  }
  c.pid = pid;
  c.stop_requested = false;
  c.started_at = clock::now();
  c.next_probe_at = c.started_at + probe_interval;
  write_file_atomically(files_.pid(c.spec.name), std::to_string(pid) + "\n", 0644);
  set_state(c, state::starting);
  return true;
}

void supervisor::set_state(child& c, state s) {
  c.st = s;
  const std::string pid = c.pid > 0 ? std::to_string(c.pid) : "-";
  write_file_atomically(files_.state(c.spec.name), std::string(state_name(static_cast<int>(s))) + " " + pid + "\n",
                        0644);
}

void supervisor::request_stop(child& c, milliseconds grace) {
  c.stop_requested = true;
  if (c.pid <= 0) {
    set_state(c, state::stopped);
    return;
  }
  ::kill(c.pid, kill_now_ ? SIGKILL : c.spec.stop_signal);
  c.kill_at = clock::now() + grace;
  set_state(c, state::stopping);
}

void supervisor::on_exit(child& c, int status) {
  const auto ran_for = std::chrono::duration_cast<milliseconds>(clock::now() - c.started_at).count();
  c.pid = -1;
  ::unlink(files_.pid(c.spec.name).c_str());
  if (c.stop_requested || interrupted_) {
    set_state(c, state::stopped);
    if (!c.held && supervising_ && !interrupted_) {
      // `cluster start` came while it was still stopping.
      spawn(c);
      c.announce_ready = true;
    }
    return;
  }
  if (!supervising_) {
    failed_ = true;
    failure_ = c.spec.name + " exited (" + describe_wait_status(status) + ") while starting; see " +
               log_path(files_.data_dir, c.spec.name);
    set_state(c, state::stopped);
    return;
  }
  const auto delay = c.backoff.next_delay_ms(ran_for);
  ++c.restarts;
  say(c.spec.name + " exited (" + describe_wait_status(status) + "); restarting in " + std::to_string(delay) +
      " ms (restart " + std::to_string(c.restarts) + ")");
  c.restart_at = clock::now() + milliseconds(delay);
  c.announce_ready = true;
  set_state(c, state::backoff);
}

void supervisor::reap() {
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      return;
    }
    auto it = std::find_if(children_.begin(), children_.end(), [pid](const child& c) { return c.pid == pid; });
    if (it != children_.end()) {
      on_exit(*it, status);
    } else {
      finished_jobs_[pid] = status;
    }
  }
}

void supervisor::handle_signals() {
  signalfd_siginfo info{};
  bool holds_changed = false;
  while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    switch (info.ssi_signo) {
      case SIGUSR1:
        holds_changed = true;
        break;
      case SIGINT:
      case SIGTERM:
      case SIGHUP:
        kill_now_ = interrupted_;  // a second one: no more grace
        interrupted_ = true;
        break;
      default:
        break;
    }
  }
  // SIGCHLDs coalesce: whatever woke us, reap every child that has exited.
  reap();
  if (holds_changed && supervising_) {
    reconcile_holds();
  }
}

void supervisor::reconcile_holds() {
  next_hold_check_ = clock::now() + hold_check_interval;
  for (auto& c : children_) {
    const bool held = file_exists(files_.held(c.spec.name));
    if (held == c.held) {
      continue;
    }
    c.held = held;
    if (held) {
      say(c.spec.name + " stopped by the operator");
      request_stop(c, stop_grace[c.spec.stop_phase]);
    } else {
      say(c.spec.name + " started by the operator");
      c.announce_ready = true;
      if (c.pid <= 0) {
        spawn(c);
      }
    }
  }
}

bool supervisor::probe(const child& c) const {
  const int timeout = static_cast<int>(probe_timeout.count());
  switch (c.spec.ready) {
    case readiness::postgres_accepts:
      return postgres_accepts(c.spec.port, timeout);
    case readiness::redis_pong:
      return redis_pongs(c.spec.port, timeout);
    case readiness::http_ok:
      return http_get_status(c.spec.port, c.spec.ready_path, timeout) == 200;
  }
  return false;
}

void supervisor::run_timers() {
  const auto now = clock::now();
  if (supervising_ && now >= next_hold_check_) {
    reconcile_holds();
  }
  for (auto& c : children_) {
    if (c.st == state::backoff && !c.held && !interrupted_ && now >= c.restart_at) {
      spawn(c);
    } else if (c.st == state::starting && c.pid > 0 && now >= c.next_probe_at) {
      if (probe(c)) {
        set_state(c, state::ready);
        if (c.announce_ready && supervising_) {
          say(c.spec.name + " is ready again");
        }
        c.announce_ready = false;
      } else {
        c.next_probe_at = clock::now() + probe_interval;
      }
    } else if (c.st == state::stopping && c.pid > 0 && (now >= c.kill_at || kill_now_)) {
      // The whole group: a child's own helpers go with it.
      ::kill(-c.pid, SIGKILL);
      ::kill(c.pid, SIGKILL);
      c.kill_at = now + kill_wait;
    }
  }
}

void supervisor::step(clock::time_point deadline) {
  // Timers run after the wait, never before it: what they change (a child now ready) must
  // reach the caller's loop condition before the next, possibly long, wait.
  auto wake = deadline;
  if (supervising_) {
    wake = std::min(wake, next_hold_check_);
  }
  for (const auto& c : children_) {
    if (c.st == state::backoff) {
      wake = std::min(wake, c.restart_at);
    } else if (c.st == state::starting) {
      wake = std::min(wake, c.next_probe_at);
    } else if (c.st == state::stopping) {
      wake = std::min(wake, c.kill_at);
    }
  }
  const auto now = clock::now();
  const auto wait_ms = wake > now ? std::chrono::duration_cast<milliseconds>(wake - now).count() + 1 : 0;
  pollfd p{signal_fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(wait_ms, 60'000)));
  if (r > 0) {
    handle_signals();
  }
  run_timers();
}

supervisor::outcome supervisor::start_phase(int phase, int timeout_ms) {
  for (auto& c : children_) {
    if (c.spec.start_phase == phase && c.pid <= 0 && !spawn(c)) {
      failure_ = "cannot start " + c.spec.name + ": " + failure_;
      return outcome::failed;
    }
  }
  const auto deadline = clock::now() + milliseconds(timeout_ms);
  for (;;) {
    if (failed_) {
      return outcome::failed;
    }
    if (interrupted_) {
      return outcome::interrupted;
    }
    const bool all_ready = std::all_of(children_.begin(), children_.end(), [phase](const child& c) {
      return c.spec.start_phase != phase || c.st == state::ready;
    });
    if (all_ready) {
      return outcome::done;
    }
    if (clock::now() >= deadline) {
      for (const auto& c : children_) {
        if (c.spec.start_phase == phase && c.st != state::ready) {
          failure_ = c.spec.name + " was not ready within " + std::to_string(timeout_ms / 1000) + " s; see " +
                     log_path(files_.data_dir, c.spec.name);
          break;
        }
      }
      return outcome::failed;
    }
    step(deadline);
  }
}

supervisor::outcome supervisor::run_jobs(const std::vector<job>& jobs, int timeout_ms) {
  std::vector<std::pair<pid_t, const job*>> running;
  for (const auto& j : jobs) {
    const pid_t pid = fork_exec(j.argv, j.env, j.log_name, j.as_database_user, SIGKILL);
    if (pid < 0) {
      failure_ = "cannot run " + j.argv.front() + ": " + failure_;
      break;
    }
    running.emplace_back(pid, &j);
  }
  const auto deadline = clock::now() + milliseconds(timeout_ms);
  auto result = running.size() == jobs.size() ? outcome::done : outcome::failed;
  for (;;) {
    const bool all_done = std::all_of(running.begin(), running.end(),
                                      [this](const auto& r) { return finished_jobs_.contains(r.first); });
    if (all_done) {
      break;
    }
    if (interrupted_ || clock::now() >= deadline || failed_) {
      // Cut short: none of them may outlive up.
      for (const auto& [pid, j] : running) {
        if (!finished_jobs_.contains(pid)) {
          ::kill(pid, SIGKILL);
          int status = 0;
          ::waitpid(pid, &status, 0);
          finished_jobs_[pid] = status;
          if (!interrupted_ && !failed_) {
            failure_ = j->argv.front() + " did not finish within " + std::to_string(timeout_ms / 1000) + " s; see " +
                       log_path(files_.data_dir, j->log_name);
          }
        }
      }
      result = interrupted_ ? outcome::interrupted : outcome::failed;
      break;
    }
    step(deadline);
  }
  for (const auto& [pid, j] : running) {
    const int status = finished_jobs_[pid];
    finished_jobs_.erase(pid);
    if (result == outcome::done && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      failure_ = j->argv.front() + " failed (" + describe_wait_status(status) + "); see " +
                 log_path(files_.data_dir, j->log_name);
      result = outcome::failed;
    }
  }
  if (failed_) {
    result = outcome::failed;
  }
  return result;
}

void supervisor::supervise() {
  supervising_ = true;
  reconcile_holds();
  while (!interrupted_) {
    step(clock::now() + std::chrono::seconds(60));
  }
}

void supervisor::stop_all() {
  supervising_ = false;  // exits from here on are expected
  interrupted_ = true;
  for (int phase = 0; phase < stop_phases; ++phase) {
    for (auto& c : children_) {
      if (c.spec.stop_phase != phase) {
        continue;
      }
      if (c.pid > 0 && c.st != state::stopping) {
        request_stop(c, stop_grace[phase]);
      } else if (c.pid <= 0) {
        c.stop_requested = true;
        set_state(c, state::stopped);
      }
    }
    // Bounded: each child gets its grace, then SIGKILL and kill_wait for the kernel.
    const auto deadline = clock::now() + stop_grace[phase] + kill_wait + milliseconds(500);
    while (clock::now() < deadline) {
      const bool any_running = std::any_of(children_.begin(), children_.end(), [phase](const child& c) {
        return c.spec.stop_phase == phase && c.pid > 0;
      });
      if (!any_running) {
        break;
      }
      step(deadline);
    }
  }
  for (auto& c : children_) {
    ::unlink(files_.state(c.spec.name).c_str());
    ::unlink(files_.held(c.spec.name).c_str());
    if (c.pid <= 0) {
      ::unlink(files_.pid(c.spec.name).c_str());
    }
  }
}

}  // namespace qm::up
