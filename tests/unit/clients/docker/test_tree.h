// Temporary directory trees for build-context tests.
#ifndef DCS_TESTS_UNIT_CLIENTS_DOCKER_TEST_TREE_H_
#define DCS_TESTS_UNIT_CLIENTS_DOCKER_TEST_TREE_H_

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace dcs::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it
// on destruction.
class TempTree {
 public:
  TempTree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/dcs-ctx-XXXXXX";
    root_ = mkdtemp(templ.data());
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }

  // Writes a file (creating parent directories) with `mode`.
  void Write(const std::string& rel, const std::string& content, mode_t mode = 0644) const {
    const std::filesystem::path p = std::filesystem::path(root_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
    chmod(p.c_str(), mode);
  }
  void Mkdir(const std::string& rel) const {
    std::filesystem::create_directories(std::filesystem::path(root_) / rel);
  }
  void Symlink(const std::string& target, const std::string& rel) const {
    const std::filesystem::path p = std::filesystem::path(root_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::filesystem::create_symlink(target, p);
  }

 private:
  std::string root_;
};

}  // namespace dcs::testing

#endif  // DCS_TESTS_UNIT_CLIENTS_DOCKER_TEST_TREE_H_
