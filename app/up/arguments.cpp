#include "app/up/arguments.hpp"

#include <charconv>

#include "app/up/cluster_names.hpp"

namespace qm::up {

namespace {

// Walks "--name VALUE" and "--name=VALUE" pairs and bare flags.
class argument_walker {
 public:
  explicit argument_walker(const std::vector<std::string>& args) : args_(args) {}

  bool done() const { return next_ >= args_.size(); }

  // The current argument's option name ("--data" of "--data=x"), and moves past it.
  std::string take_name() {
    const std::string& a = args_[next_++];
    const auto eq = a.find('=');
    if (a.starts_with("--") && eq != std::string::npos) {
      inline_value_ = a.substr(eq + 1);
      has_inline_value_ = true;
      return a.substr(0, eq);
    }
    has_inline_value_ = false;
    return a;
  }

  bool has_inline_value() const { return has_inline_value_; }

  result<std::string, std::string> take_value(const std::string& name) {
    if (has_inline_value_) {
      has_inline_value_ = false;
      return inline_value_;
    }
    if (done()) {
      return make_unexpected(name + " needs a value");
    }
    return args_[next_++];
  }

 private:
  const std::vector<std::string>& args_;
  std::size_t next_ = 0;
  std::string inline_value_;
  bool has_inline_value_ = false;
};

result<int, std::string> parse_int(const std::string& name, const std::string& text, int min, int max) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto parsed = std::from_chars(text.data(), end, value);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != end || value < min || value > max) {
    return make_unexpected(name + " wants a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", not '" + text + "'");
  }
  return value;
}

result<std::string, std::string> parse_dir(const std::string& name, result<std::string, std::string> value) {
  if (!value) {
    return value;
  }
  if (value->empty()) {
    return make_unexpected(name + " wants a directory, not an empty string");
  }
  return value;
}

}  // namespace

result<up_options, std::string> parse_up_arguments(const std::vector<std::string>& args,
                                                   const std::map<std::string, std::string>& environment) {
  up_options o;
  if (auto it = environment.find("QUICKMART_PG_BIN"); it != environment.end() && !it->second.empty()) {
    o.pg_bin = it->second;
  }
  if (auto it = environment.find("QUICKMART_SHARE_DIR"); it != environment.end() && !it->second.empty()) {
    o.share_dir = it->second;
  }
  argument_walker walk(args);
  while (!walk.done()) {
    const std::string name = walk.take_name();
    const bool is_flag = name == "--help" || name == "-h" || name == "--embedded" || name == "--with-prometheus";
    if (is_flag && walk.has_inline_value()) {
      return make_unexpected(name + " takes no value");
    }
    if (name == "--help" || name == "-h") {
      o.help = true;
    } else if (name == "--embedded") {
      o.embedded = true;
    } else if (name == "--with-prometheus") {
      o.with_prometheus = true;
    } else if (name == "--base-port") {
      auto v = walk.take_value(name);
      if (!v) {
        return make_unexpected(v.error());
      }
      auto port = parse_int(name, *v, 1024, 65535 - max_port_offset);
      if (!port) {
        return make_unexpected(port.error());
      }
      o.base_port = *port;
    } else if (name == "--data" || name == "--pg-bin" || name == "--share-dir") {
      auto v = parse_dir(name, walk.take_value(name));
      if (!v) {
        return make_unexpected(v.error());
      }
      (name == "--data" ? o.data_dir : name == "--pg-bin" ? o.pg_bin : o.share_dir) = *v;
    } else if (name.starts_with("-")) {
      return make_unexpected("unknown option '" + name + "'");
    } else {
      return make_unexpected("unexpected argument '" + name + "'");
    }
  }
  return o;
}

