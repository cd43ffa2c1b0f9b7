#include "services/delivery/service.hpp"

#include <array>

#include "delivery_schema_sql.hpp"
#include "runtime/migrations.hpp"
#include "services/delivery/routes.hpp"

namespace qm::delivery {

task<bool> delivery_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("delivery refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  if (rt_.storage == nullptr) {
    rt_.log.error("delivery refuses to start: no storage is attached (it needs delivery_db)");
    co_return false;
  }
  const std::array<rt::migration, 1> migrations = {
      rt::migration{1, "delivery_initial_schema", delivery_schema_sql()},
  };
  auto migrated = co_await rt::apply_migrations(*rt_.storage, migrations);
  if (!migrated) {
    rt_.log.warn("delivery start: migrations failed",
                 {{"code", std::string(sql::to_string(migrated.error().code))},
                  {"message", migrated.error().message}});
    co_return false;
  }
  const duration db_timeout = settings->db_timeout;
  const duration upstream_timeout = settings->upstream_timeout;
  ctx_.emplace(delivery_context{rt_, std::move(*settings), delivery_store(*rt_.storage, db_timeout),
                                upstreams(rt_, upstream_timeout)});
  register_routes(rt_.routes, *ctx_);
  rt_.log.info("delivery started", {{"engine", std::string(rt_.storage->engine())}});
  co_return true;
}

}  // namespace qm::delivery
