#include "clients/docker/progress_stream.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "base/log.h"

namespace dcs::docker {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string ErrorText(const nlohmann::json& m) {
  if (m.contains("errorDetail") && m["errorDetail"].is_object() &&
      m["errorDetail"].contains("message") && m["errorDetail"]["message"].is_string()) {
    return m["errorDetail"]["message"].get<std::string>();
  }
  if (m.contains("error") && m["error"].is_string()) return m["error"].get<std::string>();
  return "";
}

bool IsError(const nlohmann::json& m) { return m.contains("errorDetail") || m.contains("error"); }

}  // namespace

void JsonLineSplitter::Feed(std::string_view chunk) {
  size_t start = 0;
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (chunk[i] != '\n') continue;
    if (partial_.empty()) {
      EmitLine(chunk.substr(start, i - start));
    } else {
      partial_.append(chunk.substr(start, i - start));
      EmitLine(partial_);
      partial_.clear();
    }
    start = i + 1;
  }
  partial_.append(chunk.substr(start));
}

void JsonLineSplitter::Finish() {
  if (!partial_.empty()) EmitLine(partial_);
  partial_.clear();
}

void JsonLineSplitter::EmitLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return;
  nlohmann::json m = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object()) {
    m = nlohmann::json{{"stream", absl::StrCat(std::string(line), "\n")}};
  }
  on_message_(m);
}

void BuildStream::OnMessage(const nlohmann::json& m) {
  if (IsError(m)) {
    if (!pending_.empty()) OnLine(std::exchange(pending_, ""));
    error_ = ErrorText(m);
    return;
  }
  if (m.contains("aux") && m["aux"].is_object() && m["aux"].contains("ID") &&
      m["aux"]["ID"].is_string()) {
    image_id_ = m["aux"]["ID"].get<std::string>();
  }
  if (!m.contains("stream") || !m["stream"].is_string()) return;
  pending_ += m["stream"].get<std::string>();
  size_t nl;
  while ((nl = pending_.find('\n')) != std::string::npos) {
    std::string line = pending_.substr(0, nl);
    pending_.erase(0, nl + 1);
    OnLine(line);
  }
}

void BuildStream::OnLine(const std::string& line) {
  output_.push_back(line);
  if (line.rfind("Step ", 0) == 0 && line.find(" : ") != std::string::npos) {
    step_ = line;
    step_tail_.clear();
    dcs::log::Info("docker build step", {{"@module", "docker"}, {"step", line}});
    return;
  }
  const std::string built = "Successfully built ";
  if (line.rfind(built, 0) == 0 && image_id_.empty()) image_id_ = line.substr(built.size());
  step_tail_.push_back(line);
  while (step_tail_.size() > tail_lines_) step_tail_.pop_front();
}

absl::Status BuildStream::Result() const {
  if (error_.empty()) {
    if (image_id_.empty()) {
      return absl::UnknownError("docker build finished without reporting an image id");
    }
    return absl::OkStatus();
  }
  std::string msg = step_.empty() ? absl::StrCat("docker build failed: ", error_)
                                  : absl::StrCat("docker build failed at ", step_, ": ", error_);
  std::vector<std::string> tail(step_tail_.begin(), step_tail_.end());
  if (!pending_.empty()) tail.push_back(pending_);
  if (!tail.empty()) {
    absl::StrAppend(&msg, "\n--- last ", tail.size(), " output lines ---");
    for (const std::string& l : tail) absl::StrAppend(&msg, "\n", l);
  }
  return absl::AbortedError(msg);
}

void PushStream::OnMessage(const nlohmann::json& m) {
  if (IsError(m)) {
    error_ = ErrorText(m);
    return;
  }
  if (m.contains("aux") && m["aux"].is_object() && m["aux"].contains("Digest") &&
      m["aux"]["Digest"].is_string()) {
    digest_ = m["aux"]["Digest"].get<std::string>();
  }
  if (!m.contains("status") || !m["status"].is_string()) return;
  const std::string status = m["status"].get<std::string>();
  statuses_.push_back(status);
  const size_t d = status.find(": digest: ");
  if (d != std::string::npos && digest_.empty()) {
    const size_t start = d + 10;
    digest_ = status.substr(start, status.find(' ', start) - start);
  }
}

absl::StatusCode CodeForDaemonError(std::string_view message) {
  const std::string m = Lower(message);
  if (m.find("unauthorized") != std::string::npos ||
      m.find("authentication required") != std::string::npos ||
      m.find("no basic auth credentials") != std::string::npos) {
    return absl::StatusCode::kUnauthenticated;
  }
  if (m.find("denied") != std::string::npos) return absl::StatusCode::kPermissionDenied;
  if (m.find("does not exist") != std::string::npos || m.find("no such") != std::string::npos) {
    return absl::StatusCode::kNotFound;
  }
  return absl::StatusCode::kUnknown;
}

std::string Scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t p = text.find(secret); p != std::string::npos; p = text.find(secret, p)) {
    text.replace(p, secret.size(), "<redacted>");
    p += 10;
  }
  return text;
}

absl::Status PushStream::Result(std::string_view repository, std::string_view secret) const {
  if (error_.empty()) return absl::OkStatus();
  const absl::StatusCode code = CodeForDaemonError(error_);
  std::string msg = absl::StrCat("docker push of ", std::string(repository), " failed: ", error_);
  if (code == absl::StatusCode::kUnauthenticated) {
    absl::StrAppend(&msg, " (the registry rejected the credentials: check the username and ",
                    "password or token for this registry)");
  }
  return absl::Status(code, Scrub(msg, secret));
}

}  // namespace dcs::docker
