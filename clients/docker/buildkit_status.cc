#include "clients/docker/buildkit_status.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/log.h"

namespace dcs::docker {
namespace {

std::string ErrorOf(const nlohmann::json& m) {
  if (m.contains("errorDetail") && m["errorDetail"].is_object() && m["errorDetail"].contains("message") &&
      m["errorDetail"]["message"].is_string()) {
    return m["errorDetail"]["message"].get<std::string>();
  }
  if (m.contains("error") && m["error"].is_string()) return m["error"].get<std::string>();
  return "";
}

}  // namespace

void BuildKitStream::OnMessage(const nlohmann::json& m) {
  if (!m.is_object()) return;
  if (std::string err = ErrorOf(m); !err.empty()) {
    error_ = err;
    return;
  }
  const std::string id = m.contains("id") && m["id"].is_string() ? m["id"].get<std::string>() : "";
  if (id == "moby.buildkit.trace" && m.contains("aux") && m["aux"].is_string()) {
    std::string raw;
    moby::buildkit::v1::StatusResponse status;
    if (!absl::Base64Unescape(m["aux"].get<std::string>(), &raw) || !status.ParseFromString(raw)) {
      if (++undecodable_ == 1) log::Warn("docker: undecodable BuildKit status message", {{"@module", "docker"}});
      return;
    }
    OnStatus(status);
  } else if (id == "moby.image.id" && m.contains("aux") && m["aux"].is_object() && m["aux"].contains("ID") &&
             m["aux"]["ID"].is_string()) {
    image_id_ = m["aux"]["ID"].get<std::string>();
  } else if (m.contains("stream") && m["stream"].is_string()) {
    std::string line(absl::StripTrailingAsciiWhitespace(m["stream"].get<std::string>()));
    if (!line.empty()) log::Debug("docker build: " + line, {{"@module", "docker"}});
  }
}

void BuildKitStream::AddLog(Step& step, const std::string& bytes) {
  step.pending += bytes;
  size_t start = 0;
  for (size_t nl; (nl = step.pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = step.pending.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    log::Debug(absl::StrCat("docker build: ", step.name, ": ", line), {{"@module", "docker"}});
    output_.push_back(absl::StrCat(step.name, ": ", line));
    step.tail.push_back(std::move(line));
    while (step.tail.size() > tail_lines_) step.tail.pop_front();
  }
  step.pending.erase(0, start);
}

void BuildKitStream::OnStatus(const moby::buildkit::v1::StatusResponse& status) {
  for (const auto& v : status.vertexes()) {
    auto [it, inserted] = steps_.try_emplace(v.digest());
    Step& s = it->second;
    if (inserted) order_.push_back(v.digest());
    if (!v.name().empty()) s.name = v.name();
    if (v.has_started() && !s.started) {
      s.started = true;
      if (!v.cached()) log::Info("docker build: step started", {{"@module", "docker"}, {"step", s.name}});
    }
    if (v.cached()) s.cached = true;
    if (!v.error().empty() && s.error.empty()) {
      s.error = v.error();
      log::Warn("docker build: step failed", {{"@module", "docker"}, {"step", s.name}, {"error", s.error}});
    }
    if (v.has_completed() && !s.completed) {
      s.completed = true;
      if (s.error.empty()) {
        completed_.push_back(s.cached ? "CACHED " + s.name : s.name);
        log::Info(s.cached ? "docker build: step CACHED" : "docker build: step done",
                  {{"@module", "docker"}, {"step", s.name}});
      }
    }
  }
  for (const auto& l : status.logs()) {
    auto [it, inserted] = steps_.try_emplace(l.vertex());
    if (inserted) order_.push_back(l.vertex());
    AddLog(it->second, l.msg());
  }
  for (const auto& w : status.warnings()) {
    auto it = steps_.find(w.vertex());
    log::Warn(absl::StrCat("docker build: ", w.short_()),
              {{"@module", "docker"}, {"step", it == steps_.end() ? "" : it->second.name}});
  }
}

absl::Status BuildKitStream::Result() const {
  if (error_.empty()) {
    if (image_id_.empty()) return absl::UnknownError("docker build (BuildKit) finished without reporting an image id");
    return absl::OkStatus();
  }
  // The failing step: the one carrying an error, else the last one started
  // and not completed.
  const Step* failed = nullptr;
  for (const std::string& d : order_) {
    const Step& s = steps_.at(d);
    if (!s.error.empty()) failed = &s;
  }
  if (failed == nullptr) {
    for (const std::string& d : order_) {
      const Step& s = steps_.at(d);
      if (s.started && !s.completed) failed = &s;
    }
  }
  std::string msg = failed == nullptr || failed->name.empty()
                        ? absl::StrCat("docker build failed: ", error_)
                        : absl::StrCat("docker build failed at ", failed->name, ": ", error_);
  if (failed != nullptr) {
    std::vector<std::string> tail(failed->tail.begin(), failed->tail.end());
    if (!failed->pending.empty()) tail.push_back(failed->pending);
    if (!tail.empty()) {
      absl::StrAppend(&msg, "\n--- last ", tail.size(), " output lines ---");
      for (const std::string& l : tail) absl::StrAppend(&msg, "\n", l);
    }
  }
  return absl::AbortedError(msg);
}

}  // namespace dcs::docker
