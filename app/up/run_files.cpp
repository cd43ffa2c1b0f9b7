#include "app/up/run_files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace qm::up {

bool write_file_atomically(const std::string& path, std::string_view text, int mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return false;
  }
  bool ok = ::fchmod(fd, static_cast<mode_t>(mode)) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    ok = n > 0;
    done += ok ? static_cast<std::size_t>(n) : 0;
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::optional<std::string> read_small_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  std::string out;
  char buf[4096];
  constexpr std::size_t max_bytes = 1 << 20;  // secrets.env and pid files are tiny
  while (out.size() < max_bytes) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

bool file_exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::optional<int> running_up_pid(const run_files& files) {
  const int fd = ::open(files.lock().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  // A shared lock is granted only when no `up` holds the exclusive one.
  const bool free = ::flock(fd, LOCK_SH | LOCK_NB) == 0;
  ::close(fd);
  if (free) {
    return std::nullopt;
  }
  const auto text = read_small_file(files.up_pid());
  if (!text) {
    return std::nullopt;
  }
  const int pid = std::atoi(text->c_str());
  return pid > 0 ? std::optional<int>(pid) : std::nullopt;
}

bool make_dir(const std::string& path, int mode, std::string& error) {
  if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) == 0 || errno == EEXIST) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return true;
    }
    error = path + " exists and is not a directory";
    return false;
  }
  error = "cannot create " + path + ": " + std::strerror(errno);
  return false;
}

bool make_dirs(const std::string& path, int mode, std::string& error) {
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!make_dir(path.substr(0, i), mode, error)) {
        return false;
      }
    }
  }
  return true;
}

std::string absolute_dir(const std::string& dir) {
  std::string out = dir;
  if (!out.starts_with("/")) {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) != nullptr) {
      out = std::string(cwd) + "/" + out;
    }
  }
  // "/a/./b/" -> "/a/b": the paths end up in command lines and messages.
  std::string clean;
  std::size_t i = 0;
  while (i < out.size()) {
    const auto next = out.find('/', i);
    const auto part = out.substr(i, next == std::string::npos ? std::string::npos : next - i);
    if (!part.empty() && part != ".") {
      clean += "/" + part;
    }
    if (next == std::string::npos) {
      break;
    }
    i = next + 1;
  }
  return clean.empty() ? "/" : clean;
}

}  // namespace qm::up
