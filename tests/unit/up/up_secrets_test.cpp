#include <gtest/gtest.h>

#include "app/up/secrets_file.hpp"

namespace qm::up {
namespace {

TEST(up_secrets, every_database_has_a_password_key) {
  const auto keys = required_secret_keys();
  for (const char* key : {"QUICKMART_ADMIN_EMAIL", "QUICKMART_ADMIN_PASSWORD", "QUICKMART_TOKEN_SECRET",
                          "QUICKMART_CONTEXT_SECRET", "QUICKMART_AUTH_DB_PASSWORD", "QUICKMART_PRODUCT_DB_PASSWORD",
                          "QUICKMART_CART_DB_PASSWORD", "QUICKMART_ORDER_DB_PASSWORD", "QUICKMART_DELIVERY_DB_PASSWORD"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  }
  EXPECT_EQ(keys.size(), 9u);
}

TEST(up_secrets, format_then_parse_gives_the_same_secrets) {
  secrets s;
  for (const auto& key : required_secret_keys()) {
    s[key] = secret_value_for(key, "0123456789abcdef0123456789abcdef" + key.substr(10, 3));
  }
  s["QUICKMART_EXTRA"] = "kept";
  const auto text = format_secrets(s);
  auto back = parse_secrets(text);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, s);
  EXPECT_TRUE(missing_secret_keys(*back).empty());
  EXPECT_EQ(back->at("QUICKMART_ADMIN_EMAIL"), "admin@example.com");
  // Required keys first, in order, the extra one last.
  EXPECT_LT(text.find("QUICKMART_ADMIN_EMAIL="), text.find("QUICKMART_DELIVERY_DB_PASSWORD="));
  EXPECT_LT(text.find("QUICKMART_DELIVERY_DB_PASSWORD="), text.find("QUICKMART_EXTRA="));
}

TEST(up_secrets, missing_keys_are_named) {
  auto parsed = parse_secrets("# comment\n\nQUICKMART_TOKEN_SECRET=abc\r\nQUICKMART_ADMIN_EMAIL=a@b.c\n");
  ASSERT_TRUE(parsed) << parsed.error();
  const auto missing = missing_secret_keys(*parsed);
  EXPECT_EQ(missing.size(), 7u);
  EXPECT_EQ(std::find(missing.begin(), missing.end(), "QUICKMART_TOKEN_SECRET"), missing.end());
  EXPECT_NE(std::find(missing.begin(), missing.end(), "QUICKMART_CART_DB_PASSWORD"), missing.end());
}

TEST(up_secrets, values_a_shell_would_misread_are_refused_with_the_line) {
  for (const char* bad : {"QUICKMART_X=a b\n", "QUICKMART_X='q'\n", "QUICKMART_X=$HOME\n", "QUICKMART_X=\n",
                          "lower=x\n", "=x\n", "QUICKMART_X\n"}) {
    auto parsed = parse_secrets(std::string("# c\n") + bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find("line 2"), std::string::npos) << parsed.error();
  }
}

}  // namespace
}  // namespace qm::up
