// DecodeMsgpack: msgpack-cxx parses the bytes into an object tree under size
// limits; this file maps that tree onto a cty::Value of the expected type.
#include <cmath>
#include <exception>
#include <msgpack.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sdk/cty/msgpack_codec.h"

namespace dcs::cty {
namespace {

constexpr int kMaxDepth = 256;
constexpr int8_t kRefinedUnknownExt = 12;
constexpr size_t kMaxRefinementPayload = 1024;

absl::Status Error(const PathFrame& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path.ErrorPrefix(), what));
}

// Strings and bins point into the caller's buffer instead of being copied;
// the buffer outlives the object tree.
bool ReferenceBuffer(msgpack::type::object_type, std::size_t, void*) { return true; }

// Parses exactly one msgpack object spanning all of `bytes`. Declared
// lengths are capped by the input size: every array element takes at least
// one byte and every map entry two, so nothing larger can be genuine, and
// msgpack-cxx allocates arrays/maps up front from the declared count.
absl::StatusOr<msgpack::object_handle> Unpack(std::string_view bytes, const PathFrame& path) {
  size_t n = bytes.size();
  msgpack::unpack_limit limit(n, n / 2, n, n, n, kMaxDepth + 2);
  try {
    size_t offset = 0;
    msgpack::object_handle handle =
        msgpack::unpack(bytes.data(), n, offset, ReferenceBuffer, nullptr, limit);
    if (offset != n) return Error(path, "trailing bytes after msgpack value");
    return handle;
  } catch (const msgpack::depth_size_overflow&) {
    return Error(path, absl::StrCat("msgpack nested deeper than ", kMaxDepth, " levels"));
  } catch (const std::exception& e) {
    return Error(path, absl::StrCat("malformed msgpack: ", e.what()));
  }
}

std::string_view StrOf(const msgpack::object& o) {
  return o.type == msgpack::type::STR ? std::string_view(o.via.str.ptr, o.via.str.size)
                                      : std::string_view(o.via.bin.ptr, o.via.bin.size);
}

absl::StatusOr<Number> DecodeNumber(const msgpack::object& o, const PathFrame& path) {
  switch (o.type) {
    case msgpack::type::POSITIVE_INTEGER: return Number::FromUint64(o.via.u64);
    case msgpack::type::NEGATIVE_INTEGER: return Number::FromInt64(o.via.i64);
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      if (!std::isfinite(o.via.f64)) return Error(path, "infinite or NaN numbers are not supported");
      return Number::FromDouble(o.via.f64);
    case msgpack::type::STR: {
      absl::StatusOr<Number> n = Number::Parse(StrOf(o));
      if (!n.ok()) return Error(path, n.status().message());
      return n;
    }
    default:
      return Error(path, "expected number");
  }
}

absl::StatusOr<int64_t> DecodeInt(const msgpack::object& o, const PathFrame& path) {
  if (o.type == msgpack::type::NEGATIVE_INTEGER) return o.via.i64;
  if (o.type == msgpack::type::POSITIVE_INTEGER && o.via.u64 <= INT64_MAX) {
    return static_cast<int64_t>(o.via.u64);
  }
  return Error(path, "refinement length must be an integer");
}

absl::Status DecodeBound(const msgpack::object& o, const PathFrame& path, std::optional<Number>& bound,
                         bool& inclusive) {
  if (o.type != msgpack::type::ARRAY || o.via.array.size != 2 ||
      o.via.array.ptr[1].type != msgpack::type::BOOLEAN) {
    return Error(path, "number bound refinement must be [number, bool]");
  }
  const msgpack::object& number = o.via.array.ptr[0];
  // Terraform omits infinite bounds; tolerate them by leaving the bound open.
  bool is_float = number.type == msgpack::type::FLOAT32 || number.type == msgpack::type::FLOAT64;
  if (is_float && std::isinf(number.via.f64)) return absl::OkStatus();
  absl::StatusOr<Number> n = DecodeNumber(number, path);
  if (!n.ok()) return n.status();
  bound = *std::move(n);
  inclusive = o.via.array.ptr[1].via.boolean;
  return absl::OkStatus();
}

