#include "runtime/sqlite/page_cache.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "core/base/assert.hpp"

namespace qm::rt::sqlite {

struct dense_page_cache::page {
  sqlite3_pcache_page base;  // first: SQLite hands this address back
  std::uint32_t key;
};

namespace {

// A database grows a page at a time, one past its end; a key this far past the dense range
// is a parked page (see the header), kept aside rather than stretching the index to it.
constexpr std::uint32_t dense_slack = 1024;

}  // namespace

dense_page_cache::page* dense_page_cache::as_page(sqlite3_pcache_page* handle) {
  return reinterpret_cast<page*>(handle);
}

dense_page_cache::dense_page_cache(int page_bytes, int extra_bytes)
    : page_bytes_(page_bytes), extra_bytes_(extra_bytes) {
  QM_ASSERT(page_bytes > 0 && page_bytes % 8 == 0);
  QM_ASSERT_MSG(extra_bytes >= static_cast<int>(sizeof(void*)),
                "SQLite keeps a pointer at the start of each page's extra space");
}

dense_page_cache::~dense_page_cache() { truncate(0); }

dense_page_cache::page* dense_page_cache::find(std::uint32_t key) const {
  if (key < by_key_.size()) {
    return by_key_[key];
  }
  for (const far_entry& e : far_) {
    if (e.key == key) {
      return e.p;
    }
  }
  return nullptr;
}

void dense_page_cache::grow_to(std::uint32_t key) {
  const std::size_t size = by_key_.size();
  if (key < size || key > size + dense_slack) {
    return;
  }
  by_key_.resize(static_cast<std::size_t>(key) + 1, nullptr);
  std::erase_if(far_, [this](const far_entry& e) {
    if (e.key >= by_key_.size()) {
      return false;
    }
    by_key_[e.key] = e.p;
    return true;
  });
}

void dense_page_cache::put(std::uint32_t key, page* p) {
  grow_to(key);
  if (key < by_key_.size()) {
    QM_ASSERT(by_key_[key] == nullptr);
    by_key_[key] = p;
  } else {
    far_.push_back(far_entry{key, p});
  }
}

void dense_page_cache::release(page* p) {
  --pages_;
  ::operator delete(p->base.pBuf);
}

sqlite3_pcache_page* dense_page_cache::fetch(std::uint32_t key, bool create) {
  if (page* p = find(key)) {
    return &p->base;
  }
  if (!create) {
    return nullptr;
  }
  // One block: the page's buffer, then this header, then SQLite's extra space. page_bytes is
  // a power of two, so the header and the extra space stay 8-byte aligned.
  const std::size_t bytes = static_cast<std::size_t>(page_bytes_) + sizeof(page) +
                            static_cast<std::size_t>(extra_bytes_);
  auto* block = static_cast<unsigned char*>(::operator new(bytes, std::nothrow));
  if (block == nullptr) {
    return nullptr;
  }
  auto* p = reinterpret_cast<page*>(block + page_bytes_);
  p->base.pBuf = block;
  p->base.pExtra = block + page_bytes_ + sizeof(page);
  p->key = key;
  // SQLite tells a new page from a cached one by this pointer (PgHdr::pPage) being null.
  std::memset(p->base.pExtra, 0, sizeof(void*));
  put(key, p);
  ++pages_;
  return &p->base;
}

void dense_page_cache::unlink(page* p) {
  if (p->key < by_key_.size()) {
    QM_ASSERT(by_key_[p->key] == p);
    by_key_[p->key] = nullptr;
    return;
  }
  const auto it =
      std::find_if(far_.begin(), far_.end(), [p](const far_entry& e) { return e.p == p; });
  QM_ASSERT(it != far_.end());
  far_.erase(it);
}

void dense_page_cache::discard(sqlite3_pcache_page* handle) {
  page* p = as_page(handle);
  unlink(p);
  release(p);
}

void dense_page_cache::rekey(sqlite3_pcache_page* handle, std::uint32_t old_key,
                             std::uint32_t new_key) {
  page* p = as_page(handle);
  QM_ASSERT(p->key == old_key && find(old_key) == p);
  if (old_key == new_key) {
    return;
  }
  unlink(p);
  // SQLite guarantees a page already under new_key is unpinned: it is dropped.
  if (page* previous = find(new_key)) {
    discard(&previous->base);
  }
  p->key = new_key;
  put(new_key, p);
}

void dense_page_cache::truncate(std::uint32_t limit) {
  for (std::size_t k = limit; k < by_key_.size(); ++k) {
    if (by_key_[k] != nullptr) {
      release(by_key_[k]);
    }
  }
  if (limit < by_key_.size()) {
    by_key_.resize(limit);
  }
  std::erase_if(far_, [this, limit](const far_entry& e) {
    if (e.key < limit) {
      return false;
    }
    release(e.p);
    return true;
  });
}

namespace {

// SQLite's own cache, which purgeable caches keep.
sqlite3_pcache_methods2 default_methods{};

// What SQLite holds for one cache: ours for an in-memory database, else the default's.
struct cache_handle {
  sqlite3_pcache* inner = nullptr;
  dense_page_cache* dense = nullptr;
};

cache_handle* handle_of(sqlite3_pcache* c) { return reinterpret_cast<cache_handle*>(c); }

int x_init(void*) {
  return default_methods.xInit != nullptr ? default_methods.xInit(default_methods.pArg)
                                          : SQLITE_OK;
}

void x_shutdown(void*) {
  if (default_methods.xShutdown != nullptr) {
    default_methods.xShutdown(default_methods.pArg);
  }
}

sqlite3_pcache* x_create(int page_bytes, int extra_bytes, int purgeable) {
  auto* h = new (std::nothrow) cache_handle;
  if (h == nullptr) {
    return nullptr;
  }
  if (purgeable != 0) {
    h->inner = default_methods.xCreate(page_bytes, extra_bytes, purgeable);
  } else {
    h->dense = new (std::nothrow) dense_page_cache(page_bytes, extra_bytes);
  }
  if (h->inner == nullptr && h->dense == nullptr) {
    delete h;
    return nullptr;
  }
  return reinterpret_cast<sqlite3_pcache*>(h);
}

void x_cachesize(sqlite3_pcache* c, int pages) {
  if (cache_handle* h = handle_of(c); h->inner != nullptr) {
    default_methods.xCachesize(h->inner, pages);
  }
}

int x_pagecount(sqlite3_pcache* c) {
  cache_handle* h = handle_of(c);
  return h->inner != nullptr ? default_methods.xPagecount(h->inner)
                             : static_cast<int>(h->dense->page_count());
}

sqlite3_pcache_page* x_fetch(sqlite3_pcache* c, unsigned key, int create) {
  cache_handle* h = handle_of(c);
  return h->inner != nullptr ? default_methods.xFetch(h->inner, key, create)
                             : h->dense->fetch(key, create != 0);
}

void x_unpin(sqlite3_pcache* c, sqlite3_pcache_page* page, int discard) {
  cache_handle* h = handle_of(c);
  if (h->inner != nullptr) {
    default_methods.xUnpin(h->inner, page, discard);
  } else if (discard != 0) {
    // Not purgeable: an unpinned page stays until SQLite drops it.
    h->dense->discard(page);
  }
}

void x_rekey(sqlite3_pcache* c, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
  cache_handle* h = handle_of(c);
  if (h->inner != nullptr) {
    default_methods.xRekey(h->inner, page, old_key, new_key);
  } else {
    h->dense->rekey(page, old_key, new_key);
  }
}

void x_truncate(sqlite3_pcache* c, unsigned limit) {
  cache_handle* h = handle_of(c);
  if (h->inner != nullptr) {
    default_methods.xTruncate(h->inner, limit);
  } else {
    h->dense->truncate(limit);
  }
}

void x_destroy(sqlite3_pcache* c) {
  cache_handle* h = handle_of(c);
  if (h->inner != nullptr) {
    default_methods.xDestroy(h->inner);
  }
  delete h->dense;
  delete h;
}

void x_shrink(sqlite3_pcache* c) {
  if (cache_handle* h = handle_of(c); h->inner != nullptr) {
    default_methods.xShrink(h->inner);
  }
}

bool install_once() {
  sqlite3_pcache_methods2 defaults{};
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &defaults) != SQLITE_OK) {
    return false;
  }
  default_methods = defaults;
  sqlite3_pcache_methods2 ours{.iVersion = 1,
                               .pArg = nullptr,
                               .xInit = x_init,
                               .xShutdown = x_shutdown,
                               .xCreate = x_create,
                               .xCachesize = x_cachesize,
                               .xPagecount = x_pagecount,
                               .xFetch = x_fetch,
                               .xUnpin = x_unpin,
                               .xRekey = x_rekey,
                               .xTruncate = x_truncate,
                               .xDestroy = x_destroy,
                               .xShrink = x_shrink};
  return sqlite3_config(SQLITE_CONFIG_PCACHE2, &ours) == SQLITE_OK;
}

}  // namespace

bool install_page_cache() {
  static const bool installed = install_once();
  return installed;
}

}  // namespace qm::rt::sqlite
