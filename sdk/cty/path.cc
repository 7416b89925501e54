#include "sdk/cty/path.h"

#include "nlohmann/json.hpp"

namespace dcs::cty {

Path Path::Attr(std::string name) const {
  Path p = *this;
  p.steps_.push_back(PathStep{PathStep::Kind::kAttribute, std::move(name), 0});
  return p;
}

Path Path::Key(std::string key) const {
  Path p = *this;
  p.steps_.push_back(PathStep{PathStep::Kind::kKeyString, std::move(key), 0});
  return p;
}

Path Path::Index(int64_t index) const {
  Path p = *this;
  p.steps_.push_back(PathStep{PathStep::Kind::kKeyInt, "", index});
  return p;
}

std::string Path::ToString() const {
  std::string out;
  for (const PathStep& step : steps_) {
    switch (step.kind) {
      case PathStep::Kind::kAttribute:
        if (!out.empty()) out += '.';
        out += step.name;
        break;
      case PathStep::Kind::kKeyString:
        // JSON string escaping keeps quotes/newlines in keys unambiguous.
        out += '[';
        out += nlohmann::json(step.name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out += ']';
        break;
      case PathStep::Kind::kKeyInt:
        out += '[' + std::to_string(step.index) + ']';
        break;
    }
  }
  return out;
}

std::string Path::ErrorPrefix() const {
  if (steps_.empty()) return "";
  bool leading_attribute = steps_.front().kind == PathStep::Kind::kAttribute;
  return (leading_attribute ? "." : "") + ToString() + ": ";
}

Path PathFrame::ToPath() const {
  if (parent_ == nullptr) return Path();
  const Path parent = parent_->ToPath();
  switch (kind_) {
    case PathStep::Kind::kAttribute: return parent.Attr(std::string(name_));
    case PathStep::Kind::kKeyString: return parent.Key(std::string(name_));
    case PathStep::Kind::kKeyInt: return parent.Index(index_);
  }
  return parent;
}

}  // namespace dcs::cty
