#include "clients/buildcontext/git_origin.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace dcs::buildcontext {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

bool IsObjectId(const std::string& s) {
  if (s.size() != 40 && s.size() != 64) return false;  // SHA-1 or SHA-256 repositories
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

struct Repo {
  fs::path git_dir;     // holds HEAD (per worktree)
  fs::path common_dir;  // holds config, packed-refs and shared refs
};

std::optional<Repo> FindRepo(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) return std::nullopt;
  for (;;) {
    const fs::path dot_git = dir / ".git";
    if (fs::is_directory(dot_git, ec)) return Repo{dot_git, dot_git};
    if (fs::is_regular_file(dot_git, ec)) {
      // A worktree or submodule: ".git" is a file naming the real git dir.
      auto text = ReadFile(dot_git);
      if (!text || text->rfind("gitdir:", 0) != 0) return std::nullopt;
      fs::path git_dir = Trim(text->substr(7));
      if (git_dir.is_relative()) git_dir = dir / git_dir;
      fs::path common = git_dir;
      if (auto c = ReadFile(git_dir / "commondir")) {
        fs::path p = Trim(*c);
        common = p.is_relative() ? git_dir / p : p;
      }
      return Repo{git_dir, common};
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::string ResolveRef(const Repo& repo, const std::string& ref) {
  for (const fs::path& base : {repo.git_dir, repo.common_dir}) {
    if (auto loose = ReadFile(base / ref)) {
      std::string id = Trim(*loose);
      if (IsObjectId(id)) return id;
    }
  }
  if (auto packed = ReadFile(repo.common_dir / "packed-refs")) {
    std::istringstream lines(*packed);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] == '#' || line[0] == '^') continue;
      const size_t space = line.find(' ');
      if (space != std::string::npos && Trim(line.substr(space + 1)) == ref) {
        std::string id = line.substr(0, space);
        return IsObjectId(id) ? id : "";
      }
    }
  }
  return "";  // an unborn branch: nothing committed yet
}

// The url of [remote "origin"] in a git config file.
std::string OriginUrl(const std::string& config) {
  std::istringstream lines(config);
  bool in_origin = false;
  for (std::string line; std::getline(lines, line);) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      std::string section;
      for (char c : line) {
        if (c != ' ' && c != '\t') section += c;
      }
      in_origin = section == "[remote\"origin\"]";
      continue;
    }
    if (!in_origin) continue;
    const size_t eq = line.find('=');
    if (eq != std::string::npos && Trim(line.substr(0, eq)) == "url") return Trim(line.substr(eq + 1));
  }
  return "";
}

}  // namespace

std::string StripUserInfo(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t host_start = scheme + 3;
  const size_t path = url.find('/', host_start);
  const size_t at = url.rfind('@', path == std::string::npos ? url.size() : path);
  if (at == std::string::npos || at < host_start) return url;
  return url.substr(0, host_start) + url.substr(at + 1);
}

GitOrigin FindGitOrigin(const std::string& dir) {
  GitOrigin out;
  auto repo = FindRepo(dir);
  if (!repo) return out;
  if (auto head = ReadFile(repo->git_dir / "HEAD")) {
    std::string h = Trim(*head);
    if (h.rfind("ref:", 0) == 0) {
      out.revision = ResolveRef(*repo, Trim(h.substr(4)));
    } else if (IsObjectId(h)) {
      out.revision = h;  // detached HEAD
    }
  }
  if (auto config = ReadFile(repo->common_dir / "config")) out.source = StripUserInfo(OriginUrl(*config));
  return out;
}

}  // namespace dcs::buildcontext
