#include "tests/integration/storage/test_databases.hpp"

#include <pqxx/pqxx>

#include <cstdlib>
#include <random>
#include <sstream>

#include "runtime/sqlite/embedded_storage.hpp"

namespace qm::test {

postgres_availability postgres_from_environment() {
  postgres_availability out;
  const char* url = std::getenv("QUICKMART_TEST_PG_URL");
  if (url != nullptr && *url != '\0') {
    out.url = url;
    return out;
  }
  const char* servers = std::getenv("QUICKMART_TEST_SERVERS");
  out.skip = servers != nullptr && std::string(servers) == "0";
  out.reason = out.skip
                   ? "QUICKMART_TEST_SERVERS=0: the PostgreSQL engine is not tested in this run"
                   : "QUICKMART_TEST_PG_URL is not set: run the suite through scripts/test (which "
                     "starts a private PostgreSQL), or set QUICKMART_TEST_SERVERS=0 to skip it";
  return out;
}

std::string with_database(const std::string& server_url, const std::string& name) {
  const std::size_t scheme = server_url.find("://");
  if (scheme == std::string::npos) {
    // A keyword=value string: a later dbname overrides an earlier one.
    return server_url + " dbname=" + name;
  }
  const std::size_t query = server_url.find('?', scheme + 3);
  const std::size_t path = server_url.find('/', scheme + 3);
  const std::string rest = query == std::string::npos ? std::string() : server_url.substr(query);
  const std::size_t authority_end =
      path != std::string::npos && (query == std::string::npos || path < query) ? path
      : query == std::string::npos                                              ? server_url.size()
                                                                                : query;
  return server_url.substr(0, authority_end) + "/" + name + rest;
}

namespace {

std::string random_database_name() {
  std::random_device device;
  std::mt19937_64 gen((static_cast<std::uint64_t>(device()) << 32) ^ device());
  std::ostringstream out;
  out << "t_" << std::hex << gen();
  return out.str();
}

}  // namespace

scratch_database::scratch_database(const std::string& server_url)
    : server_url_(server_url), name_(random_database_name()), url_(with_database(server_url, name_)) {
  pqxx::connection admin(server_url_);
  pqxx::nontransaction tx(admin);
  tx.exec("CREATE DATABASE " + name_);
}

scratch_database::~scratch_database() {
  try {
    pqxx::connection admin(server_url_);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop " << name_ << ": " << e.what();
  }
}

void drain(boost::asio::io_context& loop, std::chrono::milliseconds for_at_least) {
  auto guard = boost::asio::make_work_guard(loop);
  if (loop.stopped()) {
    loop.restart();
  }
  loop.run_for(for_at_least);
}

std::unique_ptr<engine_under_test> engine_under_test::open(const std::string& engine,
                                                           const std::string& postgres_server_url,
                                                           const rt::postgres::options& opts) {
  std::unique_ptr<engine_under_test> out(new engine_under_test());
  out->loop_ = std::make_unique<boost::asio::io_context>();
  if (engine == "sqlite") {
    auto db = rt::sqlite::embedded_storage::open(":memory:");
    if (!db) {
      ADD_FAILURE() << "sqlite: " << db.error().message;
      return nullptr;
    }
    out->storage_ = std::move(*db);
    return out;
  }
  EXPECT_EQ(engine, "postgres");
  out->database_ = std::make_unique<scratch_database>(postgres_server_url);
  out->storage_ =
      std::make_unique<rt::postgres::postgres_storage>(out->database_->url(), *out->loop_, opts);
  return out;
}

engine_under_test::~engine_under_test() {
  // Close the pool before dropping its database; then let late handlers run and go.
  storage_.reset();
  if (loop_) {
    drain(*loop_, std::chrono::milliseconds(0));
  }
  database_.reset();
}

void migrated_engine_fixture::SetUp() {
  std::string server;
  if (GetParam() == "postgres") {
    const postgres_availability pg = postgres_from_environment();
    if (pg.skip) {
      GTEST_SKIP() << pg.reason;
    }
    ASSERT_TRUE(pg.url.has_value()) << pg.reason;
    server = *pg.url;
  }
  engine_ = engine_under_test::open(GetParam(), server);
  ASSERT_NE(engine_, nullptr);
  auto migrated = engine_->run(rt::apply_migrations(engine_->storage(), migrations_));
  ASSERT_TRUE(migrated.has_value());
  ASSERT_TRUE(migrated->ok()) << migrated->error().message;
}

rt::db_status migrated_engine_fixture::exec(std::string statement, sql::params args) {
  return run(engine_->storage().transact(
      [statement = std::move(statement), args = std::move(args)](sql::transaction& tx) {
        tx.exec(statement, args);
      },
      seconds(10)));
}

result<sql::rows, sql::error> migrated_engine_fixture::query(std::string statement,
                                                             sql::params args) {
  return run(rt::transact_value<sql::rows>(
      engine_->storage(), seconds(10),
      [statement = std::move(statement), args = std::move(args)](sql::transaction& tx) {
        return tx.exec(statement, args);
      }));
}

}  // namespace qm::test
