#include "clients/docker/dockerfile_scan.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace dcs::docker {
namespace {

struct Instruction {
  std::string text;  // continuation lines joined
  int line = 0;
};

std::vector<Instruction> Instructions(absl::string_view text, bool* syntax_directive) {
  std::vector<Instruction> out;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  bool in_header = true;
  Instruction cur;
  bool continuing = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = absl::StripAsciiWhitespace(lines[i]);
    if (absl::StartsWith(line, "#")) {
      static const std::regex kSyntax(R"(^#\s*syntax\s*=)", std::regex::icase);
      if (in_header && std::regex_search(std::string(line), kSyntax)) *syntax_directive = true;
      continue;  // comments do not end a continuation
    }
    if (line.empty() && !continuing) continue;
    in_header = false;
    if (!continuing) cur = Instruction{"", static_cast<int>(i) + 1};
    const bool cont = absl::EndsWith(line, "\\");
    if (cont) line.remove_suffix(1);
    cur.text += std::string(line) + " ";
    continuing = cont;
    if (!continuing) out.push_back(cur);
  }
  if (continuing) out.push_back(cur);
  return out;
}

std::string BaseName(absl::string_view p) {
  while (!p.empty() && p.back() == '/') p.remove_suffix(1);
  auto slash = p.rfind('/');
  return std::string(slash == absl::string_view::npos ? p : p.substr(slash + 1));
}

}  // namespace

DockerfileFeatures ScanDockerfile(std::string_view text) {
  DockerfileFeatures f;
  static const std::regex kHeredoc(R"(^(RUN|COPY|ADD)\s.*<<-?["']?[A-Za-z_][A-Za-z0-9_]*)", std::regex::icase);
  static const std::regex kRun(R"(^RUN\s)", std::regex::icase);
  static const std::regex kMount(R"(--mount=(\S+))");
  for (const Instruction& ins : Instructions(absl::string_view(text.data(), text.size()), &f.syntax_directive)) {
    if (f.heredoc_line == 0 && std::regex_search(ins.text, kHeredoc)) f.heredoc_line = ins.line;
    if (!std::regex_search(ins.text, kRun)) continue;
    for (std::sregex_iterator it(ins.text.begin(), ins.text.end(), kMount), end; it != end; ++it) {
      if (f.mount_line == 0) f.mount_line = ins.line;
      std::string type, id, target;
      bool required = true;
      const std::string mount = (*it)[1].str();
      for (absl::string_view kv : absl::StrSplit(mount, ',')) {
        std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
        const std::string key = absl::AsciiStrToLower(p.first);
        std::string value = p.second;
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
          value = value.substr(1, value.size() - 2);
        }
        if (key == "type") type = value;
        if (key == "id") id = value;
        if (key == "target" || key == "dst" || key == "destination") target = value;
        if (key == "required") {
          required = value.empty() || absl::AsciiStrToLower(value) == "true";
        }
      }
      if (type == "secret") {
        f.secret_mounts.push_back({id.empty() ? BaseName(target) : id, required, ins.line});
      }
    }
  }
  return f;
}

}  // namespace dcs::docker
