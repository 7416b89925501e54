#include "sdk/cty/msgpack_codec.h"

#include <cmath>
#include <cstring>
#include <exception>
#include <msgpack.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dcs::cty {
namespace {

constexpr int8_t kRefinedUnknownExt = 12;

// Refinement map keys (tfplugin / go-cty msgpack ext 12).
constexpr uint64_t kKeyNullness = 1;
constexpr uint64_t kKeyStringPrefix = 2;
constexpr uint64_t kKeyNumberLower = 3;
constexpr uint64_t kKeyNumberUpper = 4;
constexpr uint64_t kKeyLengthMin = 5;
constexpr uint64_t kKeyLengthMax = 6;

// msgpack-cxx packers need a stream with write(); appending to a string
// avoids the extra copy out of an sbuffer.
struct StringStream {
  std::string* out;
  void write(const char* data, size_t size) { out->append(data, size); }
};
// A packer that also exposes its stream, for the one form written by hand.
class Packer : public msgpack::packer<StringStream> {
 public:
  explicit Packer(StringStream& stream) : msgpack::packer<StringStream>(stream), stream_(stream) {}
  StringStream& stream() { return stream_; }

 private:
  StringStream& stream_;
};

// ---------------------------------------------------------------- encoding

void PackString(Packer& pk, std::string_view s) {
  pk.pack_str(static_cast<uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

// msgpack-cxx 4.x's pack_double silently writes integral doubles as ints
// (and is undefined for 2^64), so the float64 form (0xcb + 8 bytes, big
// endian) is written directly; integral doubles only reach here when they do
// not fit int64, where the protocol asks for float64.
void PackFloat64(StringStream& stream, double d) {
  uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof(bits));
  char buf[9];
  buf[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i) buf[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  stream.write(buf, sizeof(buf));
}

// Integer if it fits int64, else float64 if exact, else decimal text: the
// protocol's order, which keeps float64 inputs byte-identical on re-encode.
void PackNumber(Packer& pk, const Number& n) {
  if (std::optional<int64_t> i = n.ToInt64()) {
    // Positive values use the unsigned forms (cc/cd/ce/cf) like Go does.
    if (*i >= 0) {
      pk.pack_uint64(static_cast<uint64_t>(*i));
    } else {
      pk.pack_int64(*i);
    }
  } else if (std::optional<double> d = n.ToExactDouble()) {
    PackFloat64(pk.stream(), *d);
  } else {
    PackString(pk, n.ToString());
  }
}

void PackBound(Packer& pk, const Number& n, bool inclusive) {
  pk.pack_array(2);
  PackNumber(pk, n);
  if (inclusive) {
    pk.pack_true();
  } else {
    pk.pack_false();
  }
}

void PackUnknown(Packer& pk, const Refinements& r) {
  uint32_t entries = (r.not_null ? 1 : 0) + (r.string_prefix ? 1 : 0) + (r.number_lower ? 1 : 0) +
                     (r.number_upper ? 1 : 0) + (r.length_min ? 1 : 0) + (r.length_max ? 1 : 0);
  if (entries == 0) {
    pk.pack_ext(1, 0);
    pk.pack_ext_body("\0", 1);
    return;
  }
  std::string payload;
  StringStream stream{&payload};
  Packer inner(stream);
  inner.pack_map(entries);
  if (r.not_null) {
    inner.pack_uint64(kKeyNullness);
    inner.pack_false();
  }
  if (r.string_prefix) {
    inner.pack_uint64(kKeyStringPrefix);
    PackString(inner, *r.string_prefix);
  }
  if (r.number_lower) {
    inner.pack_uint64(kKeyNumberLower);
    PackBound(inner, *r.number_lower, r.number_lower_inclusive);
  }
  if (r.number_upper) {
    inner.pack_uint64(kKeyNumberUpper);
    PackBound(inner, *r.number_upper, r.number_upper_inclusive);
  }
  if (r.length_min) {
    inner.pack_uint64(kKeyLengthMin);
    inner.pack_int64(*r.length_min);
  }
  if (r.length_max) {
    inner.pack_uint64(kKeyLengthMax);
    inner.pack_int64(*r.length_max);
  }
  pk.pack_ext(payload.size(), kRefinedUnknownExt);
  pk.pack_ext_body(payload.data(), static_cast<uint32_t>(payload.size()));
}

void Pack(Packer& pk, const Value& value, const Type& type);

// Lists, sets, tuples, maps and objects. REQUIRES: known, non-null value.
void PackContainer(Packer& pk, const Value& value, const Type& type) {
  switch (type.kind()) {
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: {
      const bool tuple = type.kind() == TypeKind::kTuple;
      pk.pack_array(static_cast<uint32_t>(value.Elements().size()));
      for (size_t i = 0; i < value.Elements().size(); ++i) {
        Pack(pk, value.Elements()[i], tuple ? type.tuple_elements()[i] : type.element_type());
      }
      return;
    }
    case TypeKind::kMap:
      pk.pack_map(static_cast<uint32_t>(value.Attributes().size()));
      for (const auto& [key, v] : value.Attributes()) {
        PackString(pk, key);
        Pack(pk, v, type.element_type());
      }
      return;
    default:
      // Objects: exactly the type's attributes; std::map iteration gives the
      // sorted key order Terraform writes.
      pk.pack_map(static_cast<uint32_t>(type.attribute_types().size()));
      for (const auto& [name, attr_type] : type.attribute_types()) {
        PackString(pk, name);
        Pack(pk, value.GetAttr(name), attr_type);
      }
      return;
  }
}

// REQUIRES: Conform(value, type) succeeded.
void Pack(Packer& pk, const Value& value, const Type& type) {
  if (type.IsDynamic() && !value.type().IsDynamic()) {
    std::string type_json = value.type().ToJsonString();
    pk.pack_array(2);
    pk.pack_bin(static_cast<uint32_t>(type_json.size()));
    pk.pack_bin_body(type_json.data(), static_cast<uint32_t>(type_json.size()));
    Pack(pk, value, value.type());
    return;
  }
  if (!value.IsKnown()) return PackUnknown(pk, value.refinements());
  // A null, or a dynamic-typed value (always null/unknown, so only null here).
  if (value.IsNull() || type.IsDynamic()) {
    pk.pack_nil();
    return;
  }
  switch (type.kind()) {
    case TypeKind::kString: return PackString(pk, value.AsString());
    case TypeKind::kNumber: return PackNumber(pk, value.AsNumber());
    case TypeKind::kBool:
      if (value.AsBool()) {
        pk.pack_true();
      } else {
        pk.pack_false();
      }
      return;
    default:
      return PackContainer(pk, value, type);
  }
}

}  // namespace

absl::StatusOr<std::string> EncodeMsgpack(const Value& value, const Type& type) {
  absl::Status conform = Conform(value, type);
  if (!conform.ok()) return conform;
  std::string out;
  try {
    StringStream stream{&out};
    Packer pk(stream);
    Pack(pk, value, type);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("msgpack encoding failed: ", e.what()));
  }
  return out;
}

}  // namespace dcs::cty
