#include "clients/docker/filesync.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "clients/buildcontext/dockerignore.h"

namespace dcs::docker::filesync {
namespace {

using buildcontext::ContextEntry;
using buildcontext::EntryType;

std::string Parent(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

// Every proper ancestor directory of `path`, outermost first.
std::vector<std::string> Ancestors(const std::string& path) {
  std::vector<std::string> out;
  for (std::string p = Parent(path); !p.empty(); p = Parent(p)) out.push_back(p);
  std::reverse(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::optional<buildcontext::IgnoreMatcher>> MatcherFor(const std::vector<std::string>& patterns) {
  if (patterns.empty()) return std::optional<buildcontext::IgnoreMatcher>();
  DCS_ASSIGN_OR_RETURN(auto rules, buildcontext::ParseDockerignore(absl::StrJoin(patterns, "\n")));
  DCS_ASSIGN_OR_RETURN(auto matcher, buildcontext::IgnoreMatcher::Create(std::move(rules)));
  return std::optional<buildcontext::IgnoreMatcher>(std::move(matcher));
}

bool UnderOrEqual(const std::string& path, const std::string& prefix) {
  return path == prefix || (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                            path[prefix.size()] == '/');
}

}  // namespace

bool WalkOrderLess(const std::string& a, const std::string& b) {
  // '/' sorts before every other byte, so "a/b" < "a.txt" < "a0", and a
  // directory's children follow it directly.
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    if (a[i] == '/') return true;
    if (b[i] == '/') return false;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

uint32_t GoFileMode(const ContextEntry& e) {
  uint32_t mode = e.mode & 0777;
  if (e.mode & S_ISUID) mode |= kGoModeSetuid;
  if (e.mode & S_ISGID) mode |= kGoModeSetgid;
  if (e.mode & S_ISVTX) mode |= kGoModeSticky;
  if (e.type == EntryType::kDirectory) mode |= kGoModeDir;
  if (e.type == EntryType::kSymlink) mode |= kGoModeSymlink;
  return mode;
}

SyncDir ContextDir(const std::string& root, std::vector<ContextEntry> entries) {
  std::set<std::string> present;
  for (const auto& e : entries) present.insert(e.path);
  std::vector<ContextEntry> added;
  for (const auto& e : entries) {
    for (const std::string& dir : Ancestors(e.path)) {
      if (present.insert(dir).second) {
        ContextEntry d;
        d.path = dir;
        d.type = EntryType::kDirectory;
        struct stat st;
        const std::string abs = root + "/" + dir;
        d.mode = lstat(abs.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0755;
        d.mtime = lstat(abs.c_str(), &st) == 0 ? st.st_mtim.tv_sec : 0;
        added.push_back(std::move(d));
      }
    }
  }
  for (auto& d : added) entries.push_back(std::move(d));
  std::sort(entries.begin(), entries.end(),
            [](const ContextEntry& a, const ContextEntry& b) { return WalkOrderLess(a.path, b.path); });
  SyncDir dir;
  dir.entries.reserve(entries.size());
  for (auto& e : entries) {
    SyncEntry s;
    s.source_path = root + "/" + e.path;
    s.meta = std::move(e);
    dir.entries.push_back(std::move(s));
  }
  return dir;
}

SyncDir SingleFileDir(const std::string& name, std::string content) {
  SyncEntry s;
  s.meta.path = name;
  s.meta.type = EntryType::kFile;
  s.meta.mode = 0644;
  s.meta.size = content.size();
  s.content = std::move(content);
  SyncDir dir;
  dir.entries.push_back(std::move(s));
  return dir;
}

absl::StatusOr<std::vector<const SyncEntry*>> Select(const SyncDir& dir, const SyncRequest& r) {
  DCS_ASSIGN_OR_RETURN(auto include, MatcherFor(r.include_patterns));
  DCS_ASSIGN_OR_RETURN(auto exclude, MatcherFor(r.exclude_patterns));
  std::vector<std::string> follow;
  for (const auto& p : r.follow_paths) follow.push_back(buildcontext::CleanPath(p));
  std::set<std::string> keep;
  for (const SyncEntry& e : dir.entries) {
    const std::string& p = e.meta.path;
    if (include && !include->Excluded(p)) continue;  // "excluded" = matched by an include rule
    if (!follow.empty() &&
        std::none_of(follow.begin(), follow.end(), [&](const std::string& f) { return UnderOrEqual(p, f); })) {
      continue;
    }
    if (exclude && exclude->Excluded(p)) continue;
    keep.insert(p);
    for (const std::string& a : Ancestors(p)) keep.insert(a);
  }
  std::vector<const SyncEntry*> out;
  for (const SyncEntry& e : dir.entries) {
    if (keep.count(e.meta.path)) out.push_back(&e);
  }
  return out;
}

std::string DescribePacket(const Packet& p) {
  switch (p.type()) {
    case Packet::PACKET_STAT: {
      if (!p.has_stat()) return "STAT end";
      const auto& s = p.stat();
      std::string line = absl::StrFormat("STAT %s mode=%#o", s.path(), s.mode());
      if (s.mode() & kGoModeDir) absl::StrAppend(&line, " dir");
      if (s.mode() & kGoModeSymlink) absl::StrAppend(&line, " -> ", s.linkname());
      if (!(s.mode() & (kGoModeDir | kGoModeSymlink))) absl::StrAppend(&line, " size=", s.size());
      return line;
    }
    case Packet::PACKET_REQ: return absl::StrCat("REQ ", p.id());
    case Packet::PACKET_DATA:
      return p.data().empty() ? absl::StrCat("DATA ", p.id(), " end")
                              : absl::StrCat("DATA ", p.id(), " ", p.data().size(), " bytes");
    case Packet::PACKET_FIN: return "FIN";
    case Packet::PACKET_ERR: return absl::StrCat("ERR ", p.data());
    default: return absl::StrCat("UNKNOWN ", static_cast<int>(p.type()));
  }
}

absl::StatusOr<ServeStats> ServeDiffCopy(const std::vector<const SyncEntry*>& entries, PacketStream& stream,
                                         const std::atomic<bool>* stop, size_t chunk_size) {
  ServeStats stats;
  auto closed = [] { return absl::UnavailableError("file sync: the builder closed the stream early"); };
  for (const SyncEntry* e : entries) {
    Packet p;
    p.set_type(Packet::PACKET_STAT);
    auto* s = p.mutable_stat();
    s->set_path(e->meta.path);
    s->set_mode(GoFileMode(e->meta));
    s->set_modtime(e->meta.mtime * 1000000000LL);
    if (e->meta.type == EntryType::kFile) s->set_size(static_cast<int64_t>(e->meta.size));
    if (e->meta.type == EntryType::kSymlink) {
      s->set_linkname(e->meta.link_target);
      s->set_size(static_cast<int64_t>(e->meta.link_target.size()));
    }
    if (!stream.Write(p)) return closed();
    ++stats.entries;
  }
  Packet end;
  end.set_type(Packet::PACKET_STAT);
  if (!stream.Write(end)) return closed();

  std::vector<bool> sent(entries.size(), false);
  std::string buffer(chunk_size, '\0');
  Packet in;
  while (stream.Read(&in)) {
    if (stop && stop->load()) return absl::CancelledError("file sync: stopped");
    switch (in.type()) {
      case Packet::PACKET_REQ: {
        const uint32_t id = in.id();
        if (id >= entries.size() || entries[id]->meta.type != EntryType::kFile || sent[id]) {
          return absl::AbortedError(absl::StrCat("file sync: the builder asked for entry ", id,
                                                 ", which is not a regular file offered once"));
        }
        sent[id] = true;
        const SyncEntry& e = *entries[id];
        Packet data;
        data.set_type(Packet::PACKET_DATA);
        data.set_id(id);
        if (e.content) {
          for (size_t off = 0; off < e.content->size(); off += chunk_size) {
            data.set_data(e.content->substr(off, chunk_size));
            if (!stream.Write(data)) return closed();
            stats.bytes_sent += data.data().size();
          }
        } else {
          std::ifstream f(e.source_path, std::ios::binary);
          if (!f) return absl::InternalError(absl::StrCat("file sync: cannot open ", e.source_path));
          while (f) {
            f.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            const auto n = static_cast<size_t>(f.gcount());
            if (n == 0) break;
            data.set_data(buffer.data(), n);
            if (!stream.Write(data)) return closed();
            stats.bytes_sent += n;
          }
          if (f.bad()) return absl::InternalError(absl::StrCat("file sync: cannot read ", e.source_path));
        }
        data.clear_data();
        if (!stream.Write(data)) return closed();
        ++stats.files_sent;
        break;
      }
      case Packet::PACKET_FIN: {
        Packet fin;
        fin.set_type(Packet::PACKET_FIN);
        stream.Write(fin);
        return stats;
      }
      case Packet::PACKET_ERR:
        return absl::AbortedError(absl::StrCat("file sync: the builder reported: ", in.data()));
      default:
        break;  // STAT/DATA are not sent to a sender; ignore like fsutil does
    }
  }
  return closed();
}

}  // namespace dcs::docker::filesync
