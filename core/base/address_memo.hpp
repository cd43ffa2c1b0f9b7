#pragma once
// A front for a map keyed by text whose entries never move (a node-based map; one that erases
// must call forget_all when it does): a few remembered entries, each found by the address of the text it was last
// asked for. Hot texts tend to come back from one place (a statement literal, a route
// template), so a lookup costs one pointer compare and one text compare instead of hashing
// the text. The text compare against the entry's own key decides, so an address reused for
// another text finds nothing wrong, only nothing.
//
// Entry is the map's value_type (a pair whose first is the key).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace qm {

template <typename Entry, std::size_t Slots>
class address_memo {
  static_assert(Slots > 0 && (Slots & (Slots - 1)) == 0, "a power of two");

 public:
  // The entry remembered for key's address when its key is key, else null.
  Entry* find(std::string_view key) const {
    const slot& s = slot_for(key);
    return s.data == key.data() && s.entry != nullptr && std::string_view(s.entry->first) == key ? s.entry
                                                                                                 : nullptr;
  }
  // Remembers e (whose key equals key) for key's address. e must outlive the memo's use.
  void remember(std::string_view key, Entry* e) { slot_for(key) = slot{key.data(), e}; }
  // Forgets every entry: for a map that has just erased one.
  void forget_all() { slots_.fill(slot{}); }

 private:
  struct slot {
    const char* data = nullptr;
    Entry* entry = nullptr;
  };
  // Heap blocks are 16-byte aligned, so an address's low four bits are mostly zero.
  slot& slot_for(std::string_view key) { return slots_[index_of(key)]; }
  const slot& slot_for(std::string_view key) const { return slots_[index_of(key)]; }
  static std::size_t index_of(std::string_view key) {
    return (reinterpret_cast<std::uintptr_t>(key.data()) >> 4) & (Slots - 1);
  }

  std::array<slot, Slots> slots_{};
};

}  // namespace qm
