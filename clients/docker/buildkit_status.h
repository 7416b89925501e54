// Interprets the progress stream of a BuildKit build through the Engine API
// (POST /build?version=2): "moby.buildkit.trace" messages carry a base64
// moby.buildkit.v1.StatusResponse (vertexes = build steps, their logs),
// "moby.image.id" the image id, and an errorDetail object the failure.
//
// Logged (module "docker"): each step when it starts (INFO), completes
// (INFO, with "CACHED" when the cache answered it) or fails (WARN); each
// output line of a step at DEBUG.
//
// Thread-safety: one object per stream, used by one thread.
#ifndef DCS_CLIENTS_DOCKER_BUILDKIT_STATUS_H_
#define DCS_CLIENTS_DOCKER_BUILDKIT_STATUS_H_

#include <deque>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "buildkit/control.pb.h"

namespace dcs::docker {

class BuildKitStream {
 public:
  explicit BuildKitStream(size_t tail_lines = 30) : tail_lines_(tail_lines) {}

  // One JSON message of the Engine's stream.
  void OnMessage(const nlohmann::json& message);
  // One decoded status update (also used by a direct buildkitd client).
  void OnStatus(const moby::buildkit::v1::StatusResponse& status);

  // OK, or Aborted naming the failing step (vertex name) with the error and
  // the tail of that step's output:
  //   "docker build failed at [3/3] RUN ...: process \"...\" did not complete
  //    successfully: exit code: 3\n--- last 2 output lines ---\n..."
  absl::Status Result() const;

  const std::string& image_id() const { return image_id_; }
  // Step names in the order they completed, "CACHED " prefixed when cached.
  const std::vector<std::string>& completed() const { return completed_; }
  // Every output line of every step, "<step>: <line>".
  const std::vector<std::string>& output() const { return output_; }
  const std::string& error() const { return error_; }

 private:
  struct Step {
    std::string name;
    bool started = false, completed = false, cached = false;
    std::string error;
    std::string pending;  // unfinished output line
    std::deque<std::string> tail;
  };
  void AddLog(Step& step, const std::string& bytes);

  size_t tail_lines_;
  std::map<std::string, Step> steps_;  // by vertex digest
  std::vector<std::string> order_;     // digests in first-seen order
  std::vector<std::string> completed_;
  std::vector<std::string> output_;
  std::string image_id_;
  std::string error_;
  int undecodable_ = 0;
};

}  // namespace dcs::docker

#endif  // DCS_CLIENTS_DOCKER_BUILDKIT_STATUS_H_
