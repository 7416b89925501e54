#include "sdk/cty/json_codec.h"

#include <exception>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "sdk/cty/utf8.h"

namespace dcs::cty {
namespace {

// JSON nesting deeper than this is rejected (the parser below is recursive).
constexpr int kMaxJsonDepth = 512;

// ------------------------------------------------------------------ parsing
//
// A small JSON reader of our own: nlohmann's parser converts every number
// through double and rejects values beyond float64 range, while Terraform
// numbers are arbitrary-precision decimals. Numbers keep their source text.

// Object members are a named struct, not std::pair<std::string, JNode>: a pair
// needs a complete JNode where it is named (clang with libstdc++ 12 refuses it),
// while std::vector accepts an incomplete element type.
struct JMember;

struct JNode {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // string contents or number source text
  std::vector<JNode> items;
  std::vector<JMember> members;
};

struct JMember {
  std::string key;
  JNode value;
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  absl::StatusOr<JNode> ReadDocument() {
    JNode node;
    absl::Status s = ReadValue(node, 0);
    if (!s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Fail("unexpected trailing characters");
    return node;
  }

 private:
  absl::Status Fail(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON at offset ", pos_, ": ", std::string(what)));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
  }
  bool Consume(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  absl::Status ReadValue(JNode& node, int depth) {
    if (depth > kMaxJsonDepth) return Fail("nested too deeply");
    SkipSpace();
    if (pos_ >= text_.size()) return Fail("unexpected end of input");
    char c = text_[pos_];
    if (c == '{') return ReadObject(node, depth);
    if (c == '[') return ReadArray(node, depth);
    if (c == '"') {
      node.kind = JNode::Kind::kString;
      return ReadString(node.text);
    }
    if (Consume("null")) return absl::OkStatus();
    if (Consume("true") || Consume("false")) {
      node.kind = JNode::Kind::kBool;
      node.boolean = c == 't';
      return absl::OkStatus();
    }
    return ReadNumber(node);
  }

  absl::Status ReadNumber(JNode& node) {
    size_t start = pos_;
    auto digits = [&]() {
      size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - from;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    size_t int_start = pos_;
    size_t int_digits = digits();
    if (int_digits == 0 || (int_digits > 1 && text_[int_start] == '0')) return Fail("invalid number");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return Fail("invalid number");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return Fail("invalid number");
    }
    node.kind = JNode::Kind::kNumber;
    node.text = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::StatusOr<uint32_t> ReadHex4() {
    if (pos_ + 4 > text_.size()) return Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= h - '0';
      else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
      else return Fail("invalid \\u escape");
    }
    return v;
  }

  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  absl::Status ReadUnicodeEscape(std::string& out) {
    absl::StatusOr<uint32_t> cp = ReadHex4();
    if (!cp.ok()) return cp.status();
    if (*cp >= 0xD800 && *cp <= 0xDBFF) {
      if (!Consume("\\u")) return Fail("unpaired surrogate");
      absl::StatusOr<uint32_t> low = ReadHex4();
      if (!low.ok()) return low.status();
      if (*low < 0xDC00 || *low > 0xDFFF) return Fail("unpaired surrogate");
      *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
    } else if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
      return Fail("unpaired surrogate");
    }
    AppendUtf8(out, *cp);
    return absl::OkStatus();
  }

  absl::Status ReadString(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in string");
      if (static_cast<unsigned char>(c) >= 0x80) {
        // Terraform strings are Unicode: raw bytes must be well-formed UTF-8
        // (the msgpack path and the type JSON could not carry them otherwise).
        size_t n = Utf8SequenceLength(text_, pos_ - 1);
        if (n == 0) {
          --pos_;
          return Fail("string is not valid UTF-8");
        }
        out.append(text_.substr(pos_ - 1, n));
        pos_ += n - 1;
        continue;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          absl::Status s = ReadUnicodeEscape(out);
          if (!s.ok()) return s;
          break;
        }
        default: return Fail("invalid escape");
      }
    }
    return Fail("unterminated string");
  }

