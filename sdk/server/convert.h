// Conversions between tfplugin6 messages and SDK types. The only place that
// knows both; handlers stay thin.
#ifndef DCS_SDK_SERVER_CONVERT_H_
#define DCS_SDK_SERVER_CONVERT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "sdk/cty/path.h"
#include "sdk/cty/value.h"
#include "sdk/framework/context.h"
#include "sdk/framework/diagnostics.h"
#include "sdk/framework/function.h"
#include "sdk/framework/schema.h"
#include "tfplugin6/tfplugin6.pb.h"

namespace dcs::server {

// msgpack when present, else JSON, else null (what Terraform does too).
absl::StatusOr<cty::Value> FromDynamic(const tfplugin6::DynamicValue& dv, const cty::Type& type);
absl::Status ToDynamic(const cty::Value& value, const cty::Type& type, tfplugin6::DynamicValue* out);

void ToProto(const cty::Path& path, tfplugin6::AttributePath* out);
void ToProto(const framework::Diagnostics& diagnostics,
             google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out);
void ToProto(const schema::Schema& schema, tfplugin6::Schema* out);
void ToProto(const framework::FunctionDefinition& def, tfplugin6::Function* out);
framework::ClientCapabilities FromProto(const tfplugin6::ClientCapabilities& caps);

// Encodes `value`; a failure (a provider bug) becomes a diagnostic.
void EncodeOrReport(const cty::Value& value, const cty::Type& type, tfplugin6::DynamicValue* out,
                    google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* diagnostics);

// A decode failure as a user-facing diagnostic naming what was being decoded.
void AddDecodeError(const absl::Status& status, const std::string& what,
                    google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out);

}  // namespace dcs::server

#endif  // DCS_SDK_SERVER_CONVERT_H_
