#include "sdk/framework/validators.h"

#include <mutex>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dcs::framework {
namespace {

bool IsKnownString(const cty::Value& v) {
  return v.IsKnown() && !v.IsNull() && v.type().kind() == cty::TypeKind::kString;
}

class OneOfValidator : public schema::Validator {
 public:
  explicit OneOfValidator(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {}
  std::string Description() const override {
    return absl::StrCat("one of `", absl::StrJoin(allowed_, "`, `"), "`");
  }
  void Validate(const cty::Value& v, const cty::Path& path, Diagnostics& d) const override {
    if (!IsKnownString(v)) return;
    for (const auto& a : allowed_) {
      if (a == v.AsString()) return;
    }
    d.AddError("Invalid value for " + path.ToString(),
               absl::StrCat("\"", v.AsString(), "\" is not allowed: use ", Description(), "."),
               path);
  }

 private:
  std::vector<std::string> allowed_;
};

// The pattern is compiled on first use: every provider process builds every
// schema, and compiling each std::regex up front was a fifth of the start-up.
class RegexValidator : public schema::Validator {
 public:
  RegexValidator(std::string pattern, std::string explanation)
      : pattern_(std::move(pattern)), explanation_(std::move(explanation)) {}
  std::string Description() const override { return explanation_; }
  void Validate(const cty::Value& v, const cty::Path& path, Diagnostics& d) const override {
    if (!IsKnownString(v)) return;
    std::call_once(compiled_, [this] { re_ = std::regex(pattern_); });
    if (v.AsString().size() > 4096 || !std::regex_match(v.AsString(), re_)) {
      d.AddError("Invalid value for " + path.ToString(),
                 absl::StrCat("\"", v.AsString().substr(0, 80), "\" is not valid: must be ",
                              explanation_, "."),
                 path);
    }
  }

 private:
  std::string pattern_;
  std::string explanation_;
  mutable std::once_flag compiled_;
  mutable std::regex re_;
};

class IntBetweenValidator : public schema::Validator {
 public:
  IntBetweenValidator(int64_t min, int64_t max) : min_(min), max_(max) {}
  std::string Description() const override {
    return absl::StrCat("an integer between ", min_, " and ", max_);
  }
  void Validate(const cty::Value& v, const cty::Path& path, Diagnostics& d) const override {
    if (!v.IsKnown() || v.IsNull() || v.type().kind() != cty::TypeKind::kNumber) return;
    std::optional<int64_t> n = v.AsNumber().ToInt64();
    if (!n || *n < min_ || *n > max_) {
      d.AddError("Invalid value for " + path.ToString(),
                 absl::StrCat(v.AsNumber().ToString(), " is out of range: use ", Description(), "."),
                 path);
    }
  }

 private:
  int64_t min_, max_;
};

class NumberBetweenValidator : public schema::Validator {
 public:
  NumberBetweenValidator(double min, double max) : min_(min), max_(max) {}
  std::string Description() const override { return absl::StrCat("a number between ", min_, " and ", max_); }
  void Validate(const cty::Value& v, const cty::Path& path, Diagnostics& d) const override {
    if (!v.IsKnown() || v.IsNull() || v.type().kind() != cty::TypeKind::kNumber) return;
    const double n = v.AsNumber().ToDouble();  // 1e-300 stays a tiny positive double
    if (!(n >= min_ && n <= max_)) {
      d.AddError("Invalid value for " + path.ToString(),
                 absl::StrCat(v.AsNumber().ToString(), " is out of range: use ", Description(), "."), path);
    }
  }

 private:
  double min_, max_;
};

class LengthValidator : public schema::Validator {
 public:
  LengthValidator(size_t min, size_t max) : min_(min), max_(max) {}
  std::string Description() const override {
    return absl::StrCat("between ", min_, " and ", max_, " characters long");
  }
  void Validate(const cty::Value& v, const cty::Path& path, Diagnostics& d) const override {
    if (!IsKnownString(v)) return;
    size_t n = v.AsString().size();
    if (n < min_ || n > max_) {
      d.AddError("Invalid length for " + path.ToString(),
                 absl::StrCat("The value is ", n, " characters long; it must be ", Description(), "."),
                 path);
    }
  }

 private:
  size_t min_, max_;
};

}  // namespace

ValidatorPtr OneOf(std::vector<std::string> allowed) {
  return std::make_shared<OneOfValidator>(std::move(allowed));
}

ValidatorPtr VersionString(bool allow_post_suffix) {
  std::string suffix = allow_post_suffix ? "([.+-]?[A-Za-z][A-Za-z0-9.]*)?" : "([+-][A-Za-z0-9.]+)?";
  return std::make_shared<RegexValidator>(
      "[0-9]+(\\.[0-9]+){0,3}" + suffix,
      allow_post_suffix ? "a version such as `2.7.4` or `2.7.4.post1`"
                        : "a version made of numbers and dots, such as `12.4` or `550.54.14`");
}

ValidatorPtr MatchesRegex(std::string pattern, std::string explanation) {
  return std::make_shared<RegexValidator>(std::move(pattern), std::move(explanation));
}

ValidatorPtr IntBetween(int64_t min, int64_t max) {
  return std::make_shared<IntBetweenValidator>(min, max);
}

ValidatorPtr NumberBetween(double min, double max) {
  return std::make_shared<NumberBetweenValidator>(min, max);
}

ValidatorPtr LengthBetween(size_t min, size_t max) {
  return std::make_shared<LengthValidator>(min, max);
}

}  // namespace dcs::framework
