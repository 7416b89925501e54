// Test helper: a minimal go-plugin client (what Terraform does after reading
// the handshake line), plus small OpenSSL helpers for inspecting certificates.
#ifndef DCS_TESTS_UNIT_PROVIDER_PLUGIN_GRPC_TEST_CLIENT_H_
#define DCS_TESTS_UNIT_PROVIDER_PLUGIN_GRPC_TEST_CLIENT_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "plugin/grpc_controller.grpc.pb.h"

namespace dcs::plugin::testing {

struct Handshake {
  std::vector<std::string> fields;
  std::string network() const { return fields.at(2); }
  std::string address() const { return fields.at(3); }
  std::string target() const {
    return network() == "unix" ? "unix:" + address() : address();
  }
};

inline Handshake ParseHandshake(const std::string& line) {
  std::vector<std::string> fields = absl::StrSplit(line, '|');
  return Handshake{fields};
}

// Go's RawStdEncoding → bytes (re-adds the padding absl expects).
inline std::optional<std::string> DecodeRawStd(std::string text) {
  while (text.size() % 4 != 0) text.push_back('=');
  std::string out;
  if (!absl::Base64Unescape(text, &out)) return std::nullopt;
  return out;
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

inline X509Ptr ParseDer(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())), &X509_free);
}

inline X509Ptr ParsePem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return X509Ptr(cert, &X509_free);
}

inline std::string DerToPem(const std::string& der) {
  X509Ptr cert = ParseDer(der);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert.get());
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

struct ClientIdentity {
  std::string cert_pem;
  std::string key_pem;
};

// mTLS channel trusting only `server_cert_pem`, verifying the name
// "localhost" like go-plugin's client. No identity → no client certificate.
inline std::shared_ptr<grpc::Channel> TlsChannel(
    const std::string& target, const std::string& server_cert_pem,
    const std::optional<ClientIdentity>& identity) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = server_cert_pem;
  if (identity) {
    ssl.pem_private_key = identity->key_pem;
    ssl.pem_cert_chain = identity->cert_pem;
  }
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
}

inline std::shared_ptr<grpc::Channel> PlainChannel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

struct HealthResult {
  grpc::Status status;
  std::string response;  // Serialized HealthCheckResponse.
};

// grpc.health.v1.Health/Check without generated code: the request is
// {service = "<service>"} (field 1, length-delimited).
inline HealthResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& service = "plugin") {
  std::string request = std::string("\x0a", 1) + static_cast<char>(service.size()) + service;
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::GenericStub stub(channel);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(status); });
  HealthResult result{done.get_future().get(), ""};
  std::vector<grpc::Slice> slices;
  if (result.status.ok() && response_buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      result.response.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return result;
}

// HealthCheckResponse{status = SERVING (1)}.
inline const std::string kServing("\x08\x01", 2);

inline grpc::Status CallShutdown(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = ::plugin::GRPCController::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ::plugin::Empty request;
  ::plugin::Empty response;
  return stub->Shutdown(&context, request, &response);
}

}  // namespace dcs::plugin::testing

#endif  // DCS_TESTS_UNIT_PROVIDER_PLUGIN_GRPC_TEST_CLIENT_H_
