#include "resources/values.h"

#include <cctype>

namespace dcs::resources {

std::optional<cty::Value> GetKnown(const cty::Value& object, const std::string& name) {
  if (!object.IsKnown() || object.IsNull() || !object.type().IsObject()) return std::nullopt;
  const cty::Value& v = object.GetAttr(name);
  if (!v.IsKnown() || v.IsNull()) return std::nullopt;
  return v;
}

std::optional<std::string> GetString(const cty::Value& object, const std::string& name) {
  auto v = GetKnown(object, name);
  if (!v || v->type().kind() != cty::TypeKind::kString) return std::nullopt;
  return v->AsString();
}

std::optional<int64_t> GetInt(const cty::Value& object, const std::string& name) {
  auto v = GetKnown(object, name);
  if (!v || v->type().kind() != cty::TypeKind::kNumber) return std::nullopt;
  return v->AsNumber().ToInt64();
}

std::optional<bool> GetBool(const cty::Value& object, const std::string& name) {
  auto v = GetKnown(object, name);
  if (!v || v->type().kind() != cty::TypeKind::kBool) return std::nullopt;
  return v->AsBool();
}

cty::Value OptionalString(const std::optional<std::string>& s) {
  return s ? cty::Value::String(*s) : cty::Value::Null(cty::Type::String());
}

cty::Path ParsePath(const std::string& text) {
  cty::Path path;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '.') {
      ++i;
    } else if (text[i] == '[') {
      size_t end = text.find(']', i);
      if (end == std::string::npos) break;
      std::string inner = text.substr(i + 1, end - i - 1);
      if (!inner.empty() && inner.front() == '"' && inner.back() == '"' && inner.size() >= 2) {
        path = path.Key(inner.substr(1, inner.size() - 2));
      } else if (!inner.empty() && std::isdigit(static_cast<unsigned char>(inner[0]))) {
        path = path.Index(std::stoll(inner));
      }
      i = end + 1;
    } else {
      size_t end = text.find_first_of(".[", i);
      if (end == std::string::npos) end = text.size();
      path = path.Attr(text.substr(i, end - i));
      i = end;
    }
  }
  return path;
}

}  // namespace dcs::resources
