// Parsers for the Engine API's JSON progress streams (POST /build,
// POST /images/{name}/push): a line splitter that copes with objects split
// across chunks and CRLF endings, and interpreters that turn the messages
// into step logs, the image id / pushed digest, and clear errors.
//
// Thread-safety: one parser object per stream, used by one thread.
#ifndef DCS_CLIENTS_DOCKER_PROGRESS_STREAM_H_
#define DCS_CLIENTS_DOCKER_PROGRESS_STREAM_H_

#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"

namespace dcs::docker {

// Splits a byte stream into JSON objects, one per line. Lines that are not
// JSON objects are reported as {"stream": "<line>\n"} so that no output is
// lost (old daemons and proxies sometimes interleave plain text).
class JsonLineSplitter {
 public:
  explicit JsonLineSplitter(std::function<void(const nlohmann::json&)> on_message)
      : on_message_(std::move(on_message)) {}
  void Feed(std::string_view chunk);
  // Flushes a final line without a newline.
  void Finish();

 private:
  void EmitLine(std::string_view line);
  std::function<void(const nlohmann::json&)> on_message_;
  std::string partial_;
};

// Interprets classic-builder messages. Each "Step N/M : ..." line is logged
// at INFO; the output of the current step is kept (last `tail_lines` lines).
class BuildStream {
 public:
  explicit BuildStream(size_t tail_lines = 30) : tail_lines_(tail_lines) {}
  void OnMessage(const nlohmann::json& message);

  // OK, or Aborted naming the failing step with the tail of its output:
  //   "build failed at Step 3/5 : RUN false: The command ... returned a
  //    non-zero code: 1\n--- last output lines ---\n..."
  absl::Status Result() const;
  // "sha256:..." from the aux {"ID": ...} message (or, for daemons without
  // it, the short id of "Successfully built <id>"); empty if none seen.
  const std::string& image_id() const { return image_id_; }
  const std::vector<std::string>& output() const { return output_; }  // all lines
  const std::string& current_step() const { return step_; }

 private:
  void OnLine(const std::string& line);
  size_t tail_lines_;
  std::string pending_;  // text of an unfinished output line
  std::string step_;
  std::deque<std::string> step_tail_;
  std::vector<std::string> output_;
  std::string image_id_;
  std::string error_;
};

// Interprets push messages: the digest from aux {Tag, Digest, Size} or the
// "<tag>: digest: sha256:... size: N" status line, and errors.
class PushStream {
 public:
  void OnMessage(const nlohmann::json& message);
  // OK, or an error whose code reflects the daemon's message:
  // Unauthenticated ("unauthorized", "authentication required"),
  // PermissionDenied ("denied"), NotFound ("does not exist"), else Unknown.
  // `secret` (the password) is scrubbed from the message.
  absl::Status Result(std::string_view repository, std::string_view secret) const;
  const std::string& digest() const { return digest_; }
  const std::vector<std::string>& statuses() const { return statuses_; }

 private:
  std::string digest_;
  std::vector<std::string> statuses_;
  std::string error_;
};

// Maps a registry/daemon error text to a status code as PushStream does.
absl::StatusCode CodeForDaemonError(std::string_view message);

// Replaces every occurrence of `secret` (if non-empty) by "<redacted>".
std::string Scrub(std::string text, std::string_view secret);

}  // namespace dcs::docker

#endif  // DCS_CLIENTS_DOCKER_PROGRESS_STREAM_H_
