#include "resources/timeouts.h"

#include <cctype>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "resources/values.h"

namespace dcs::resources {
namespace {

class DurationValidator : public schema::Validator {
 public:
  std::string Description() const override {
    return "a duration such as `30m`, `1h30m` or `90s` (units `ms`, `s`, `m`, `h`)";
  }
  void Validate(const cty::Value& value, const cty::Path& path, schema::Diagnostics& d) const override {
    auto parsed = ParseDuration(value.AsString());
    if (!parsed.ok()) d.AddError("Invalid duration", std::string(parsed.status().message()), path);
  }
};

}  // namespace

absl::StatusOr<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a duration (", why, "); write e.g. \"30m\", \"1h30m\" or \"90s\""));
  };
  if (text.empty()) return bad("empty");
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return bad(absl::StrCat("expected a number at position ", start + 1));
    const double number = std::strtod(text.substr(start, i - start).c_str(), nullptr);
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string unit = text.substr(unit_start, i - unit_start);
    double factor = 0;
    if (unit == "ms") factor = 1;
    else if (unit == "s") factor = 1000;
    else if (unit == "m") factor = 60'000;
    else if (unit == "h") factor = 3'600'000;
    else return bad(unit.empty() ? "missing unit" : absl::StrCat("unknown unit \"", unit, "\""));
    total_ms += number * factor;
  }
  if (total_ms < 1) return bad("must be positive");
  return std::chrono::milliseconds(static_cast<int64_t>(total_ms));
}

framework::ValidatorPtr DurationString() { return std::make_shared<DurationValidator>(); }

schema::NestedBlock TimeoutsBlock(const std::map<std::string, std::string>& defaults) {
  std::vector<schema::Attribute> attributes;
  for (const auto& [operation, fallback] : defaults) {
    attributes.push_back(schema::Attribute{
        .name = operation,
        .type = cty::Type::String(),
        .description = absl::StrCat("How long ", operation, " may take, e.g. `45m` (default `", fallback, "`)."),
        .validators = {DurationString()}});
  }
  return schema::NestedBlock{.name = "timeouts",
                             .nesting = schema::Nesting::kSingle,
                             .block = schema::MakeBlock(std::move(attributes), {}, "Operation timeouts.")};
}

std::chrono::milliseconds TimeoutOf(const cty::Value& object, const std::string& operation,
                                    std::chrono::milliseconds fallback) {
  auto block = GetKnown(object, "timeouts");
  if (!block) return fallback;
  auto text = GetString(*block, operation);
  if (!text) return fallback;
  auto parsed = ParseDuration(*text);
  return parsed.ok() ? *parsed : fallback;
}

}  // namespace dcs::resources