absl::Status DecodeRefinement(uint64_t key, const msgpack::object& v, const PathFrame& path, Refinements& r) {
  switch (key) {
    case 1:
      if (v.type != msgpack::type::BOOLEAN) return Error(path, "nullness refinement must be a bool");
      r.not_null = !v.via.boolean;
      return absl::OkStatus();
    case 2:
      if (v.type != msgpack::type::STR) return Error(path, "string prefix refinement must be a string");
      r.string_prefix = std::string(StrOf(v));
      return absl::OkStatus();
    case 3: return DecodeBound(v, path, r.number_lower, r.number_lower_inclusive);
    case 4: return DecodeBound(v, path, r.number_upper, r.number_upper_inclusive);
    case 5:
    case 6: {
      absl::StatusOr<int64_t> n = DecodeInt(v, path);
      if (!n.ok()) return n.status();
      (key == 5 ? r.length_min : r.length_max) = *n;
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();  // newer refinement kinds are ignorable by design
  }
}

absl::StatusOr<Value> DecodeUnknown(const msgpack::object& o, const Type& type, const PathFrame& path) {
  const msgpack::object_ext& ext = o.via.ext;
  size_t payload_size = ext.size;  // msgpack-cxx excludes the type byte
  // Only code 12 carries meaning; other codes are plain unknowns.
  if (payload_size <= 1 || ext.type() != kRefinedUnknownExt) return Value::Unknown(type);
  if (payload_size > kMaxRefinementPayload) return Error(path, "refinement payload too large");
  absl::StatusOr<msgpack::object_handle> payload = Unpack(std::string_view(ext.data(), payload_size), path);
  if (!payload.ok()) return payload.status();
  const msgpack::object& map = payload->get();
  if (map.type != msgpack::type::MAP) return Error(path, "refinements must be a map");
  Refinements r;
  for (uint32_t i = 0; i < map.via.map.size; ++i) {
    const msgpack::object_kv& kv = map.via.map.ptr[i];
    if (kv.key.type != msgpack::type::POSITIVE_INTEGER) continue;
    absl::Status s = DecodeRefinement(kv.key.via.u64, kv.val, path, r);
    if (!s.ok()) return s;
  }
  return Value::Unknown(type, std::move(r));
}

absl::StatusOr<Value> Decode(const msgpack::object& o, const Type& type, const PathFrame& path, int depth);

absl::StatusOr<Value> DecodeDynamic(const msgpack::object& o, const PathFrame& path, int depth) {
  if (o.type != msgpack::type::ARRAY || o.via.array.size != 2) {
    return Error(path, "expected [type, value] for a dynamic value");
  }
  const msgpack::object& type_json = o.via.array.ptr[0];
  if (type_json.type != msgpack::type::STR && type_json.type != msgpack::type::BIN) {
    return Error(path, "dynamic value type must be str or bin");
  }
  absl::StatusOr<Type> type = Type::FromJsonString(StrOf(type_json));
  if (!type.ok()) return Error(path, type.status().message());
  return Decode(o.via.array.ptr[1], *type, path, depth + 1);
}

absl::StatusOr<std::vector<Value>> DecodeElements(const msgpack::object& o, const Type& type,
                                                  const PathFrame& path, int depth) {
  if (o.type != msgpack::type::ARRAY) return Error(path, absl::StrCat("expected ", type.FriendlyName()));
  const bool tuple = type.kind() == TypeKind::kTuple;
  if (tuple && o.via.array.size != type.tuple_elements().size()) {
    return Error(path, absl::StrCat("expected a tuple of ", type.tuple_elements().size(), " elements"));
  }
  std::vector<Value> elements;
  elements.reserve(o.via.array.size);
  for (uint32_t i = 0; i < o.via.array.size; ++i) {
    const Type& element_type = tuple ? type.tuple_elements()[i] : type.element_type();
    absl::StatusOr<Value> e = Decode(o.via.array.ptr[i], element_type, path.Index(i), depth + 1);
    if (!e.ok()) return e.status();
    elements.push_back(*std::move(e));
  }
  return elements;
}

absl::StatusOr<std::map<std::string, Value>> DecodeEntries(const msgpack::object& o, const Type& type,
                                                           const PathFrame& path, int depth) {
  if (o.type != msgpack::type::MAP) return Error(path, absl::StrCat("expected ", type.FriendlyName()));
  const bool object = type.IsObject();
  std::map<std::string, Value> entries;
  for (uint32_t i = 0; i < o.via.map.size; ++i) {
    const msgpack::object_kv& kv = o.via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) return Error(path, "map keys must be strings");
    std::string key(StrOf(kv.key));
    const Type* value_type = object ? type.attribute_type(key) : &type.element_type();
    if (value_type == nullptr) return Error(path, absl::StrCat("unsupported attribute \"", key, "\""));
    if (entries.count(key)) return Error(path, absl::StrCat("duplicate key \"", key, "\""));
    PathFrame child = object ? path.Attr(key) : path.Key(key);
    absl::StatusOr<Value> v = Decode(kv.val, *value_type, child, depth + 1);
    if (!v.ok()) return v.status();
    entries.emplace(std::move(key), *std::move(v));
  }
  if (object) {
    for (const auto& [name, attr_type] : type.attribute_types()) {
      if (!entries.count(name)) return Error(path, absl::StrCat("missing attribute \"", name, "\""));
    }
  }
  return entries;
}

