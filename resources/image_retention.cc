#include "resources/image_retention.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/status_macros.h"

namespace dcs::resources {
namespace {

using Clock = std::chrono::system_clock;

absl::StatusOr<std::regex> Compile(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(absl::StrCat("invalid regular expression \"", pattern, "\": ", e.what()));
  }
}

std::optional<Clock::time_point> ParseCreated(const std::string& text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return std::nullopt;
  return absl::ToChronoTime(t);
}

// The config blob's `created` of a single-image manifest; nullopt otherwise.
std::optional<Clock::time_point> CreatedOf(const registry::RegistryClient& client,
                                           const std::string& repo, const std::string& digest) {
  auto m = client.GetManifest(repo, digest);
  if (!m.ok()) return std::nullopt;
  auto j = nlohmann::json::parse(m->body, nullptr, false);
  if (!j.is_object() || !j.contains("config") || !j["config"].is_object()) return std::nullopt;
  auto blob = client.GetBlob(repo, j["config"].value("digest", ""));
  if (!blob.ok()) return std::nullopt;
  auto config = nlohmann::json::parse(*blob, nullptr, false);
  if (!config.is_object() || !config.contains("created") || !config["created"].is_string()) {
    return std::nullopt;
  }
  return ParseCreated(config["created"].get<std::string>());
}

}  // namespace

