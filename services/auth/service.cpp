#include "services/auth/service.hpp"

#include "runtime/migrations.hpp"
#include "services/auth/bootstrap_admin.hpp"
#include "services/auth/domain/passwords.hpp"

namespace qm::auth {

task<bool> auth_service::start() {
  if (ctx_) {
    co_return true;
  }
  auto settings = read_settings(rt_.config);
  if (!settings) {
    rt_.log.error("auth refuses to start: bad settings", {{"reason", settings.error()}});
    co_return false;
  }
  if (rt_.storage == nullptr) {
    rt_.log.error("auth refuses to start: no storage is attached (it needs auth_db)");
    co_return false;
  }
  auto migrated = co_await rt::apply_migrations(*rt_.storage, auth_migrations());
  if (!migrated) {
    rt_.log.warn("auth start: migrations failed",
                 {{"code", std::string(sql::to_string(migrated.error().code))},
                  {"message", migrated.error().message}});
    co_return false;
  }
  const auto params = password_params(settings->scrypt_n);
  ctx_.emplace(auth_context{rt_, *settings, auth_store(*rt_.storage, settings->db_timeout),
                            dummy_hash(params)});
  auto admin = co_await ensure_bootstrap_admin(*ctx_);
  if (!admin) {
    rt_.log.warn("auth start: the bootstrap admin could not be ensured",
                 {{"code", std::string(sql::to_string(admin.error().code))}});
    ctx_.reset();
    co_return false;
  }
  observability_ = services::install_observability(rt_, {});
  if (!observability_) {
    ctx_.reset();
    co_return false;
  }
  register_routes(rt_.routes, *ctx_);
  rt_.log.info("auth started", {{"engine", std::string(rt_.storage->engine())},
                                {"scrypt_n", std::to_string(settings->scrypt_n)}});
  co_return true;
}

}  // namespace qm::auth
