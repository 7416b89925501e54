// Where a build context comes from, for the OCI labels
// org.opencontainers.image.revision and org.opencontainers.image.source: the
// commit HEAD points at and the URL of the "origin" remote of the git
// repository holding the context. Read from the repository's files, without
// running git, so that a machine without git builds the same way.
#ifndef DCS_CLIENTS_BUILDCONTEXT_GIT_ORIGIN_H_
#define DCS_CLIENTS_BUILDCONTEXT_GIT_ORIGIN_H_

#include <string>

namespace dcs::buildcontext {

struct GitOrigin {
  std::string revision;  // full object id of HEAD's commit, "" when unknown
  std::string source;    // origin's URL without user name or password, "" when unknown
};

// Looks for `.git` in `dir` and its parents. Handles a `.git` directory, a
// `.git` file (worktrees, submodules: "gitdir: …" with "commondir"), loose and
// packed refs and a detached HEAD. Anything missing or unreadable leaves the
// field empty; it never fails.
GitOrigin FindGitOrigin(const std::string& dir);

// "https://user:token@host/repo.git" → "https://host/repo.git"; scp-like
// "git@host:repo.git" and URLs without user info are returned unchanged.
std::string StripUserInfo(const std::string& url);

}  // namespace dcs::buildcontext

#endif  // DCS_CLIENTS_BUILDCONTEXT_GIT_ORIGIN_H_