std::vector<std::string> ProtectInUse(const std::vector<TagInfo>& tags, const std::vector<std::string>& entries,
                                      const ImageUses& uses, std::map<std::string, std::string>* protected_out) {
  std::map<std::string, std::string> digest_of;
  std::map<std::string, std::vector<std::string>> tags_on;  // digest → tags
  for (const auto& t : tags) {
    digest_of[t.tag] = t.digest;
    tags_on[t.digest].push_back(t.tag);
  }
  std::vector<std::string> out;
  for (const auto& entry : entries) {
    const bool is_digest = entry.rfind("sha256:", 0) == 0;
    std::string digest = is_digest ? entry : "";
    if (!is_digest) {
      if (auto it = digest_of.find(entry); it != digest_of.end()) digest = it->second;
    }
    std::vector<std::string> reasons;
    auto add = [&](const std::map<std::string, std::vector<std::string>>& from, const std::string& key,
                   const std::string& suffix) {
      if (auto it = from.find(key); it != from.end()) {
        for (const auto& r : it->second) reasons.push_back(r + suffix);
      }
    };
    if (!is_digest) add(uses.tags, entry, "");
    if (!digest.empty()) {
      add(uses.digests, digest, is_digest ? "" : absl::StrCat(" (the manifest of tag ", entry, ")"));
      for (const auto& other : tags_on[digest]) {
        if (other != entry) add(uses.tags, other, absl::StrCat(" (same manifest as ", entry, ")"));
      }
    }
    if (reasons.empty()) {
      out.push_back(entry);
    } else if (protected_out) {
      (*protected_out)[entry] = absl::StrJoin(reasons, "; ");
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> SelectTagsToDelete(const std::vector<TagInfo>& tags,
                                                            const RetentionSpec& spec,
                                                            const std::set<std::string>& own_tags,
                                                            Clock::time_point now) {
  DCS_ASSIGN_OR_RETURN(std::regex filter, Compile(spec.tag_filter.empty() ? ".*" : spec.tag_filter));
  std::vector<std::regex> protect;
  for (const auto& p : spec.protect) {
    DCS_ASSIGN_OR_RETURN(std::regex r, Compile(p));
    protect.push_back(std::move(r));
  }
  auto is_protected = [&](const std::string& tag) {
    if (own_tags.count(tag)) return true;
    for (size_t i = 0; i < protect.size(); ++i) {
      if (spec.protect[i] == tag || std::regex_match(tag, protect[i])) return true;
    }
    return false;
  };
  std::vector<const TagInfo*> candidates;
  for (const auto& t : tags) {
    if (!is_protected(t.tag) && std::regex_match(t.tag, filter)) candidates.push_back(&t);
  }
  // Newest first; unknown creation times last; ties by name for stability.
  std::sort(candidates.begin(), candidates.end(), [](const TagInfo* a, const TagInfo* b) {
    if (a->created.has_value() != b->created.has_value()) return a->created.has_value();
    if (a->created && *a->created != *b->created) return *a->created > *b->created;
    return a->tag > b->tag;
  });
  if (!spec.keep_last && !spec.max_age_days) return std::vector<std::string>{};
  const int64_t keep = spec.keep_last.value_or(0);
  std::set<std::string> doomed;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const TagInfo& t = *candidates[i];
    if (static_cast<int64_t>(i) < keep) continue;
    if (spec.max_age_days) {
      if (!t.created) continue;
      if (*t.created > now - std::chrono::hours(24 * *spec.max_age_days)) continue;
    }
    doomed.insert(t.tag);
  }
  std::set<std::string> kept_digests;
  for (const auto& t : tags) {
    if (!doomed.count(t.tag)) kept_digests.insert(t.digest);
  }
  std::vector<std::string> out;
  for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {  // oldest first
    if (doomed.count((*it)->tag) && !kept_digests.count((*it)->digest)) out.push_back((*it)->tag);
  }
  return out;
}

absl::StatusOr<std::vector<TagInfo>> ReadTags(const registry::RegistryClient& client,
                                              const std::string& repo) {
  auto names = client.ListTags(repo);
  if (!names.ok()) {
    if (names.status().code() == absl::StatusCode::kNotFound) return std::vector<TagInfo>{};
    return names.status();
  }
  std::map<std::string, std::optional<Clock::time_point>> created;
  std::vector<TagInfo> out;
  for (const auto& tag : *names) {
    auto head = client.HeadManifest(repo, tag);
    if (!head.ok()) {
      if (head.status().code() == absl::StatusCode::kNotFound) continue;  // deleted meanwhile
      return head.status();
    }
    if (!created.count(head->digest)) created[head->digest] = CreatedOf(client, repo, head->digest);
    out.push_back({tag, head->digest, created[head->digest]});
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> PlanRetention(const registry::RegistryClient& client,
                                                       const std::string& repo,
                                                       const RetentionSpec& spec,
                                                       const std::set<std::string>& own_tags,
                                                       const std::vector<std::string>& untagged,
                                                       std::vector<TagInfo>* tags_read) {
  DCS_ASSIGN_OR_RETURN(std::vector<TagInfo> tags, ReadTags(client, repo));
  if (tags_read) *tags_read = tags;
  DCS_ASSIGN_OR_RETURN(std::vector<std::string> out,
                       SelectTagsToDelete(tags, spec, own_tags, Clock::now()));
  if (spec.delete_untagged) {
    for (const auto& digest : untagged) {
      // The resource's own tags move to the new build, so only others count.
      bool tagged = std::any_of(tags.begin(), tags.end(), [&](const TagInfo& t) {
        return t.digest == digest && !own_tags.count(t.tag);
      });
      if (!tagged && std::find(out.begin(), out.end(), digest) == out.end()) out.push_back(digest);
    }
  }
  return out;
}

absl::Status ApplyRetention(const registry::RegistryClient& client, const std::string& repo,
                            const std::vector<std::string>& entries,
                            const std::set<std::string>& own_tags,
                            std::vector<std::string>* skipped, const UsesNow& uses_now,
                            std::map<std::string, std::string>* protected_out) {
  if (entries.empty()) return absl::OkStatus();
  DCS_ASSIGN_OR_RETURN(std::vector<TagInfo> tags, ReadTags(client, repo));
  const std::set<std::string> planned(entries.begin(), entries.end());
  std::set<std::string> kept_digests;
  std::map<std::string, std::string> digest_of;
  for (const auto& t : tags) {
    digest_of[t.tag] = t.digest;
    if (!planned.count(t.tag) || own_tags.count(t.tag)) kept_digests.insert(t.digest);
  }
  // What would be deleted now: the workspace is asked only when there is any.
  std::vector<std::pair<std::string, std::string>> doomed;  // entry, digest
  for (const auto& entry : entries) {
    std::string digest = entry;
    if (entry.rfind("sha256:", 0) != 0) {
      auto it = digest_of.find(entry);
      if (it == digest_of.end()) continue;  // tag already gone
      digest = it->second;
    }
    if (kept_digests.count(digest)) {
      if (skipped) skipped->push_back(entry);
      continue;
    }
    doomed.emplace_back(entry, digest);
  }
  if (doomed.empty()) return absl::OkStatus();
  if (uses_now) {
    DCS_ASSIGN_OR_RETURN(ImageUses uses, uses_now(tags));
    std::vector<std::string> names;
    for (const auto& [entry, digest] : doomed) names.push_back(entry);
    const std::vector<std::string> free = ProtectInUse(tags, names, uses, protected_out);
    const std::set<std::string> free_set(free.begin(), free.end());
    std::erase_if(doomed, [&](const auto& e) { return !free_set.count(e.first); });
  }
  for (const auto& [entry, digest] : doomed) {
    absl::Status s = client.DeleteManifest(repo, digest);
    if (!s.ok() && s.code() != absl::StatusCode::kNotFound) return s;
  }
  return absl::OkStatus();
}

}  // namespace dcs::resources