absl::StatusOr<Value> Decode(const msgpack::object& o, const Type& type, const PathFrame& path, int depth) {
  if (depth > kMaxDepth) return Error(path, absl::StrCat("nested deeper than ", kMaxDepth, " levels"));
  if (o.type == msgpack::type::EXT) return DecodeUnknown(o, type, path);
  if (o.type == msgpack::type::NIL) return Value::Null(type);
  switch (type.kind()) {
    case TypeKind::kDynamic: return DecodeDynamic(o, path, depth);
    case TypeKind::kString:
      if (o.type != msgpack::type::STR) return Error(path, "expected string");
      return Value::String(std::string(StrOf(o)));
    case TypeKind::kNumber: {
      absl::StatusOr<Number> n = DecodeNumber(o, path);
      if (!n.ok()) return n.status();
      return Value::NumberVal(*std::move(n));
    }
    case TypeKind::kBool:
      if (o.type != msgpack::type::BOOLEAN) return Error(path, "expected bool");
      return Value::Bool(o.via.boolean);
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: {
      absl::StatusOr<std::vector<Value>> elements = DecodeElements(o, type, path, depth);
      if (!elements.ok()) return elements.status();
      if (type.kind() == TypeKind::kList) return Value::List(type.element_type(), *std::move(elements));
      if (type.kind() == TypeKind::kSet) return Value::Set(type.element_type(), *std::move(elements));
      return Value::Tuple(*std::move(elements));
    }
    case TypeKind::kMap:
    case TypeKind::kObject: {
      absl::StatusOr<std::map<std::string, Value>> entries = DecodeEntries(o, type, path, depth);
      if (!entries.ok()) return entries.status();
      if (type.IsObject()) return Value::Object(type, *std::move(entries));
      return Value::Map(type.element_type(), *std::move(entries));
    }
  }
  return Error(path, "unsupported type");
}

}  // namespace

absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type) {
  absl::StatusOr<msgpack::object_handle> handle = Unpack(bytes, PathFrame());
  if (!handle.ok()) return handle.status();
  try {
    return Decode(handle->get(), type, PathFrame(), 0);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("msgpack decoding failed: ", e.what()));
  }
}

}  // namespace dcs::cty
