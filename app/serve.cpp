#include "app/serve.hpp"

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <memory>

#include "core/config/service_config.hpp"
#include "core/http/router.hpp"
#include "core/metrics/registry.hpp"
#include "core/task/task_scope.hpp"
#include "runtime/asio/asio_clock.hpp"
#include "runtime/asio/client/asio_http_client.hpp"
#include "runtime/asio/event_loop.hpp"
#include "runtime/asio/http_server.hpp"
#include "runtime/asio/os_random.hpp"
#include "runtime/asio/process_metrics.hpp"
#include "runtime/asio/stderr_logger.hpp"
#include "runtime/instrumented_storage.hpp"
#include "runtime/map_settings.hpp"
#include "runtime/postgres/postgres_storage.hpp"
#include "runtime/redis/redis_kv.hpp"
#include "runtime/sqlite/embedded_storage.hpp"
#include "services/registry.hpp"

namespace qm::app {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_start_failed = 1;
constexpr int exit_usage = 2;

// A service that cannot reach its database keeps retrying for about ten minutes, then exits
// non-zero so a supervisor (docker's restart policy, `quickmart up`) can take over.
constexpr int max_start_attempts = 130;
constexpr duration first_start_backoff = ms(100);
constexpr duration max_start_backoff = seconds(5);

rt::log_level level_from(const std::string& name) {
  if (name == "debug") return rt::log_level::debug;
  if (name == "warn") return rt::log_level::warn;
  if (name == "error") return rt::log_level::error;
  return rt::log_level::info;
}

// Everything one service process owns, in the order it must be torn down (reverse).
struct process {
  explicit process(const config::service_config& c)
      : cfg(c), clock(loop), log(c.service, level_from(c.log_level)), settings(c.settings),
        roots(16, [this](const std::string& what) { log.error("start task failed", {{"error", what}}); }) {}

  const config::service_config& cfg;
  rt::asio::event_loop loop;
  rt::asio::asio_clock clock;
  rt::asio::os_random random;
  rt::asio::stderr_logger log;
  metrics::registry metrics;
  rt::map_settings settings;
  http::router routes;
  std::unique_ptr<rt::storage> storage;
  rt::postgres::postgres_storage* postgres = nullptr;  // set when storage is PostgreSQL
  std::unique_ptr<rt::asio_http_client> http;
  std::unique_ptr<rt::redis::redis_kv> kv;  // set when --redis-url is (the gateway's shared rate limits)
  std::unique_ptr<rt::runtime> runtime;
  std::unique_ptr<rt::service> service;
  std::unique_ptr<rt::asio::http_server> server;
  task_scope roots;
  int exit_code = exit_ok;
};

bool open_storage(process& p) {
  switch (p.cfg.storage.kind) {
    case config::storage_kind::none:
      return true;
    case config::storage_kind::sqlite: {
      auto opened = rt::sqlite::embedded_storage::open(p.cfg.storage.location);
      if (!opened) {
        p.log.error("cannot open the SQLite database", {{"path", p.cfg.storage.location},
                                                         {"error", opened.error().message}});
        return false;
      }
      p.storage = std::move(opened).value();
      return true;
    }
    case config::storage_kind::postgres: {
      rt::postgres::options o;
      o.pool_size = p.cfg.db_pool_size;
      auto pg = std::make_unique<rt::postgres::postgres_storage>(p.cfg.storage.location, p.loop.context(), o);
      p.postgres = pg.get();
      p.storage = std::move(pg);
      return true;
    }
  }
  return false;
}

rt::asio::server_options server_options_from(const config::service_config& c) {
  rt::asio::server_options o;
  o.host = c.listen.host;
  o.port = c.listen.port;
  o.max_body_bytes = c.max_body_bytes;
  o.max_connections = c.max_connections;
  o.header_timeout = ms(c.header_timeout_ms);
  o.request_timeout = ms(c.request_timeout_ms);
  o.shutdown_grace = ms(c.shutdown_timeout_ms);
  o.observe.access_log = c.access_log;
  o.observe.request_metrics = c.request_metrics;
  return o;
}

// What every process exports beside its service's own metrics: the service label on every
// series, db_query_duration_seconds (the storage is wrapped), db_pool_connections{state} read
// at each scrape, and the process_* family.
void install_metrics(process& p) {
  p.metrics.set_constant_labels({{"service", p.cfg.service}});
  rt::asio::install_process_metrics(p.metrics);
  if (!p.storage) {
    return;
  }
  p.storage = std::make_unique<rt::instrumented_storage>(std::move(p.storage), p.clock, p.metrics);
  const char* help = "Database connections of this process, by state.";
  if (p.postgres != nullptr) {
    rt::postgres::postgres_storage* pg = p.postgres;
    metrics::registry* m = &p.metrics;
    p.metrics.add_collector([pg, m, help] {
      const auto counts = pg->pool();
      m->get_gauge("db_pool_connections", help, {{"state", "idle"}}).set(static_cast<double>(counts.idle));
      m->get_gauge("db_pool_connections", help, {{"state", "in_use"}}).set(static_cast<double>(counts.in_use));
    });
  } else {
    // SQLite: one connection, used inline on the loop, so idle whenever a scrape can look.
    p.metrics.get_gauge("db_pool_connections", help, {{"state", "idle"}}).set(1);
    p.metrics.get_gauge("db_pool_connections", help, {{"state", "in_use"}}).set(0);
  }
}

void stop_everything(process& p) {
  if (p.postgres != nullptr) {
    p.postgres->shutdown();
  }
  if (p.kv) {
    p.kv->close();
  }
  p.loop.stop();
}

// Starts the service (retrying while its database is unreachable), then opens the listener.
task<void> start_and_listen(process& p) {
  duration backoff = first_start_backoff;
  bool started = false;
  for (int attempt = 1; attempt <= max_start_attempts && !started; ++attempt) {
    started = co_await p.service->start();
    if (!started) {
      p.log.warn("service start failed; retrying", {{"attempt", std::to_string(attempt)},
                                                    {"retry_in_ms", std::to_string(backoff.count() / 1000)}});
      co_await p.clock.sleep(backoff);
      backoff = std::min(backoff * 2, max_start_backoff);
    }
  }
  if (!started) {
    p.log.error("service did not start; giving up", {{"attempts", std::to_string(max_start_attempts)}});
    p.exit_code = exit_start_failed;
    stop_everything(p);
    co_return;
  }
  p.server = std::make_unique<rt::asio::http_server>(p.loop, p.routes, server_options_from(p.cfg), p.metrics, p.log);
  auto bound = p.server->start();
  if (!bound) {
    p.log.error("cannot listen", {{"listen", p.cfg.listen.host + ":" + std::to_string(p.cfg.listen.port)},
                                  {"error", bound.error()}});
    p.exit_code = exit_start_failed;
    stop_everything(p);
    co_return;
  }
  p.log.info("listening", {{"address", bound->address}, {"port", std::to_string(bound->port)},
                           {"storage", p.storage ? std::string(p.storage->engine()) : std::string("none")}});
}

}  // namespace

