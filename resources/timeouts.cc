#include "resources/timeouts.h"

#include <cctype>
#include <memory>

#include "absl/strings/str_cat.h"
#include "sdk/framework/walk.h"

namespace dcs::resources {
namespace {

// Validates the duration syntax at plan time, on the attribute.
class DurationValidator : public schema::Validator {
 public:
  std::string Description() const override {
    return "a duration such as `30s`, `20m`, `1h30m` (units h, m, s)";
  }
  void Validate(const cty::Value& value, const cty::Path& path, framework::Diagnostics& d) const override {
    if (!ParseDuration(value.AsString())) {
      d.AddError("Invalid duration", absl::StrCat("\"", value.AsString(),
                                                  "\" is not a duration. Write it like `30s`, `20m` or `1h30m`."),
                 path);
    }
  }
};

std::string Human(std::chrono::seconds s) {
  if (s.count() % 3600 == 0) return absl::StrCat(s.count() / 3600, "h");
  if (s.count() % 60 == 0) return absl::StrCat(s.count() / 60, "m");
  return absl::StrCat(s.count(), "s");
}

std::chrono::seconds DefaultFor(std::string_view op, const TimeoutDefaults& d) {
  if (op == "create") return d.create;
  if (op == "update") return d.update;
  return d.delete_;
}

}  // namespace

schema::NestedBlock TimeoutsBlock(const TimeoutDefaults& defaults, std::vector<std::string> operations) {
  std::vector<schema::Attribute> attrs;
  auto validator = std::make_shared<DurationValidator>();
  for (const auto& op : operations) {
    attrs.push_back(schema::Attribute{
        .name = op,
        .type = cty::Type::String(),
        .description = absl::StrCat("How long ", op, " may take (default `", Human(DefaultFor(op, defaults)),
                                    "`), e.g. `45m`."),
        .validators = {validator}});
  }
  return schema::NestedBlock{
      .name = "timeouts",
      .nesting = schema::Nesting::kSingle,
      .block = schema::MakeBlock(std::move(attrs), {}, "Limits for long-running operations."),
  };
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i == text.size()) return std::nullopt;
    int64_t n = 0;
    for (size_t k = start; k < i; ++k) {
      n = n * 10 + (text[k] - '0');
      if (n > 10'000'000) return std::nullopt;
    }
    switch (text[i]) {
      case 'h': total += n * 3600; break;
      case 'm': total += n * 60; break;
      case 's': total += n; break;
      default: return std::nullopt;
    }
    ++i;
    any = true;
  }
  if (!any || total <= 0) return std::nullopt;
  return std::chrono::seconds(total);
}

std::chrono::seconds TimeoutFor(const cty::Value& object, std::string_view operation,
                                const TimeoutDefaults& defaults) {
  cty::Value block = framework::AttrOrNull(object, "timeouts", cty::Type::Dynamic());
  if (block.IsKnown() && !block.IsNull() && block.type().IsObject()) {
    const cty::Value& v = block.GetAttr(std::string(operation));
    if (v.IsKnown() && !v.IsNull()) {
      if (auto d = ParseDuration(v.AsString())) return *d;
    }
  }
  return DefaultFor(operation, defaults);
}

}  // namespace dcs::resources
