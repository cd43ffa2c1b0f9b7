#pragma once
// SQLite's page cache for in-memory databases: pages indexed by page number.
//
// An in-memory database (the simulator's, and every temporary table) lives in its page cache:
// the cache is not purgeable, so no page ever leaves it but by truncation. SQLite's default
// cache (pcache1) keeps pages in a hash table, and truncating it to the database's size
// scans the whole table whenever it has seen a page number past the end. It sees one at
// every b-tree balance that reorders sibling pages, which parks a page under the pending-byte
// page number (2^30 / page size + 1) for a moment: each later commit then walks every page
// of the database. Indexed by number, a fetch is one load and a truncation visits only the
// pages it drops.
//
// Purgeable caches (databases in files) keep SQLite's default, which this forwards to.
// install() must run before SQLite initialises (sqlite3_config's rule); later it changes
// nothing and says so.

#include <cstdint>
#include <vector>

struct sqlite3_pcache_page;

namespace qm::rt::sqlite {

// Replaces SQLite's page cache for the process. True when it took effect (or already had).
bool install_page_cache();

// One in-memory database's pages, by page number. Exposed for tests; SQLite reaches it
// through the methods install_page_cache() registers.
class dense_page_cache {
 public:
  dense_page_cache(int page_bytes, int extra_bytes);
  ~dense_page_cache();
  dense_page_cache(const dense_page_cache&) = delete;
  dense_page_cache& operator=(const dense_page_cache&) = delete;

  // The page under key; when absent, a new one (its buffer uninitialised, the first pointer
  // of its extra space zeroed, as SQLite requires) if create, else null. Null also when out
  // of memory.
  sqlite3_pcache_page* fetch(std::uint32_t key, bool create);
  // Drops one page (SQLite's xUnpin with discard).
  void discard(sqlite3_pcache_page* page);
  // Moves a page to another key, dropping whatever page held that key.
  void rekey(sqlite3_pcache_page* page, std::uint32_t old_key, std::uint32_t new_key);
  // Drops every page whose key is limit or more.
  void truncate(std::uint32_t limit);
  std::size_t page_count() const { return pages_; }

 private:
  struct page;
  struct far_entry {
    std::uint32_t key;
    page* p;
  };

  static page* as_page(sqlite3_pcache_page* handle);
  page* find(std::uint32_t key) const;
  void put(std::uint32_t key, page* p);
  // Takes p out of the index (its key's slot or far_); the page itself stays.
  void unlink(page* p);
  // Makes the dense range reach key when the step is small, moving far entries it covers.
  void grow_to(std::uint32_t key);
  void release(page* p);

  int page_bytes_;
  int extra_bytes_;
  // by_key_[k] is page k or null; keys past its end (rare: the pending-byte page a balance
  // parks a page under) live in far_.
  std::vector<page*> by_key_;
  std::vector<far_entry> far_;
  std::size_t pages_ = 0;
};

}  // namespace qm::rt::sqlite
