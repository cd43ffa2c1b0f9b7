#pragma once
// The process side of `quickmart up`: starts children (fork/exec with an environment of their
// own, stdout+stderr appended to DIR/logs/<name>.log, their own process group, killed if up
// dies), watches them through a signalfd (SIGCHLD, SIGINT, SIGTERM, SIGUSR1) with one poll()
// whose timeout is the next thing due, polls readiness, restarts with backoff, obeys the held
// files of `quickmart cluster`, and stops everything in order. One thread; every wait bounded.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/up/restart_backoff.hpp"
#include "app/up/run_files.hpp"
#include "app/up/topology.hpp"

namespace qm::up {

// The unprivileged account PostgreSQL runs as when up runs as root.
struct database_account {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// A one-shot command (initdb, psql) run to completion under the supervisor's signal handling.
struct job {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string log_name;  // appended to DIR/logs/<log_name>.log
  bool as_database_user = false;
};

class supervisor {
 public:
  using clock = std::chrono::steady_clock;

  supervisor(run_files files, std::vector<child_spec> children, database_account account);
  ~supervisor();
  supervisor(const supervisor&) = delete;
  supervisor& operator=(const supervisor&) = delete;

  // Blocks the signals up handles and opens the signalfd; before any child starts.
  bool open_signals(std::string& error);

  enum class outcome { done, interrupted, failed };

  // Starts every child of the phase and waits (at most timeout_ms) until they are all ready.
  // failed: a child exited or was not ready in time; failure() says which and where its log is.
  outcome start_phase(int phase, int timeout_ms);

  // Runs the jobs together; done when all exited 0 within timeout_ms.
  outcome run_jobs(const std::vector<job>& jobs, int timeout_ms);

  // From now on a child that exits is restarted (and logged), held files are obeyed.
  // Returns when SIGINT or SIGTERM arrives.
  void supervise();

  // Stops every running child in stop-phase order, each bounded; SIGKILL after the bound.
  void stop_all();

  const std::string& failure() const { return failure_; }

 private:
  enum class state { stopped, starting, ready, backoff, stopping };

  struct child {
    child_spec spec;
    pid_t pid = -1;
    state st = state::stopped;
    bool held = false;            // `cluster stop`: stays stopped until `cluster start`
    bool stop_requested = false;  // we asked it to exit (held or shutdown)
    bool announce_ready = false;  // print "NAME is ready again" when it is
    restart_backoff backoff;
    int restarts = 0;
    clock::time_point started_at{};
    clock::time_point restart_at{};
    clock::time_point next_probe_at{};
    clock::time_point kill_at{};
  };

  bool spawn(child& c);
  pid_t fork_exec(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& log_name, bool as_database_user, int death_signal);
  void request_stop(child& c, std::chrono::milliseconds grace);
  void on_exit(child& c, int status);
  void reap();
  void handle_signals();
  void reconcile_holds();
  void run_timers();
  bool probe(const child& c) const;
  void set_state(child& c, state s);
  // One round: waits for a signal or until the next timer (at most until deadline).
  void step(clock::time_point deadline);

  run_files files_;
  std::vector<child> children_;
  database_account account_;
  int signal_fd_ = -1;
  int dev_null_ = -1;
  pid_t self_ = 0;
  bool supervising_ = false;   // restarts on; before that an exit is a failed start
  bool interrupted_ = false;   // SIGINT or SIGTERM seen
  bool kill_now_ = false;      // a second one: no more grace
  bool failed_ = false;
  std::string failure_;
  std::map<pid_t, int> finished_jobs_;  // pid -> wait status of reaped one-shot commands
  clock::time_point next_hold_check_{};
};

std::string describe_wait_status(int status);  // "status 1", "signal 9"

}  // namespace qm::up
