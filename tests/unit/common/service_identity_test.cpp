// Service identity: /internal/* routes open only to a context a service signed, and user
// routes never to one. Checked on a real service (product) and on the shared helpers.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/identity/user_context.hpp"
#include "services/common/caller.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
const std::string secret = "service-identity-test-secret-0123456789";

TEST(service_identity, a_service_context_has_user_id_zero_and_its_own_role) {
  auto ctx = identity::service_context(to_unix_seconds(t0), "rid-1");
  EXPECT_TRUE(identity::well_formed(ctx));
  EXPECT_EQ(ctx.user_id, 0);
  identity::user_context user_zero{0, std::string(identity::role_customer), 100, ""};
  EXPECT_FALSE(identity::well_formed(user_zero));  // a user always has an id
  identity::user_context service_with_id{7, std::string(identity::role_service), 100, ""};
  EXPECT_FALSE(identity::well_formed(service_with_id));
}

TEST(service_identity, the_signature_is_reused_for_half_the_lifetime) {
  services::service_signature sig(secret);
  const std::string first = sig.header_value(t0);
  EXPECT_EQ(sig.header_value(t0 + seconds(29)), first);
  const std::string renewed = sig.header_value(t0 + seconds(30));
  EXPECT_NE(renewed, first);
  auto v = identity::verify(renewed, secret, to_unix_seconds(t0 + seconds(80)));
  ASSERT_TRUE(v.ok());  // renewed at t0+30 s: valid until t0+90 s
  EXPECT_EQ(v->role, identity::role_service);
}

// verify() remembers values it has verified; a remembered value must get exactly the answer
// the full check gives: expiry is judged anew, and neither another secret nor a value that
// differs by one character inherits the remembered verdict.
TEST(service_identity, a_remembered_context_gets_the_full_checks_answer) {
  const std::int64_t now_s = to_unix_seconds(t0);
  identity::user_context c{42, std::string(identity::role_customer), now_s + 60, "rid-memo"};
  const std::string value = identity::sign(c, secret);
  ASSERT_TRUE(identity::verify(value, secret, now_s).ok());
  ASSERT_TRUE(identity::verify(value, secret, now_s).ok());  // from memory
  EXPECT_EQ(identity::verify(value, secret, now_s)->user_id, 42);

  auto late = identity::verify(value, secret, now_s + 61);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error(), identity::context_errc::expired);

  auto other_secret = identity::verify(value, secret + "x", now_s);
  ASSERT_FALSE(other_secret.ok());
  EXPECT_EQ(other_secret.error(), identity::context_errc::bad_signature);

  std::string tampered = value;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  auto forged = identity::verify(tampered, secret, now_s);
  ASSERT_FALSE(forged.ok());
  EXPECT_NE(forged.error(), identity::context_errc::expired);
}

TEST(service_identity, many_contexts_verify_whatever_the_memory_evicts) {
  const std::int64_t now_s = to_unix_seconds(t0);
  std::vector<std::string> values;
  for (int i = 1; i <= 500; ++i) {
    identity::user_context c{i, std::string(identity::role_customer), now_s + 60,
                             "rid-" + std::to_string(i)};
    values.push_back(identity::sign(c, secret));
  }
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      auto v = identity::verify(values[i], secret, now_s);
      ASSERT_TRUE(v.ok()) << i;
      EXPECT_EQ(v->user_id, static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(v->request_id, "rid-" + std::to_string(i + 1));
    }
  }
}

// A v1 value around any payload, signed with the right secret: what a holder of the secret
// could send, whatever the payload says.
std::string signed_payload(std::string_view payload) {
  std::string value = "v1." + crypto::base64url_encode(payload);
  const std::string mac = crypto::base64url_encode(crypto::hmac_sha256(secret, value));
  return value + "." + mac;
}

