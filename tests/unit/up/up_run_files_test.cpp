// DIR/run, the files `quickmart up` and `quickmart cluster` share: atomic writes with their
// mode, the lock that says whether an up runs, directory creation and absolute paths.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "app/up/run_files.hpp"

namespace qm::up {
namespace {

class up_run_files : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/quickmart-run-files.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(up_run_files, writes_replace_the_whole_file_with_its_mode) {
  const auto path = dir_ + "/secrets.env";
  ASSERT_TRUE(write_file_atomically(path, "A=1\nB=2\n", 0600));
  ASSERT_TRUE(write_file_atomically(path, "A=3\n", 0600));
  EXPECT_EQ(read_small_file(path), "A=3\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(file_exists(path + ".tmp"));
  EXPECT_FALSE(read_small_file(dir_ + "/absent"));
  EXPECT_FALSE(write_file_atomically(dir_ + "/no/such/dir/file", "x", 0644));
}

TEST_F(up_run_files, an_up_runs_while_its_lock_is_held) {
  const run_files files{dir_};
  std::string error;
  ASSERT_TRUE(make_dir(files.dir(), 0755, error)) << error;
  EXPECT_FALSE(running_up_pid(files));  // no lock file at all

  const int fd = ::open(files.lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(write_file_atomically(files.up_pid(), "4242\n", 0644));
  EXPECT_FALSE(running_up_pid(files));  // a pid file without the lock is a leftover

  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  EXPECT_EQ(running_up_pid(files), 4242);
  ::close(fd);  // up is gone: the kernel drops the lock
  EXPECT_FALSE(running_up_pid(files));
}

TEST_F(up_run_files, make_dirs_creates_parents_and_accepts_existing_ones) {
  std::string error;
  ASSERT_TRUE(make_dirs(dir_ + "/a/b/c", 0755, error)) << error;
  ASSERT_TRUE(make_dirs(dir_ + "/a/b/c", 0755, error)) << error;
  ASSERT_TRUE(write_file_atomically(dir_ + "/a/file", "x", 0644));
  EXPECT_FALSE(make_dir(dir_ + "/a/file", 0755, error));
  EXPECT_NE(error.find("is not a directory"), std::string::npos) << error;
}

TEST(up_absolute_dir, relative_paths_are_made_absolute_and_clean) {
  const std::string cwd = std::filesystem::current_path().string();
  EXPECT_EQ(absolute_dir("/a/./b//c/"), "/a/b/c");
  EXPECT_EQ(absolute_dir("/"), "/");
  EXPECT_EQ(absolute_dir("./quickmart-data"), cwd == "/" ? "/quickmart-data" : cwd + "/quickmart-data");
  EXPECT_EQ(absolute_dir("x/y"), cwd == "/" ? "/x/y" : cwd + "/x/y");
}

}  // namespace
}  // namespace qm::up
