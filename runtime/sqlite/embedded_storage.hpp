#pragma once
// rt::storage for production's embedded mode (`--storage sqlite:PATH`): one SQLite file per
// service, transactions run inline on the caller's thread. transact() finishes without
// suspending; an event loop may later move the work to a worker, the interface stays.

#include <memory>
#include <string>

#include "core/base/result.hpp"
#include "runtime/sqlite/database.hpp"
#include "runtime/storage.hpp"

namespace qm::rt::sqlite {

class embedded_storage final : public rt::storage {
 public:
  // Opens (creating if needed) the database at path; ":memory:" for a private one.
  static result<std::unique_ptr<embedded_storage>, sql::error> open(const std::string& path,
                                                                    const options& opts = {});

  // The timeout bounds how long the transaction waits for a lock another process holds on
  // the file; the body itself runs to completion (it never awaits).
  task<db_status> transact(transaction_body body, duration timeout) override;
  std::string_view engine() const override { return "sqlite"; }

  // For schema scripts and tests.
  database& db() { return *db_; }

 private:
  explicit embedded_storage(std::unique_ptr<database> db) : db_(std::move(db)) {}
  std::unique_ptr<database> db_;
};

}  // namespace qm::rt::sqlite
