#include "sdk/framework/schema.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace dcs::schema {
namespace {

cty::Type CollectionOf(Nesting nesting, const cty::Type& object) {
  switch (nesting) {
    case Nesting::kSingle:
    case Nesting::kGroup:
      return object;
    case Nesting::kList:
      return cty::Type::List(object);
    case Nesting::kSet:
      return cty::Type::Set(object);
    case Nesting::kMap:
      return cty::Type::Map(object);
  }
  return object;
}

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::Status ValidateBlock(const Block& block, const std::string& where, bool in_set);

absl::Status ValidateAttribute(const Attribute& a, const std::string& where, bool in_set) {
  const std::string at = absl::StrCat(where, a.name);
  if (!ValidName(a.name)) return absl::InvalidArgumentError(at + ": invalid attribute name");
  if (in_set && (a.write_only || a.ValueType().HasDynamic())) {
    return absl::InvalidArgumentError(at + ": sets cannot hold write-only or dynamic attributes");
  }
  if (a.write_only && a.computed()) {
    return absl::InvalidArgumentError(at + ": a write-only attribute cannot be computed");
  }
  if (a.default_value && a.mode != Mode::kOptionalComputed) {
    return absl::InvalidArgumentError(at + ": defaults need an optional+computed attribute");
  }
  if (a.nested) {
    if (a.nested->nesting == Nesting::kGroup) {
      return absl::InvalidArgumentError(at + ": nested attributes cannot use group nesting");
    }
    bool set = in_set || a.nested->nesting == Nesting::kSet;
    for (const auto& inner : a.nested->attributes) {
      absl::Status s = ValidateAttribute(inner, at + ".", set);
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateNestedBlock(const NestedBlock& nb, const std::string& where, bool in_set) {
  const std::string at = absl::StrCat(where, nb.name);
  if (!ValidName(nb.name)) return absl::InvalidArgumentError(at + ": invalid block name");
  if (!nb.block) return absl::InvalidArgumentError(at + ": block has no body");
  if (nb.min_items < 0 || nb.max_items < 0 || (nb.max_items && nb.min_items > nb.max_items)) {
    return absl::InvalidArgumentError(at + ": invalid min_items/max_items");
  }
  if (nb.nesting == Nesting::kSingle && (nb.min_items > 1 || nb.max_items > 1)) {
    return absl::InvalidArgumentError(at + ": single blocks allow at most one item");
  }
  if ((nb.nesting == Nesting::kGroup || nb.nesting == Nesting::kMap) &&
      (nb.min_items || nb.max_items)) {
    return absl::InvalidArgumentError(at + ": group and map blocks take no item limits");
  }
  // Terraform turns list/map blocks with dynamic parts into tuples/objects;
  // the SDK does not model that, so such schemas are refused up front.
  if ((nb.nesting == Nesting::kList || nb.nesting == Nesting::kMap) &&
      nb.block->ImpliedType().HasDynamic()) {
    return absl::InvalidArgumentError(at + ": list/map blocks cannot hold dynamic attributes");
  }
  return ValidateBlock(*nb.block, at + ".", in_set || nb.nesting == Nesting::kSet);
}

absl::Status ValidateBlock(const Block& block, const std::string& where, bool in_set) {
  std::set<std::string> names;
  for (const auto& a : block.attributes) {
    if (!names.insert(a.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, a.name, ": declared twice"));
    }
    absl::Status s = ValidateAttribute(a, where, in_set);
    if (!s.ok()) return s;
  }
  for (const auto& nb : block.blocks) {
    if (!names.insert(nb.name).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, nb.name, ": declared twice"));
    }
    absl::Status s = ValidateNestedBlock(nb, where, in_set);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

cty::Type Attribute::ValueType() const {
  if (!nested) return type;
  std::map<std::string, cty::Type> attrs;
  for (const auto& a : nested->attributes) attrs[a.name] = a.ValueType();
  return CollectionOf(nested->nesting, cty::Type::Object(std::move(attrs)));
}

const Attribute* Block::FindAttribute(std::string_view name) const {
  for (const auto& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const NestedBlock* Block::FindBlock(std::string_view name) const {
  for (const auto& b : blocks) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

cty::Type Block::ImpliedType() const {
  if (auto memo = implied_type_memo.Get()) return *memo;
  std::map<std::string, cty::Type> attrs;
  for (const auto& a : attributes) attrs[a.name] = a.ValueType();
  for (const auto& b : blocks) {
    attrs[b.name] = CollectionOf(b.nesting, b.block->ImpliedType());
  }
  auto type = std::make_shared<const cty::Type>(cty::Type::Object(std::move(attrs)));
  implied_type_memo.Set(type);
  return *type;
}

std::shared_ptr<const NestedAttributes> Nested(Nesting nesting, std::vector<Attribute> attributes) {
  return std::make_shared<const NestedAttributes>(NestedAttributes{nesting, std::move(attributes)});
}

std::shared_ptr<const Block> MakeBlock(std::vector<Attribute> attributes,
                                       std::vector<NestedBlock> blocks, std::string description) {
  return std::make_shared<const Block>(
      Block{std::move(attributes), std::move(blocks), std::move(description), ""});
}

absl::Status ValidateSchema(const Schema& schema) {
  if (schema.version < 0) return absl::InvalidArgumentError("schema version must be >= 0");
  return ValidateBlock(schema.block, "", /*in_set=*/false);
}

}  // namespace dcs::schema
