// Walking a value alongside its schema: the shared machinery of config
// validation, planning and state clean-up.
#ifndef DCS_SDK_FRAMEWORK_WALK_H_
#define DCS_SDK_FRAMEWORK_WALK_H_

#include <functional>

#include "sdk/cty/path.h"
#include "sdk/cty/value.h"
#include "sdk/framework/schema.h"

namespace dcs::framework {

// The attribute `name` of `object`, or a typed null when `object` is null,
// unknown or not an object (so callers never read through a missing value).
cty::Value AttrOrNull(const cty::Value& object, const std::string& name, const cty::Type& type);

using AttributeVisitor =
    std::function<void(const schema::Attribute&, const cty::Value&, const cty::Path&)>;

// Calls `visit` for every attribute of `block` in `object`, recursing into
// nested attributes and blocks (list/map elements get indexed paths; a set's
// elements share the path of the set, since sets cannot be indexed).
void VisitAttributes(const schema::Block& block, const cty::Value& object, const cty::Path& path,
                     const AttributeVisitor& visit);

// Returns `object` with write-only attributes set to null: write-only values
// must never reach a plan or a state. An attribute that is both write_only
// and sensitive degrades to a plain sensitive attribute on clients without
// write-only support (they must keep it in state, or every plan would show a
// change): with `client_supports_write_only` false those are kept.
cty::Value NullWriteOnly(const schema::Block& block, const cty::Value& object,
                         bool client_supports_write_only = true);

// Whether `object` holds a non-null value in a write-only attribute. The
// engine nulls them in every plan for clients that support write-only
// attributes, so a planned value holding one comes from a client that does
// not (ApplyResourceChange carries no client capabilities).
bool HasWriteOnlyValues(const schema::Block& block, const cty::Value& object);

// Registers every known string (at any depth) of the sensitive or write-only
// attributes in `object` with the log redaction, so that no later log line,
// from the framework or a resource, can carry one. The engine calls it on
// every config, plan and state it receives, before any resource code runs.
void RegisterSensitiveValues(const schema::Block& block, const cty::Value& object);

// `value` with every unknown (at any depth) replaced by a null of its type.
// For the state a Create records when the remote object exists but cannot be
// read back: the client needs a wholly known object, and keeping the id (the
// resource is then tainted and replaced on the next apply) beats orphaning it.
cty::Value UnknownsAsNull(const cty::Value& value);

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_WALK_H_