  absl::Status ReadArray(JNode& node, int depth) {
    node.kind = JNode::Kind::kArray;
    ++pos_;
    SkipSpace();
    if (Consume("]")) return absl::OkStatus();
    while (true) {
      node.items.emplace_back();
      absl::Status s = ReadValue(node.items.back(), depth + 1);
      if (!s.ok()) return s;
      SkipSpace();
      if (Consume("]")) return absl::OkStatus();
      if (!Consume(",")) return Fail("expected ',' or ']'");
    }
  }

  absl::Status ReadObject(JNode& node, int depth) {
    node.kind = JNode::Kind::kObject;
    ++pos_;
    SkipSpace();
    if (Consume("}")) return absl::OkStatus();
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Fail("expected object key");
      std::string key;
      absl::Status s = ReadString(key);
      if (!s.ok()) return s;
      SkipSpace();
      if (!Consume(":")) return Fail("expected ':'");
      node.members.push_back(JMember{std::move(key), JNode()});
      s = ReadValue(node.members.back().value, depth + 1);
      if (!s.ok()) return s;
      SkipSpace();
      if (Consume("}")) return absl::OkStatus();
      if (!Consume(",")) return Fail("expected ',' or '}'");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// ----------------------------------------------------------------- decoding

absl::Status Error(const PathFrame& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path.ErrorPrefix(), what));
}

// Type JSON has no numbers, so strings/arrays/objects are all we convert.
absl::StatusOr<nlohmann::json> ToNlohmann(const JNode& node) {
  switch (node.kind) {
    case JNode::Kind::kString: return nlohmann::json(node.text);
    case JNode::Kind::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const JNode& item : node.items) {
        absl::StatusOr<nlohmann::json> j = ToNlohmann(item);
        if (!j.ok()) return j.status();
        out.push_back(*std::move(j));
      }
      return out;
    }
    case JNode::Kind::kObject: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, member] : node.members) {
        absl::StatusOr<nlohmann::json> j = ToNlohmann(member);
        if (!j.ok()) return j.status();
        out[key] = *std::move(j);
      }
      return out;
    }
    default:
      return absl::InvalidArgumentError("invalid type JSON");
  }
}

class Decoder {
 public:
  explicit Decoder(bool ignore_unknown_attributes) : ignore_unknown_(ignore_unknown_attributes) {}

  absl::StatusOr<Value> Decode(const JNode& node, const Type& type, const PathFrame& path) {
    if (node.kind == JNode::Kind::kNull) return Value::Null(type);
    switch (type.kind()) {
      case TypeKind::kDynamic: return DecodeDynamic(node, path);
      case TypeKind::kString: return DecodeString(node, path);
      case TypeKind::kNumber: return DecodeNumber(node, path);
      case TypeKind::kBool: return DecodeBool(node, path);
      case TypeKind::kList:
      case TypeKind::kSet:
      case TypeKind::kTuple: return DecodeSequence(node, type, path);
      case TypeKind::kMap: return DecodeMap(node, type, path);
      case TypeKind::kObject: return DecodeObject(node, type, path);
    }
    return Error(path, "unsupported type");
  }

 private:
  absl::StatusOr<Value> DecodeDynamic(const JNode& node, const PathFrame& path) {
    const JNode* type_node = nullptr;
    const JNode* value_node = nullptr;
    if (node.kind == JNode::Kind::kObject) {
      for (const auto& [key, member] : node.members) {
        if (key == "type") type_node = &member;
        else if (key == "value") value_node = &member;
        else return Error(path, absl::StrCat("unexpected key \"", key, "\" in dynamic value"));
      }
    }
    if (type_node == nullptr) return Error(path, "dynamic value needs {\"value\":…,\"type\":…}");
    absl::StatusOr<nlohmann::json> type_json = ToNlohmann(*type_node);
    if (!type_json.ok()) return Error(path, type_json.status().message());
    absl::StatusOr<Type> type = Type::FromJson(*type_json);
    if (!type.ok()) return Error(path, type.status().message());
    if (value_node == nullptr) return Value::Null(*type);
    return Decode(*value_node, *type, path);
  }

