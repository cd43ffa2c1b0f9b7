#pragma once
// RESP on the wire through hiredis, used only as a protocol formatter and reader (the I/O is
// ours, on Asio). Replies are copied out of hiredis' objects into a plain value type, so no
// hiredis type leaks past this header's .cpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"

namespace qm::rt::redis {

enum class reply_kind : std::uint8_t { nil, status, error, integer, string, array };

struct reply {
  reply_kind kind = reply_kind::nil;
  std::int64_t integer = 0;
  std::string text;             // status, error and string replies
  std::vector<reply> elements;  // array replies

  bool is_error() const { return kind == reply_kind::error; }
};

// Appends one command (a RESP array of bulk strings) to out.
void append_command(std::string& out, const std::vector<std::string_view>& args);

// Incremental reply parser over the bytes a connection reads.
class reply_reader {
 public:
  reply_reader();
  ~reply_reader();
  reply_reader(const reply_reader&) = delete;
  reply_reader& operator=(const reply_reader&) = delete;

  // Hands over bytes read from the socket. False (with error()) when the reader is broken.
  bool feed(const char* data, std::size_t size);
  // Bytes received but not yet handed out as replies (a reply still arriving).
  std::size_t buffered() const;
  // The next complete reply, nothing when more bytes are needed, or an error for a stream
  // that is not RESP (the connection cannot be trusted after that).
  result<std::optional<reply>, std::string> next();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace qm::rt::redis
