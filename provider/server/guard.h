// Every tfplugin6 handler body runs inside Guard: an escaped exception becomes
// an error diagnostic instead of taking the provider (and the user's run) down.
#ifndef DCS_PROVIDER_SERVER_GUARD_H_
#define DCS_PROVIDER_SERVER_GUARD_H_

#include <exception>
#include <string>

#include "grpcpp/grpcpp.h"
#include "provider/log/log.h"
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
  return grpc::Status::OK;
}

}  // namespace dcs::server

#endif  // DCS_PROVIDER_SERVER_GUARD_H_
