#include "runtime/sqlite/embedded_storage.hpp"

namespace qm::rt::sqlite {

result<std::unique_ptr<embedded_storage>, sql::error> embedded_storage::open(
    const std::string& path, const options& opts) {
  auto db = database::open(path, opts);
  if (!db) {
    return make_unexpected(db.error());
  }
  return std::unique_ptr<embedded_storage>(new embedded_storage(std::move(*db)));
}

task<db_status> embedded_storage::transact(transaction_body body, duration timeout) {
  db_->set_busy_timeout(timeout);
  co_return db_->transact(body);
}

}  // namespace qm::rt::sqlite