  static absl::StatusOr<Value> DecodeString(const JNode& node, const PathFrame& path) {
    switch (node.kind) {
      case JNode::Kind::kString:
      case JNode::Kind::kNumber: return Value::String(node.text);
      case JNode::Kind::kBool: return Value::String(node.boolean ? "true" : "false");
      default: return Error(path, "expected string");
    }
  }

  static absl::StatusOr<Value> DecodeNumber(const JNode& node, const PathFrame& path) {
    if (node.kind != JNode::Kind::kNumber && node.kind != JNode::Kind::kString) {
      return Error(path, "expected number");
    }
    absl::StatusOr<Number> n = Number::Parse(node.text);
    if (!n.ok()) return Error(path, n.status().message());
    return Value::NumberVal(*std::move(n));
  }

  static absl::StatusOr<Value> DecodeBool(const JNode& node, const PathFrame& path) {
    if (node.kind == JNode::Kind::kBool) return Value::Bool(node.boolean);
    if (node.kind == JNode::Kind::kString && (node.text == "true" || node.text == "false")) {
      return Value::Bool(node.text == "true");
    }
    return Error(path, "expected bool");
  }

  absl::StatusOr<Value> DecodeSequence(const JNode& node, const Type& type, const PathFrame& path) {
    if (node.kind != JNode::Kind::kArray) return Error(path, absl::StrCat("expected ", type.FriendlyName()));
    const bool tuple = type.kind() == TypeKind::kTuple;
    if (tuple && node.items.size() != type.tuple_elements().size()) {
      return Error(path, absl::StrCat("expected a tuple of ", type.tuple_elements().size(), " elements"));
    }
    std::vector<Value> elements;
    elements.reserve(node.items.size());
    for (size_t i = 0; i < node.items.size(); ++i) {
      const Type& element_type = tuple ? type.tuple_elements()[i] : type.element_type();
      absl::StatusOr<Value> e = Decode(node.items[i], element_type, path.Index(static_cast<int64_t>(i)));
      if (!e.ok()) return e.status();
      elements.push_back(*std::move(e));
    }
    if (tuple) return Value::Tuple(std::move(elements));
    if (type.kind() == TypeKind::kSet) return Value::Set(type.element_type(), std::move(elements));
    return Value::List(type.element_type(), std::move(elements));
  }

  absl::StatusOr<Value> DecodeMap(const JNode& node, const Type& type, const PathFrame& path) {
    if (node.kind != JNode::Kind::kObject) return Error(path, absl::StrCat("expected ", type.FriendlyName()));
    std::map<std::string, Value> elements;
    for (const auto& [key, member] : node.members) {
      absl::StatusOr<Value> v = Decode(member, type.element_type(), path.Key(key));
      if (!v.ok()) return v.status();
      if (!elements.emplace(key, *std::move(v)).second) {
        return Error(path, absl::StrCat("duplicate key \"", key, "\""));
      }
    }
    return Value::Map(type.element_type(), std::move(elements));
  }

  absl::StatusOr<Value> DecodeObject(const JNode& node, const Type& type, const PathFrame& path) {
    if (node.kind != JNode::Kind::kObject) return Error(path, "expected object");
    std::map<std::string, Value> attributes;
    for (const auto& [key, member] : node.members) {
      const Type* attr_type = type.attribute_type(key);
      if (attr_type == nullptr) {
        if (ignore_unknown_) continue;
        return Error(path, absl::StrCat("unsupported attribute \"", key, "\""));
      }
      absl::StatusOr<Value> v = Decode(member, *attr_type, path.Attr(key));
      if (!v.ok()) return v.status();
      if (!attributes.emplace(key, *std::move(v)).second) {
        return Error(path, absl::StrCat("duplicate attribute \"", key, "\""));
      }
    }
    // Missing attributes become typed nulls, as go-cty does.
    return Value::Object(type, std::move(attributes));
  }

