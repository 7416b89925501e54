// Where the Docker Engine API is reached, from DOCKER_HOST and friends.
//
//   unix:///path           -> HTTP over that socket (default /var/run/docker.sock)
//   tcp://host[:port]      -> http://host:port (2375), or https with TLS
//                             (port default 2376) when DOCKER_TLS_VERIFY is
//                             non-empty or DOCKER_CERT_PATH is set
//   DOCKER_TLS_VERIFY      -> verify the server against $DOCKER_CERT_PATH/ca.pem
//   DOCKER_CERT_PATH       -> ca.pem, cert.pem, key.pem (default ~/.docker)
//   DOCKER_API_VERSION     -> pins the API version (no negotiation)
// Other schemes (ssh://, npipe://, fd://) are rejected with an explanation.
#ifndef DCS_CLIENTS_DOCKER_ENDPOINT_H_
#define DCS_CLIENTS_DOCKER_ENDPOINT_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace dcs::docker {

struct Endpoint {
  std::string base_url;     // "http://localhost" for sockets, else http(s)://host:port
  std::string unix_socket;  // non-empty for unix://
  bool tls = false;
  bool tls_verify = false;
  std::string ca_file, cert_file, key_file;
  std::string pinned_api_version;  // from DOCKER_API_VERSION, "" = negotiate
  std::string description;         // the DOCKER_HOST value, for messages
};

using Getenv = std::function<const char*(const char*)>;

// Reads DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION
// and HOME through `getenv` (std::getenv by default). Errors: InvalidArgument
// for unsupported schemes or malformed values.
absl::StatusOr<Endpoint> EndpointFromEnvironment(const Getenv& getenv = nullptr);

// The same from explicit values (empty = unset).
absl::StatusOr<Endpoint> ParseEndpoint(const std::string& host, const std::string& tls_verify,
                                       const std::string& cert_path, const std::string& home);

}  // namespace dcs::docker

#endif  // DCS_CLIENTS_DOCKER_ENDPOINT_H_
