#include "runtime/redis/resp.hpp"

#include <hiredis/hiredis.h>

#include "core/base/assert.hpp"

namespace qm::rt::redis {

namespace {

// Nesting deeper than this is not something our commands ask for; hiredis itself stops at 7.
constexpr int max_reply_depth = 8;

reply copy_reply(const redisReply& r, int depth) {
  QM_ASSERT(depth < max_reply_depth);
  reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.kind = reply_kind::string;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.kind = reply_kind::status;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.kind = reply_kind::error;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = reply_kind::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = reply_kind::array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) {
        out.elements.push_back(copy_reply(*r.element[i], depth + 1));
      }
      break;
    default:
      out.kind = reply_kind::nil;
      break;
  }
  return out;
}

}  // namespace

void append_command(std::string& out, const std::vector<std::string_view>& args) {
  QM_ASSERT(!args.empty());
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (auto a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* formatted = nullptr;
  const int n = redisFormatCommandArgv(&formatted, static_cast<int>(args.size()), argv.data(), lens.data());
  QM_ASSERT_MSG(n >= 0 && formatted != nullptr, "hiredis could not format a command (out of memory)");
  out.append(formatted, static_cast<std::size_t>(n));
  redisFreeCommand(formatted);
}

struct reply_reader::impl {
  redisReader* reader = nullptr;
};

reply_reader::reply_reader() : impl_(std::make_unique<impl>()) {
  impl_->reader = redisReaderCreate();
  QM_ASSERT_MSG(impl_->reader != nullptr, "hiredis could not create a reader (out of memory)");
}

reply_reader::~reply_reader() { redisReaderFree(impl_->reader); }

std::size_t reply_reader::buffered() const { return impl_->reader->len - impl_->reader->pos; }

bool reply_reader::feed(const char* data, std::size_t size) {
  return redisReaderFeed(impl_->reader, data, size) == REDIS_OK;
}

result<std::optional<reply>, std::string> reply_reader::next() {
  void* raw = nullptr;
  if (redisReaderGetReply(impl_->reader, &raw) != REDIS_OK) {
    return make_unexpected(std::string("malformed reply from redis: ") + impl_->reader->errstr);
  }
  if (raw == nullptr) {
    return std::optional<reply>();
  }
  auto* r = static_cast<redisReply*>(raw);
  reply out = copy_reply(*r, 0);
  freeReplyObject(r);
  return std::optional<reply>(std::move(out));
}

}  // namespace qm::rt::redis
