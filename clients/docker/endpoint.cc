#include "clients/docker/endpoint.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace dcs::docker {

absl::StatusOr<Endpoint> ParseEndpoint(const std::string& host_in, const std::string& tls_verify,
                                       const std::string& cert_path_in, const std::string& home) {
  const std::string host = host_in.empty() ? "unix:///var/run/docker.sock" : host_in;
  Endpoint e;
  e.description = host;
  if (host.rfind("unix://", 0) == 0) {
    e.unix_socket = host.substr(7);
    if (e.unix_socket.empty() || e.unix_socket[0] != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat("DOCKER_HOST ", host, ": a unix socket needs an absolute path"));
    }
    e.base_url = "http://localhost";
    return e;
  }
  if (host.rfind("tcp://", 0) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DOCKER_HOST ", host, " is not supported: use unix:///path/to/docker.sock or ",
        "tcp://host:port (for ssh:// hosts, forward the socket with `ssh -L` first)"));
  }
  std::string hostport = host.substr(6);
  while (!hostport.empty() && hostport.back() == '/') hostport.pop_back();
  if (hostport.empty() || hostport.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("DOCKER_HOST ", host, ": expected tcp://host:port"));
  }
  e.tls_verify = !tls_verify.empty();
  e.tls = e.tls_verify || !cert_path_in.empty();
  const bool has_port = hostport.back() != ']' && hostport.rfind(':') != std::string::npos;
  if (!has_port) absl::StrAppend(&hostport, e.tls ? ":2376" : ":2375");
  e.base_url = absl::StrCat(e.tls ? "https://" : "http://", hostport);
  if (e.tls) {
    const std::string dir = cert_path_in.empty() ? absl::StrCat(home, "/.docker") : cert_path_in;
    e.ca_file = absl::StrCat(dir, "/ca.pem");
    e.cert_file = absl::StrCat(dir, "/cert.pem");
    e.key_file = absl::StrCat(dir, "/key.pem");
  }
  return e;
}

absl::StatusOr<Endpoint> EndpointFromEnvironment(const Getenv& getenv_in) {
  const Getenv getenv = getenv_in ? getenv_in : Getenv([](const char* n) { return std::getenv(n); });
  auto value = [&](const char* name) {
    const char* v = getenv(name);
    return std::string(v ? v : "");
  };
  auto e = ParseEndpoint(value("DOCKER_HOST"), value("DOCKER_TLS_VERIFY"),
                         value("DOCKER_CERT_PATH"), value("HOME"));
  if (e.ok()) e->pinned_api_version = value("DOCKER_API_VERSION");
  return e;
}

}  // namespace dcs::docker