// v1 is exactly the layout sign() writes; a validly signed payload in any other shape is
// malformed, not read generously.
TEST(service_identity, only_the_v1_layout_is_read) {
  const std::int64_t now_s = to_unix_seconds(t0);
  const std::string exp = std::to_string(now_s + 60);
  auto as_read = identity::verify(
      signed_payload("{\"uid\":7,\"role\":\"partner\",\"exp\":" + exp + ",\"rid\":\"r-1\"}"), secret, now_s);
  ASSERT_TRUE(as_read.ok());
  EXPECT_EQ(*as_read, (identity::user_context{7, "partner", now_s + 60, "r-1"}));
  identity::user_context c{7, "partner", now_s + 60, "r-1"};
  EXPECT_EQ(identity::sign(c, secret),
            signed_payload("{\"uid\":7,\"role\":\"partner\",\"exp\":" + exp + ",\"rid\":\"r-1\"}"));
  for (const std::string& payload : {
           "{\"role\":\"partner\",\"uid\":7,\"exp\":" + exp + ",\"rid\":\"r-1\"}",   // order
           "{\"uid\": 7,\"role\":\"partner\",\"exp\":" + exp + ",\"rid\":\"r-1\"}",   // space
           "{\"uid\":-7,\"role\":\"partner\",\"exp\":" + exp + ",\"rid\":\"r-1\"}",   // sign
           "{\"uid\":7,\"role\":\"part\\ner\",\"exp\":" + exp + ",\"rid\":\"r-1\"}",  // escape
           "{\"uid\":7,\"role\":\"partner\",\"exp\":" + exp + ",\"rid\":\"r-1\"} ",  // trailing
           "{\"uid\":7,\"role\":\"partner\",\"exp\":" + exp + ",\"rid\":\"r-1\",\"x\":1}",
           "{\"uid\":7,\"role\":\"partner\",\"exp\":" + exp + "}",
           "{\"uid\":99999999999999999999,\"role\":\"partner\",\"exp\":" + exp + ",\"rid\":\"\"}",
           "{\"uid\":7,\"role\":\"thief\",\"exp\":" + exp + ",\"rid\":\"r-1\"}",  // not a role
           std::string("{}"),
       }) {
    auto v = identity::verify(signed_payload(payload), secret, now_s);
    ASSERT_FALSE(v.ok()) << payload;
    EXPECT_EQ(v.error(), identity::context_errc::malformed) << payload;
  }
}

class internal_routes : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{5};
  in_process_http http;
  std::unique_ptr<faulty_storage> db = memory_storage();
  service_host product{"product", clock, random, http, db.get()};

  void SetUp() override {
    product.config().set("context_secret", secret);
    ASSERT_TRUE(product.start());
  }

  http::response batch_with(std::optional<std::string> context) {
    auto req = make_request(http::method::get, "/internal/products?ids=1");
    if (context) {
      req.headers.set(std::string(identity::context_header), *context);
    }
    return product.handle(std::move(req));
  }
};

TEST_F(internal_routes, open_only_to_a_service_context_signed_with_the_secret) {
  // The harness signs a service context when none is given.
  EXPECT_EQ(product.handle(make_request(http::method::get, "/internal/products?ids=1")).status, 200);
  const std::int64_t now_s = to_unix_seconds(t0);
  // A user's context, even an admin's, does not open internal routes.
  identity::user_context admin{1, std::string(identity::role_admin), now_s + 60, ""};
  EXPECT_EQ(batch_with(identity::sign(admin, secret)).status, 401);
  // A service context under another key, or expired, or garbage.
  EXPECT_EQ(batch_with(identity::sign(identity::service_context(now_s, ""), "another-secret-0123456789abcdefgh")).status,
            401);
  EXPECT_EQ(batch_with(identity::sign(identity::service_context(now_s - 120, ""), secret)).status, 401);
  EXPECT_EQ(batch_with("v1.e30.AAAA").status, 401);
  EXPECT_EQ(batch_with(std::string()).status, 401);
}

TEST_F(internal_routes, user_routes_refuse_a_service_context) {
  auto req = make_request(http::method::get, "/admin/products");
  req.headers.set(std::string(identity::context_header),
                  identity::sign(identity::service_context(to_unix_seconds(t0), ""), secret));
  EXPECT_EQ(product.handle(std::move(req)).status, 401);
}

}  // namespace
}  // namespace qm::test
