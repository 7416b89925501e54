#include "clients/buildcontext/context.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace dcs::buildcontext {
namespace {

absl::Status IoError(const std::string& what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : absl::StrCat(dir, "/", name);
}

class Walker {
 public:
  Walker(std::string root, const IgnoreMatcher& matcher) : root_(std::move(root)), m_(matcher) {}

  absl::Status Walk(const std::string& rel) {
    const std::string abs = rel.empty() ? root_ : absl::StrCat(root_, "/", rel);
    DIR* dir = opendir(abs.c_str());
    if (dir == nullptr) return IoError("cannot open directory", abs);
    std::vector<std::string> names;
    while (dirent* e = readdir(dir)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        names.emplace_back(e->d_name);
      }
    }
    closedir(dir);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) DCS_RETURN_IF_ERROR(Visit(Join(rel, name)));
    return absl::OkStatus();
  }

  Context Take() {
    std::sort(ctx_.entries.begin(), ctx_.entries.end(),
              [](const ContextEntry& a, const ContextEntry& b) { return a.path < b.path; });
    return std::move(ctx_);
  }

 private:
  absl::Status Visit(const std::string& rel) {
    const std::string abs = absl::StrCat(root_, "/", rel);
    struct stat st;
    if (lstat(abs.c_str(), &st) != 0) return IoError("cannot stat", abs);
    const bool is_dir = S_ISDIR(st.st_mode);
    if (m_.Excluded(rel)) {
      if (is_dir && m_.MustDescend(rel)) return Walk(rel);
      return absl::OkStatus();
    }
    ContextEntry e;
    e.path = rel;
    e.mode = st.st_mode & 07777;
    e.mtime = st.st_mtim.tv_sec;
    if (is_dir) {
      e.type = EntryType::kDirectory;
    } else if (S_ISREG(st.st_mode)) {
      e.type = EntryType::kFile;
      e.size = static_cast<uint64_t>(st.st_size);
      ctx_.total_bytes += e.size;
    } else if (S_ISLNK(st.st_mode)) {
      e.type = EntryType::kSymlink;
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = readlink(abs.c_str(), target.data(), target.size());
      if (n < 0) return IoError("cannot read link", abs);
      target.resize(static_cast<size_t>(n));
      e.link_target = std::move(target);
    } else {
      return absl::OkStatus();  // sockets, FIFOs, devices are not sent
    }
    ctx_.entries.push_back(std::move(e));
    return is_dir ? Walk(rel) : absl::OkStatus();
  }

  std::string root_;
  const IgnoreMatcher& m_;
  Context ctx_;
};

}  // namespace

absl::StatusOr<IgnoreMatcher> LoadIgnoreMatcher(const ContextOptions& options) {
  std::vector<IgnoreRule> rules;
  const std::string path = options.root + "/.dockerignore";
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    DCS_ASSIGN_OR_RETURN(rules, ParseDockerignore(text.str()));
  }
  DCS_ASSIGN_OR_RETURN(IgnoreMatcher matcher, IgnoreMatcher::Create(std::move(rules)));
  const std::string dockerfile = CleanPath(options.dockerfile);
  if (matcher.Excluded(dockerfile)) matcher.AddException(dockerfile);
  if (matcher.Excluded(".dockerignore")) matcher.AddException(".dockerignore");
  return matcher;
}

absl::StatusOr<Context> ListContext(const ContextOptions& options) {
  struct stat st;
  if (stat(options.root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::NotFoundError(
        absl::StrCat("build context directory ", options.root, " does not exist"));
  }
  const std::string dockerfile = CleanPath(options.dockerfile);
  if (dockerfile == ".." || dockerfile.rfind("../", 0) == 0 || dockerfile[0] == '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "the Dockerfile path ", options.dockerfile, " must be relative and inside the context"));
  }
  const std::string df_abs = options.root + "/" + dockerfile;
  if (options.dockerfile_in_context && (stat(df_abs.c_str(), &st) != 0 || !S_ISREG(st.st_mode))) {
    return absl::NotFoundError(absl::StrCat("Dockerfile ", df_abs, " not found"));
  }
  DCS_ASSIGN_OR_RETURN(IgnoreMatcher matcher, LoadIgnoreMatcher(options));
  Walker walker(options.root, matcher);
  DCS_RETURN_IF_ERROR(walker.Walk(""));
  return walker.Take();
}

}  // namespace dcs::buildcontext
