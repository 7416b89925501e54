// Every tfplugin6 handler body runs inside Guard: an escaped exception becomes
// an error diagnostic instead of taking the provider (and the user's run) down.
#ifndef DCS_SDK_SERVER_GUARD_H_
#define DCS_SDK_SERVER_GUARD_H_

#include <exception>
#include <string>

#include "base/log.h"
#include "grpcpp/grpcpp.h"
#include "sdk/cty/utf8.h"
#include "tfplugin6/tfplugin6.pb.h"

namespace dcs::server {

using DiagnosticList = google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>;

template <typename Body>
grpc::Status Guard(const char* rpc, DiagnosticList* diagnostics, Body body) {
  try {
    log::Trace(std::string("rpc ") + rpc);
    body();
  } catch (const std::exception& e) {
    log::Error(std::string("internal error in ") + rpc, {{"error", e.what()}});
    auto* d = diagnostics->Add();
    d->set_severity(tfplugin6::Diagnostic::ERROR);
    d->set_summary("Internal provider error");
    d->set_detail(std::string(rpc) + " failed: " + e.what());
  }
  // Last line of defence: a diagnostic written straight into the reply that
  // quotes outside text with invalid UTF-8 would make protobuf refuse to
  // serialise the whole reply (the user would see an RPC error instead).
  for (auto& d : *diagnostics) {
    if (!cty::IsValidUtf8(d.summary())) d.set_summary(cty::ScrubUtf8(d.summary()));
    if (!cty::IsValidUtf8(d.detail())) d.set_detail(cty::ScrubUtf8(d.detail()));
  }
  return grpc::Status::OK;
}

}  // namespace dcs::server

#endif  // DCS_SDK_SERVER_GUARD_H_
