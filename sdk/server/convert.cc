#include "sdk/server/convert.h"

#include "sdk/cty/json_codec.h"
#include "sdk/cty/msgpack_codec.h"
#include "sdk/cty/utf8.h"

namespace dcs::server {
namespace {

tfplugin6::Schema::NestedBlock::NestingMode BlockNesting(schema::Nesting n) {
  using NB = tfplugin6::Schema::NestedBlock;
  switch (n) {
    case schema::Nesting::kSingle: return NB::SINGLE;
    case schema::Nesting::kList: return NB::LIST;
    case schema::Nesting::kSet: return NB::SET;
    case schema::Nesting::kMap: return NB::MAP;
    case schema::Nesting::kGroup: return NB::GROUP;
  }
  return NB::INVALID;
}

tfplugin6::Schema::Object::NestingMode ObjectNesting(schema::Nesting n) {
  using O = tfplugin6::Schema::Object;
  switch (n) {
    case schema::Nesting::kSingle: return O::SINGLE;
    case schema::Nesting::kList: return O::LIST;
    case schema::Nesting::kSet: return O::SET;
    case schema::Nesting::kMap: return O::MAP;
    case schema::Nesting::kGroup: return O::INVALID;
  }
  return O::INVALID;
}

void AttributeToProto(const schema::Attribute& a, tfplugin6::Schema::Attribute* out) {
  out->set_name(a.name);
  if (a.nested) {
    auto* obj = out->mutable_nested_type();
    obj->set_nesting(ObjectNesting(a.nested->nesting));
    for (const auto& inner : a.nested->attributes) AttributeToProto(inner, obj->add_attributes());
  } else {
    out->set_type(a.type.ToJsonString());
  }
  out->set_description(a.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  out->set_required(a.required());
  out->set_optional(a.optional());
  out->set_computed(a.computed());
  out->set_sensitive(a.sensitive);
  out->set_write_only(a.write_only);
  out->set_deprecated(!a.deprecation_message.empty());
}

void BlockToProto(const schema::Block& b, tfplugin6::Schema::Block* out) {
  for (const auto& a : b.attributes) AttributeToProto(a, out->add_attributes());
  for (const auto& nb : b.blocks) {
    auto* pb = out->add_block_types();
    pb->set_type_name(nb.name);
    pb->set_nesting(BlockNesting(nb.nesting));
    pb->set_min_items(nb.min_items);
    pb->set_max_items(nb.max_items);
    BlockToProto(*nb.block, pb->mutable_block());
  }
  out->set_description(b.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  out->set_deprecated(!b.deprecation_message.empty());
}

}  // namespace

absl::StatusOr<cty::Value> FromDynamic(const tfplugin6::DynamicValue& dv, const cty::Type& type) {
  if (!dv.msgpack().empty()) return cty::DecodeMsgpack(dv.msgpack(), type);
  if (!dv.json().empty()) return cty::DecodeJson(dv.json(), type);
  return cty::Value::Null(type);
}

absl::Status ToDynamic(const cty::Value& value, const cty::Type& type, tfplugin6::DynamicValue* out) {
  absl::StatusOr<std::string> bytes = cty::EncodeMsgpack(value, type);
  if (!bytes.ok()) return bytes.status();
  out->set_msgpack(std::move(*bytes));
  return absl::OkStatus();
}

void ToProto(const cty::Path& path, tfplugin6::AttributePath* out) {
  for (const auto& step : path.steps()) {
    auto* s = out->add_steps();
    switch (step.kind) {
      case cty::PathStep::Kind::kAttribute: s->set_attribute_name(step.name); break;
      case cty::PathStep::Kind::kKeyString: s->set_element_key_string(step.name); break;
      case cty::PathStep::Kind::kKeyInt: s->set_element_key_int(step.index); break;
    }
  }
}

void ToProto(const framework::Diagnostics& diagnostics,
             google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out) {
  for (const auto& d : diagnostics.items()) {
    auto* pd = out->Add();
    pd->set_severity(d.severity == framework::Severity::kError ? tfplugin6::Diagnostic::ERROR
                                                            : tfplugin6::Diagnostic::WARNING);
    // Details quote API answers; protobuf cannot serialise invalid UTF-8.
    pd->set_summary(cty::ScrubUtf8(d.summary));
    pd->set_detail(cty::ScrubUtf8(d.detail));
    if (d.path && !d.path->empty()) ToProto(*d.path, pd->mutable_attribute());
  }
}

void ToProto(const schema::Schema& schema, tfplugin6::Schema* out) {
  out->set_version(schema.version);
  BlockToProto(schema.block, out->mutable_block());
}

void ToProto(const framework::FunctionDefinition& def, tfplugin6::Function* out) {
  for (const auto& p : def.parameters) {
    auto* pp = out->add_parameters();
    pp->set_name(p.name);
    pp->set_type(p.type.ToJsonString());
    pp->set_allow_null_value(p.allow_null);
    pp->set_description(p.description);
    pp->set_description_kind(tfplugin6::MARKDOWN);
  }
  out->mutable_return_()->set_type(def.return_type.ToJsonString());
  out->set_summary(def.summary);
  out->set_description(def.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
}

framework::ClientCapabilities FromProto(const tfplugin6::ClientCapabilities& caps) {
  return {caps.write_only_attributes_allowed(), caps.deferral_allowed()};
}

void EncodeOrReport(const cty::Value& value, const cty::Type& type, tfplugin6::DynamicValue* out,
                    google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* diagnostics) {
  absl::Status s = ToDynamic(value, type, out);
  if (!s.ok()) AddDecodeError(s, "value produced by the provider (a provider bug)", diagnostics);
}

void AddDecodeError(const absl::Status& status, const std::string& what,
                    google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out) {
  auto* d = out->Add();
  d->set_severity(tfplugin6::Diagnostic::ERROR);
  d->set_summary("Invalid " + what);
  d->set_detail("The provider could not decode the " + what + " sent by Terraform: " +
                std::string(status.message()));
}

}  // namespace dcs::server
