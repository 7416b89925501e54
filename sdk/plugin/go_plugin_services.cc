#include "sdk/plugin/go_plugin_services.h"

#include <utility>

#include "base/log.h"

namespace dcs::plugin {
namespace {

// How often a silent stdio stream re-checks for client cancellation; the stop
// request itself wakes it at once.
constexpr absl::Duration kStdioPollInterval = absl::Milliseconds(200);

}  // namespace

void StopRequest::Request(std::string reason) {
  absl::MutexLock lock(&mu_);
  if (requested_) return;
  requested_ = true;
  reason_ = std::move(reason);
}

bool StopRequest::IsRequested() const {
  absl::MutexLock lock(&mu_);
  return requested_;
}

std::string StopRequest::Wait() const {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&requested_));
  return reason_;
}

bool StopRequest::WaitFor(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&requested_), timeout);
}

void StopRequest::Track(grpc::ServerContext* context) {
  absl::MutexLock lock(&mu_);
  tracked_.insert(context);
  if (requested_) context->TryCancel();
}

void StopRequest::Untrack(grpc::ServerContext* context) {
  absl::MutexLock lock(&mu_);
  tracked_.erase(context);
}

void StopRequest::CancelTracked() {
  absl::MutexLock lock(&mu_);
  for (grpc::ServerContext* context : tracked_) context->TryCancel();
}

grpc::Status ControllerService::Shutdown(grpc::ServerContext* context,
                                         const ::plugin::Empty* request,
                                         ::plugin::Empty* response) {
  log::Debug("plugin: shutdown requested by the client");
  // Serve stops the server from its own thread; gRPC finishes sending this
  // reply before the server goes down.
  stop_.Request("GRPCController.Shutdown");
  return grpc::Status::OK;
}

grpc::Status StdioService::StreamStdio(
    grpc::ServerContext* context, const google::protobuf::Empty* request,
    grpc::ServerWriter<::plugin::StdioData>* writer) {
  stop_.Track(context);
  while (!context->IsCancelled() && !stop_.WaitFor(kStdioPollInterval)) {
  }
  stop_.Untrack(context);
  return grpc::Status::OK;
}

grpc::Status BrokerService::StartStream(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<::plugin::ConnInfo, ::plugin::ConnInfo>* stream) {
  stop_.Track(context);
  ::plugin::ConnInfo info;
  while (stream->Read(&info)) {
    log::Debug("plugin: ignoring broker message",
               {{"service_id", info.service_id()}});
  }
  stop_.Untrack(context);
  return grpc::Status::OK;
}

}  // namespace dcs::plugin
