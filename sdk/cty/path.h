// Attribute paths: where in a value a diagnostic or a change applies.
#ifndef DCS_SDK_CTY_PATH_H_
#define DCS_SDK_CTY_PATH_H_

#include <cstdint>
#include <string>
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

}  // namespace dcs::cty

#endif  // DCS_SDK_CTY_PATH_H_