  bool ignore_unknown_;
};

// ----------------------------------------------------------------- encoding

absl::Status AppendQuoted(std::string& out, const std::string& s, const PathFrame& path) {
  try {
    out += nlohmann::json(s).dump();
  } catch (const std::exception&) {
    return Error(path, "string is not valid UTF-8");
  }
  return absl::OkStatus();
}

absl::Status Append(std::string& out, const Value& value, const Type& type, const PathFrame& path);

absl::Status AppendSequence(std::string& out, const Value& value, const Type& type, const PathFrame& path) {
  out += '[';
  const auto& elements = value.Elements();
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    const Type& t = type.kind() == TypeKind::kTuple ? type.tuple_elements()[i] : type.element_type();
    absl::Status s = Append(out, elements[i], t, path.Index(static_cast<int64_t>(i)));
    if (!s.ok()) return s;
  }
  out += ']';
  return absl::OkStatus();
}

absl::Status AppendEntries(std::string& out, const Value& value, const Type& type, const PathFrame& path) {
  const bool object = type.IsObject();
  out += '{';
  bool first = true;
  for (const auto& [key, v] : value.Attributes()) {
    if (!first) out += ',';
    first = false;
    PathFrame child = object ? path.Attr(key) : path.Key(key);
    absl::Status s = AppendQuoted(out, key, child);
    if (!s.ok()) return s;
    out += ':';
    s = Append(out, v, object ? *type.attribute_type(key) : type.element_type(), child);
    if (!s.ok()) return s;
  }
  out += '}';
  return absl::OkStatus();
}

// REQUIRES: Conform(value, type) succeeded.
absl::Status Append(std::string& out, const Value& value, const Type& type, const PathFrame& path) {
  if (type.IsDynamic() && !value.type().IsDynamic()) {
    out += "{\"value\":";
    absl::Status s = Append(out, value, value.type(), path);
    if (!s.ok()) return s;
    absl::StrAppend(&out, ",\"type\":", value.type().ToJsonString(), "}");
    return absl::OkStatus();
  }
  if (!value.IsKnown()) return Error(path, "value is not known; JSON cannot represent unknowns");
  // A null, or a dynamic-typed value (always null/unknown, so only null here).
  if (value.IsNull() || type.IsDynamic()) {
    out += "null";
    return absl::OkStatus();
  }
  switch (type.kind()) {
    case TypeKind::kString: return AppendQuoted(out, value.AsString(), path);
    case TypeKind::kNumber: out += value.AsNumber().ToString(); return absl::OkStatus();
    case TypeKind::kBool: out += value.AsBool() ? "true" : "false"; return absl::OkStatus();
    case TypeKind::kMap:
    case TypeKind::kObject: return AppendEntries(out, value, type, path);
    default: return AppendSequence(out, value, type, path);
  }
}

}  // namespace

absl::StatusOr<std::string> EncodeJson(const Value& value, const Type& type) {
  absl::Status conform = Conform(value, type);
  if (!conform.ok()) return conform;
  std::string out;
  absl::Status s = Append(out, value, type, PathFrame());
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<Value> DecodeJson(std::string_view text, const Type& type, bool ignore_unknown_attributes) {
  try {
    absl::StatusOr<JNode> root = JsonReader(text).ReadDocument();
    if (!root.ok()) return root.status();
    return Decoder(ignore_unknown_attributes).Decode(*root, type, PathFrame());
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("JSON decoding failed: ", e.what()));
  }
}

}  // namespace dcs::cty
