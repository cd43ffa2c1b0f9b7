#include "core/base/address_memo.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <unordered_map>

namespace {

using entry = std::pair<const std::string, int>;
using memo = qm::address_memo<entry, 8>;

TEST(AddressMemo, FindsWhatWasRememberedForTheSameText) {
  std::unordered_map<std::string, int> map{{"SELECT 1", 1}};
  entry& e = *map.find("SELECT 1");
  memo m;
  const std::string text = "SELECT 1";
  EXPECT_EQ(m.find(text), nullptr);
  m.remember(text, &e);
  EXPECT_EQ(m.find(text), &e);
  // The key itself (a view of the entry's own text) is a different address: not remembered.
  EXPECT_EQ(m.find(e.first), nullptr);
}

TEST(AddressMemo, AnAddressReusedForOtherTextFindsNothing) {
  std::unordered_map<std::string, int> map{{"/orders/{id}", 1}};
  entry& e = *map.find("/orders/{id}");
  memo m;
  std::string buffer = "/orders/{id}";
  m.remember(buffer, &e);
  buffer[1] = 'x';  // same address, other text
  EXPECT_EQ(m.find(buffer), nullptr);
  // A shorter text at the same address is another text too.
  EXPECT_EQ(m.find(std::string_view(buffer.data(), 3)), nullptr);
}

TEST(AddressMemo, TwoTextsInOneSlotKeepTheLaterOne) {
  std::unordered_map<std::string, int> map{{"first", 1}, {"second", 2}};
  entry& first = *map.find("first");
  entry& second = *map.find("second");
  // Eight slots chosen by address bits 4..6: addresses 128 bytes apart share a slot.
  alignas(16) char buffer[256] = {};
  std::memcpy(buffer, "first", 5);
  std::memcpy(buffer + 128, "second", 6);
  const std::string_view a(buffer, 5);
  const std::string_view b(buffer + 128, 6);
  memo m;
  m.remember(a, &first);
  EXPECT_EQ(m.find(a), &first);
  m.remember(b, &second);
  EXPECT_EQ(m.find(b), &second);
  EXPECT_EQ(m.find(a), nullptr);
}

}  // namespace