int serve(const std::string& service, const std::vector<std::string>& args,
          const std::map<std::string, std::string>& environment) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      const auto help = config::help_text(service);
      std::fwrite(help.data(), 1, help.size(), stdout);
      return exit_ok;
    }
  }
  auto cfg = config::resolve(service, environment, args);
  if (!cfg) {
    std::fprintf(stderr, "quickmart serve %s: %s\n", service.c_str(), cfg.error().message.c_str());
    return exit_usage;
  }
  process p(cfg.value());
  if (!open_storage(p)) {
    return exit_start_failed;
  }
  install_metrics(p);
  rt::asio_http_client::upstream_urls upstreams(cfg->upstreams.begin(), cfg->upstreams.end());
  auto client = rt::asio_http_client::create(p.loop.context(), upstreams);
  if (!client) {
    std::fprintf(stderr, "quickmart serve %s: %s\n", service.c_str(), client.error().c_str());
    return exit_usage;
  }
  p.http = std::move(client).value();
  if (!cfg->redis_url.empty()) {
    auto kv = rt::redis::redis_kv::create(p.loop.context(), cfg->redis_url);
    if (!kv) {
      std::fprintf(stderr, "quickmart serve %s: %s\n", service.c_str(), kv.error().c_str());  // never the password
      return exit_usage;
    }
    p.kv = std::move(kv).value();
    p.log.info("rate limits in redis", {{"redis", p.kv->where()}});
  }
  p.runtime = std::make_unique<rt::runtime>(rt::runtime{service, p.clock, p.random, *p.http, p.routes,
                                                        p.storage.get(), p.kv.get(), p.log, p.metrics, p.settings});
  p.service = services::make_service(service, *p.runtime);
  QM_ASSERT_MSG(p.service != nullptr, "config::resolve admits only known services");

  p.loop.on_shutdown_signal([&p](int signal_number) {
    p.log.info("shutting down", {{"signal", std::to_string(signal_number)}});
    p.roots.cancel_all();  // a start still retrying has nothing to finish
    if (p.server) {
      p.server->shutdown([&p] { stop_everything(p); });
    } else {
      stop_everything(p);
    }
  });
  p.loop.post([&p] { QM_ASSERT(p.roots.spawn(start_and_listen(p))); });
  p.loop.run();
  p.log.info("stopped", {{"exit_code", std::to_string(p.exit_code)}});
  return p.exit_code;
}

}  // namespace qm::app
