#include "clients/registry/image_inspect.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "clients/http/text.h"
#include "nlohmann/json.hpp"

namespace dcs::registry {
namespace {

using nlohmann::json;

bool IsIndex(const std::string& media_type, const json& j) {
  if (media_type == kMediaTypeOciIndex || media_type == kMediaTypeDockerList) return true;
  // OCI indexes may omit mediaType; "manifests" without "config" is one.
  return j.contains("manifests") && j["manifests"].is_array() && !j.contains("config");
}

std::string Str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

Platform PlatformOf(const json& j) {
  Platform p;
  p.os = Str(j, "os");
  p.architecture = Str(j, "architecture");
  p.variant = Str(j, "variant");
  return p;
}

bool Matches(const Platform& have, const Platform& want) {
  return have.os == want.os && have.architecture == want.architecture &&
         (want.variant.empty() || have.variant == want.variant);
}

std::vector<std::string> Strings(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

std::string Platform::String() const {
  return absl::StrCat(os.empty() ? "?" : os, "/", architecture.empty() ? "?" : architecture,
                      variant.empty() ? "" : "/" + variant);
}

absl::StatusOr<ImageConfig> ParseImageConfig(std::string_view blob) {
  json j = json::parse(blob, nullptr, false);
  if (!j.is_object()) {
    return absl::DataLossError(absl::StrCat("the image config is not a JSON object (", blob.size(),
                                            " bytes starting with \"", http::text::Utf8Prefix(blob, 40), "\")"));
  }
  ImageConfig c;
  c.platform = PlatformOf(j);
  const json empty = json::object();
  const json& conf = j.contains("config") && j["config"].is_object() ? j["config"] : empty;
  c.entrypoint = Strings(conf.contains("Entrypoint") ? conf["Entrypoint"] : json());
  c.cmd = Strings(conf.contains("Cmd") ? conf["Cmd"] : json());
  for (const std::string& e : Strings(conf.contains("Env") ? conf["Env"] : json())) {
    const size_t eq = e.find('=');
    c.env[e.substr(0, eq)] = eq == std::string::npos ? "" : e.substr(eq + 1);
  }
  if (conf.contains("Labels") && conf["Labels"].is_object()) {
    for (const auto& [k, v] : conf["Labels"].items()) {
      if (v.is_string()) c.labels[k] = v.get<std::string>();
    }
  }
  return c;
}

absl::StatusOr<InspectedImage> InspectImage(const RegistryClient& client, const std::string& repo,
                                            const std::string& ref, const Platform& want,
                                            size_t max_config_bytes) {
  DCS_ASSIGN_OR_RETURN(Manifest top, client.GetManifest(repo, ref));
  InspectedImage out;
  out.digest = top.info.digest;
  out.media_type = top.info.media_type;
  json j = json::parse(top.body, nullptr, false);  // GetManifest checked it is an object
  Manifest image = top;
  if (IsIndex(top.info.media_type, j)) {
    std::vector<std::string> offered;
    std::string pick;
    for (const auto& m : j.value("manifests", json::array())) {
      if (!m.is_object()) continue;
      const Platform p = m.contains("platform") ? PlatformOf(m["platform"]) : Platform{"", "", ""};
      // Attestation manifests (BuildKit's provenance) say unknown/unknown.
      if (p.os == "unknown" || p.os.empty()) continue;
      offered.push_back(p.String());
      if (pick.empty() && Matches(p, want)) pick = Str(m, "digest");
    }
    if (pick.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          repo, ":", ref, " is a multi-platform image without ", want.String(), "; it offers ",
          offered.empty() ? "no platform at all" : absl::StrJoin(offered, ", ")));
    }
    DCS_ASSIGN_OR_RETURN(image, client.GetManifest(repo, pick));
    j = json::parse(image.body, nullptr, false);
    if (IsIndex(image.info.media_type, j)) {
      return absl::FailedPreconditionError(absl::StrCat(repo, "@", pick, " is a nested index; dcs reads one level"));
    }
  }
  out.image_digest = image.info.digest;
  if (!j.contains("config") || !j["config"].is_object() || Str(j["config"], "digest").empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        repo, ":", ref, " has a manifest without a config descriptor (media type ",
        image.info.media_type.empty() ? "unknown" : image.info.media_type, "); its image config cannot be read"));
  }
  const json& desc = j["config"];
  if (desc.contains("size") && desc["size"].is_number() &&
      desc["size"].get<double>() > static_cast<double>(max_config_bytes)) {
    return absl::OutOfRangeError(absl::StrCat("the image config of ", repo, ":", ref, " is ",
                                              desc["size"].dump(), " bytes by its descriptor, over the ",
                                              max_config_bytes, "-byte limit (not downloaded)"));
  }
  DCS_ASSIGN_OR_RETURN(std::string blob, client.GetBlob(repo, Str(desc, "digest"), max_config_bytes));
  absl::StatusOr<ImageConfig> config = ParseImageConfig(blob);
  if (!config.ok()) {
    return absl::DataLossError(absl::StrCat("registry answered the config of ", repo, ":", ref, " with data that ",
                                            config.status().message()));
  }
  out.config = *std::move(config);
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> NearestTags(const std::vector<std::string>& tags, std::string_view wanted, size_t n) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& t : tags) scored.emplace_back(EditDistance(t, wanted), t);
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && out.size() < n; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace dcs::registry
