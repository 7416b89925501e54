// A light scan of a Dockerfile for the features whose support depends on the
// builder, so that an unsupported one is reported on the right attribute
// before anything is sent to the engine (instead of the engine's raw parse
// error): heredocs (`RUN <<EOF`), `RUN --mount=...`, secret mounts and a
// `# syntax=` directive (which brings its own frontend, whose features we
// cannot know).
//
// Not a Dockerfile parser: instruction lines are joined across '\'
// continuations and matched by keyword; that is all these checks need.
#ifndef DCS_CLIENTS_DOCKER_DOCKERFILE_SCAN_H_
#define DCS_CLIENTS_DOCKER_DOCKERFILE_SCAN_H_

#include <string>
#include <string_view>
#include <vector>

namespace dcs::docker {

struct SecretMount {
  std::string id;        // id=..., else the basename of target=, else ""
  // false only with an explicit required=false (BuildKit itself skips an
  // unknown optional secret silently; dcs treats an unmarked mount as needed).
  bool required = true;
  int line = 0;          // 1-based line of the instruction
};

struct DockerfileFeatures {
  bool syntax_directive = false;  // "# syntax=..." before the first instruction
  int heredoc_line = 0;           // first RUN/COPY/ADD with "<<WORD" (0 = none)
  int mount_line = 0;             // first RUN --mount (0 = none)
  std::vector<SecretMount> secret_mounts;
};

DockerfileFeatures ScanDockerfile(std::string_view text);

}  // namespace dcs::docker

#endif  // DCS_CLIENTS_DOCKER_DOCKERFILE_SCAN_H_