result<cluster_options, std::string> parse_cluster_arguments(const std::vector<std::string>& args) {
  cluster_options o;
  argument_walker walk(args);
  bool have_action = false;
  while (!walk.done()) {
    const std::string name = walk.take_name();
    if (name == "--help" || name == "-h") {
      o.help = true;
    } else if (name == "--data") {
      auto v = parse_dir(name, walk.take_value(name));
      if (!v) {
        return make_unexpected(v.error());
      }
      o.data_dir = *v;
    } else if (name == "--timeout-s") {
      auto v = walk.take_value(name);
      if (!v) {
        return make_unexpected(v.error());
      }
      auto t = parse_int(name, *v, 1, 3600);
      if (!t) {
        return make_unexpected(t.error());
      }
      o.timeout_s = *t;
    } else if (name.starts_with("-")) {
      return make_unexpected("unknown option '" + name + "'");
    } else if (!have_action) {
      if (name == "status") {
        o.action = cluster_action::status;
      } else if (name == "stop") {
        o.action = cluster_action::stop;
      } else if (name == "start") {
        o.action = cluster_action::start;
      } else {
        return make_unexpected("unknown cluster command '" + name + "' (status, stop NAME, start NAME)");
      }
      have_action = true;
    } else if (o.action != cluster_action::status && o.name.empty()) {
      if (!find_child_name(name)) {
        std::string known;
        for (const auto& n : all_child_names()) {
          known += (known.empty() ? "" : " ") + std::string(n.name);
        }
        return make_unexpected("unknown name '" + name + "' (known: " + known + ")");
      }
      o.name = name;
    } else {
      return make_unexpected("unexpected argument '" + name + "'");
    }
  }
  if (o.help) {
    return o;
  }
  if (!have_action) {
    return make_unexpected(std::string("which cluster command? (status, stop NAME, start NAME)"));
  }
  if (o.action != cluster_action::status && o.name.empty()) {
    return make_unexpected(std::string(o.action == cluster_action::stop ? "stop" : "start") + ": which child?");
  }
  return o;
}

std::string up_help_text() {
  return R"(usage: quickmart up [--embedded] [--with-prometheus] [--base-port N] [--data DIR]
                    [--pg-bin DIR] [--share-dir DIR]

Starts the whole shop on this machine as child processes, without docker: five private
PostgreSQL clusters (initdb on the first run), Redis, the six services and the gateway,
optionally Prometheus. Waits until everything is ready, prints the URLs and then the line
`quickmart up: ready`. A child that exits without being asked is restarted with backoff
(250 ms doubling to 8 s, reset after 30 s of running; never given up), and each restart is
logged on stdout. Ctrl-C, SIGTERM or SIGHUP stops everything in reverse dependency order and
exits 0; if up itself is killed, its children die with it.

  --embedded          every service on a SQLite file, the gateway's rate limits in memory:
                      no PostgreSQL, no Redis
  --with-prometheus   also run Prometheus, scraping the seven services, with the alert rules
  --base-port N       ports, all on 127.0.0.1 (default 8000, from 1024 to 65505):
                        gateway N, auth N+1, product N+2, cart N+3, order N+4, delivery N+5,
                        notification N+6, auth-db N+10, product-db N+11, cart-db N+12,
                        order-db N+13, delivery-db N+14, redis N+20, prometheus N+30
  --data DIR          state directory (default ./quickmart-data):
                        DIR/secrets.env       generated on the first run (mode 0600), then reused
                        DIR/pg/<service>/     the PostgreSQL clusters
                        DIR/sqlite/<svc>.db   the embedded databases
                        DIR/logs/<name>.log   each child's stdout and stderr (appended)
                        DIR/run/up.pid, DIR/run/<name>.pid   pids of up and of each running child
  --pg-bin DIR        PostgreSQL's binaries (QUICKMART_PG_BIN; default /usr/lib/postgresql/15/bin)
  --share-dir DIR     where docker/prometheus/alerts.yml is (QUICKMART_SHARE_DIR; default: found
                      from the quickmart binary's location)

Control one child while up runs: quickmart cluster --help.
Exit codes: 0 stopped cleanly, 1 failed to start (the message names the log to read), 2 usage.
)";
}

std::string cluster_help_text() {
  return R"(usage: quickmart cluster status [--data DIR]
       quickmart cluster stop NAME [--data DIR] [--timeout-s N]
       quickmart cluster start NAME [--data DIR] [--timeout-s N]

Controls the children of a running `quickmart up` on the same --data DIR (default
./quickmart-data).

  status   prints one line per child: NAME STATE PID (PID is - when not running); states:
           starting, ready, backoff (waiting to restart), stopping, stopped (held by `stop`)
  stop     stops the child and keeps it stopped (the restart policy leaves it alone) until
           `start`; waits until it has exited
  start    starts a stopped child again; waits until it is running and ready

NAME: gateway auth product cart order delivery notification auth-db product-db cart-db
order-db delivery-db redis prometheus.
--timeout-s N bounds the wait (default 30).
Exit codes: 0 done, 1 timed out or up is not running (or does not run NAME), 2 usage.
)";
}

}  // namespace qm::up
