// go-plugin's auxiliary gRPC services (controller, stdio, broker) and the
// stop request they share with Serve.
#ifndef DCS_SDK_PLUGIN_GO_PLUGIN_SERVICES_H_
#define DCS_SDK_PLUGIN_GO_PLUGIN_SERVICES_H_

#include <set>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "plugin/grpc_broker.grpc.pb.h"
#include "plugin/grpc_controller.grpc.pb.h"
#include "plugin/grpc_stdio.grpc.pb.h"

namespace dcs::plugin {

// A one-shot "please stop" latch, plus the set of long-lived streaming calls
// that must be cancelled for the gRPC server to stop promptly.
// Thread-safe.
class StopRequest {
 public:
  // The first reason wins; later calls are no-ops.
  void Request(std::string reason);
  bool IsRequested() const;
  // Blocks until Request; returns the reason.
  std::string Wait() const;
  // Returns true if requested within `timeout`.
  bool WaitFor(absl::Duration timeout) const;

  // Streaming handlers register their context while they block. Track
  // cancels at once when a stop was already requested.
  void Track(grpc::ServerContext* context);
  void Untrack(grpc::ServerContext* context);
  // Cancels every tracked call (TryCancel), e.g. the broker stream that the
  // client keeps open for the whole session.
  void CancelTracked();

 private:
  mutable absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  std::string reason_ ABSL_GUARDED_BY(mu_);
  std::set<grpc::ServerContext*> tracked_ ABSL_GUARDED_BY(mu_);
};

// plugin.GRPCController/Shutdown: replies, then asks Serve to stop.
class ControllerService final : public ::plugin::GRPCController::Service {
 public:
  explicit ControllerService(StopRequest& stop) : stop_(stop) {}
  grpc::Status Shutdown(grpc::ServerContext* context,
                        const ::plugin::Empty* request,
                        ::plugin::Empty* response) override;

 private:
  StopRequest& stop_;
};

// plugin.GRPCStdio/StreamStdio: we never redirect our own stdout/stderr into
// the stream (logs go to stderr directly), so it stays open and silent until
// the client cancels it or the server stops.
class StdioService final : public ::plugin::GRPCStdio::Service {
 public:
  explicit StdioService(StopRequest& stop) : stop_(stop) {}
  grpc::Status StreamStdio(
      grpc::ServerContext* context, const google::protobuf::Empty* request,
      grpc::ServerWriter<::plugin::StdioData>* writer) override;

 private:
  StopRequest& stop_;
};

// plugin.GRPCBroker/StartStream: Terraform never brokers extra connections;
// drain what the client sends until it closes its side.
class BrokerService final : public ::plugin::GRPCBroker::Service {
 public:
  explicit BrokerService(StopRequest& stop) : stop_(stop) {}
  grpc::Status StartStream(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<::plugin::ConnInfo, ::plugin::ConnInfo>* stream)
      override;

 private:
  StopRequest& stop_;
};

}  // namespace dcs::plugin

#endif  // DCS_SDK_PLUGIN_GO_PLUGIN_SERVICES_H_
