// Label cardinality under attack: random paths with random methods (known verbs and made-up
// ones) sent to a real server cannot grow its registry past a constant. Depends on the
// server labelling requests no route matched route="unmatched" and methods it does not know
// by one value (runtime/asio/http_connection.cpp, the request metrics).

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tests/integration/server/server_fixture.hpp"

namespace qm::test {
namespace {

class attacker {
 public:
  explicit attacker(std::uint16_t port) : port_(port), rng_(20'240'601) {}

  // Sends n requests, reconnecting whenever the server closes; the number answered.
  int send(int n) {
    int answered = 0;
    for (int i = 0; i < n; ++i) {
      if (!client_) {
        client_ = test_client::connect(port_);
        if (!client_) {
          continue;
        }
      }
      const std::string request = method() + " " + path() + " HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n";
      auto r = client_->send(request) ? client_->read_response(std::chrono::seconds(2)) : std::nullopt;
      if (r) {
        ++answered;
      }
      if (!r || r->connection_close) {
        client_.reset();
      }
    }
    return answered;
  }

 private:
  std::string letters(std::size_t min, std::size_t max, std::string_view alphabet) {
    std::uniform_int_distribution<std::size_t> len(min, max);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string out;
    for (std::size_t i = len(rng_); i > 0; --i) {
      out.push_back(alphabet[pick(rng_)]);
    }
    return out;
  }

  std::string method() {
    static const char* known[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    std::uniform_int_distribution<int> which(0, 9);
    const int w = which(rng_);
    return w < 6 ? known[w] : letters(3, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  }

  std::string path() {
    std::uniform_int_distribution<int> which(0, 3);
    const std::string_view seg_chars = "abcdefghijklmnopqrstuvwxyz0123456789-_.~%2F";
    switch (which(rng_)) {
      case 0:  // a route template with a random parameter: still one route label
        return "/items/" + letters(1, 20, seg_chars);
      case 1:  // a known route with a random query
        return "/hello?" + letters(1, 10, "abcdefgh") + "=" + letters(1, 10, seg_chars);
      default: {  // nothing matches
        std::string p;
        std::uniform_int_distribution<int> segments(1, 5);
        for (int s = segments(rng_); s > 0; --s) {
          p += "/" + letters(1, 12, seg_chars);
        }
        return p;
      }
    }
  }

  std::uint16_t port_;
  std::mt19937_64 rng_;
  std::optional<test_client> client_;
};

TEST(metrics_cardinality, random_paths_and_methods_cannot_grow_the_series) {
  server_fixture server(test_options());
  attacker a(server.port());
  const std::size_t before = server.series_count();
  EXPECT_GT(a.send(2500), 2000);
  const std::size_t after_first = server.series_count();
  EXPECT_GT(a.send(2500), 2000);
  const std::size_t after_second = server.series_count();
  // Every label value the attack can produce was produced by its first half: the second
  // half adds nothing, and the whole grows the registry by a bounded handful of series.
  EXPECT_EQ(after_second, after_first);
  EXPECT_LE(after_first - before, 100U) << "series before " << before << ", after " << after_first;
  const std::string text = server.exposition();
  EXPECT_NE(text.find(R"(route="unmatched")"), std::string::npos) << "waits for the lead's route=\"unmatched\"";
  EXPECT_EQ(text.find("overflow"), std::string::npos);
}

}  // namespace
}  // namespace qm::test
