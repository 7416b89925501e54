// Helpers between cpp-httplib and the Router types (server.cc only).
#ifndef DCS_EMULATOR_HTTP_GLUE_H_
#define DCS_EMULATOR_HTTP_GLUE_H_

#include <httplib.h>

#include <string>

#include "absl/status/status.h"
#include "emulator/router.h"

namespace dcs::emulator {

ApiRequest ToApiRequest(const httplib::Request& req, bool tls);
void WriteReply(const Reply& reply, httplib::Response& res);
// Databricks error body with a RequestInfo detail; returns the error_code.
std::string WriteError(const absl::Status& status, const std::string& request_id,
                       httplib::Response& res);
// Makes the kernel reset this request's TCP connection (RST, no HTTP response).
void ResetConnection(const httplib::Request& req);

// httplib::Server/SSLServer with a deeper accept backlog than the library's 5,
// so bursts of concurrent clients are queued instead of dropped and retried.
template <class Base>
class Listener : public Base {
 public:
  using Base::Base;
  void RaiseBacklog() { ::listen(this->svr_sock_, 1024); }
};

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_HTTP_GLUE_H_
