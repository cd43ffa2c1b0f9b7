#pragma once
// DIR/run: how `quickmart up` and `quickmart cluster` talk. up holds an exclusive lock on
// DIR/run/up.lock for its whole life (so "is up running?" never trusts a stale pid), writes
// DIR/run/up.pid, DIR/run/<name>.pid while a child runs and DIR/run/<name>.state ("STATE PID")
// at every change. `cluster stop NAME` creates DIR/run/<name>.held, `cluster start NAME`
// removes it, and both send SIGUSR1 to up, which then compares every child with its held file.

#include <optional>
#include <string>
#include <string_view>

namespace qm::up {

struct run_files {
  std::string data_dir;  // absolute

  std::string dir() const { return data_dir + "/run"; }
  std::string lock() const { return dir() + "/up.lock"; }
  std::string up_pid() const { return dir() + "/up.pid"; }
  std::string pid(std::string_view name) const { return dir() + "/" + std::string(name) + ".pid"; }
  std::string state(std::string_view name) const { return dir() + "/" + std::string(name) + ".state"; }
  std::string held(std::string_view name) const { return dir() + "/" + std::string(name) + ".held"; }
};

// Writes through a temporary file and rename, so a reader sees the old text or the new one.
bool write_file_atomically(const std::string& path, std::string_view text, int mode);
std::optional<std::string> read_small_file(const std::string& path);
bool file_exists(const std::string& path);

// The pid of the `quickmart up` that holds DIR/run/up.lock, or nullopt when none runs.
std::optional<int> running_up_pid(const run_files& files);

// mkdir that accepts an existing directory; make_dirs creates the parents too.
bool make_dir(const std::string& path, int mode, std::string& error);
bool make_dirs(const std::string& path, int mode, std::string& error);

// Makes DIR absolute (relative to the working directory) without requiring it to exist.
std::string absolute_dir(const std::string& dir);

}  // namespace qm::up
