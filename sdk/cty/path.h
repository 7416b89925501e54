// Attribute paths: where in a value a diagnostic or a change applies.
#ifndef DCS_SDK_CTY_PATH_H_
#define DCS_SDK_CTY_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dcs::cty {

struct PathStep {
  enum class Kind { kAttribute, kKeyString, kKeyInt };
  Kind kind = Kind::kAttribute;
  std::string name;  // attribute name or map key
  int64_t index = 0;  // list/tuple index
  bool operator==(const PathStep& o) const {
    return kind == o.kind && name == o.name && index == o.index;
  }
};

class Path {
 public:
  Path() = default;
  static Path Root(std::string attribute) { return Path().Attr(std::move(attribute)); }
  Path Attr(std::string name) const;
  Path Key(std::string key) const;
  Path Index(int64_t index) const;

  const std::vector<PathStep>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }
  // "docker_image.basic_auth", "cuda_extensions[0].name", "tags[\"team\"]".
  std::string ToString() const;
  // Prefix for error messages, go-cty style: ".cuda_extensions[0].name: ";
  // empty at the root.
  std::string ErrorPrefix() const;
  bool operator==(const Path& o) const { return steps_ == o.steps_; }

 private:
  std::vector<PathStep> steps_;
};

// Where a walk over a value stands, as a chain of frames on the walker's
// stack: Attr/Key/Index cost nothing, and a Path is built only when an error
// needs one. Decoding and conforming visit every value of a state on each
// read and plan; building a Path (a vector of strings) per visited value cost
// more than the work itself. A frame refers to its parent and to the name it
// was given, so it must not outlive either.
class PathFrame {
 public:
  PathFrame() = default;
  PathFrame Attr(std::string_view name) const { return PathFrame(this, PathStep::Kind::kAttribute, name, 0); }
  PathFrame Key(std::string_view key) const { return PathFrame(this, PathStep::Kind::kKeyString, key, 0); }
  PathFrame Index(int64_t index) const { return PathFrame(this, PathStep::Kind::kKeyInt, {}, index); }

  Path ToPath() const;
  std::string ErrorPrefix() const { return ToPath().ErrorPrefix(); }

 private:
  PathFrame(const PathFrame* parent, PathStep::Kind kind, std::string_view name, int64_t index)
      : parent_(parent), kind_(kind), name_(name), index_(index) {}
  const PathFrame* parent_ = nullptr;  // nullptr at the root
  PathStep::Kind kind_ = PathStep::Kind::kAttribute;
  std::string_view name_;
  int64_t index_ = 0;
};

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_PATH_H_
