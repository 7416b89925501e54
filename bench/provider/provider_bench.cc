// Provider start-up benchmark: launches terraform-provider-dcs the way
// Terraform does (magic cookie, PLUGIN_CLIENT_CERT with a P-521 client
// certificate), and measures
//   - cold start to handshake line (ms, median of N launches),
//   - GetProviderSchema latency over the real mTLS connection (ms, median),
// then asks the provider to shut down through GRPCController.
//
// usage: dcs_provider_bench PROVIDER_BINARY [LAUNCHES=20] [SCHEMA_CALLS=50]
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "plugin/grpc_controller.grpc.pb.h"
#include "sdk/plugin/certificate.h"
#include "tfplugin6/tfplugin6.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Launched {
  pid_t pid = -1;
  std::string line;
  double handshake_ms = 0;
};

// Starts the provider with stdout on a pipe and reads the handshake line.
Launched Launch(const std::string& binary, const std::string& client_cert_pem) {
  int out[2];
  if (pipe(out) != 0) std::abort();
  const auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    setenv("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2", 1);
    setenv("PLUGIN_PROTOCOL_VERSIONS", "5,6", 1);
    setenv("PLUGIN_CLIENT_CERT", client_cert_pem.c_str(), 1);
    execl(binary.c_str(), binary.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  Launched l{pid, "", 0};
  char c;
  pollfd pfd{out[0], POLLIN, 0};
  while (poll(&pfd, 1, 10000) > 0 && read(out[0], &c, 1) == 1 && c != '\n') l.line.push_back(c);
  l.handshake_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  close(out[0]);
  return l;
}

std::string DerToPem(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (!x) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, n);
  BIO_free(bio);
  X509_free(x);
  return pem;
}

std::shared_ptr<grpc::Channel> Connect(const std::string& line, const dcs::plugin::Certificate& client) {
  std::vector<std::string> f = absl::StrSplit(line, '|');
  if (f.size() < 6) return nullptr;
  std::string der;
  // Go's RawStdEncoding: add the padding back before decoding.
  std::string b64 = f[5];
  while (b64.size() % 4) b64.push_back('=');
  if (!absl::Base64Unescape(b64, &der)) return nullptr;
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = DerToPem(der);
  tls.pem_private_key = client.key_pem;
  tls.pem_cert_chain = client.cert_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  const std::string target = (f[2] == "unix" ? "unix:" : "") + f[3];
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(tls), args);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROVIDER_BINARY [LAUNCHES] [SCHEMA_CALLS]\n", argv[0]);
    return 2;
  }
  const std::string binary = argv[1];
  const int launches = argc > 2 ? std::atoi(argv[2]) : 20;
  const int calls = argc > 3 ? std::atoi(argv[3]) : 50;
  // Terraform's client certificate uses P-521; so does ours.
  auto client = dcs::plugin::GenerateSelfSignedCertificate({"P-521", "SHA512", "HashiCorp"});
  if (!client.ok()) return 1;

  std::vector<double> handshakes, schema_ms;
  for (int i = 0; i < launches; ++i) {
    Launched l = Launch(binary, client->cert_pem);
    handshakes.push_back(l.handshake_ms);
    auto channel = Connect(l.line, *client);
    if (!channel) {
      std::fprintf(stderr, "bad handshake line: %s\n", l.line.c_str());
      kill(l.pid, SIGKILL);
      return 1;
    }
    auto stub = tfplugin6::Provider::NewStub(channel);
    for (int c = 0; c < (i == 0 ? calls : 1); ++c) {
      grpc::ClientContext ctx;
      tfplugin6::GetProviderSchema::Response resp;
      const auto t0 = Clock::now();
      grpc::Status s = stub->GetProviderSchema(&ctx, {}, &resp);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (!s.ok()) {
        std::fprintf(stderr, "GetProviderSchema failed: %s\n", s.error_message().c_str());
        kill(l.pid, SIGKILL);
        return 1;
      }
      if (c > 0 || i > 0) schema_ms.push_back(ms);  // the first call also pays the TLS handshake
    }
    grpc::ClientContext ctx;
    plugin::Empty empty;
    plugin::GRPCController::NewStub(channel)->Shutdown(&ctx, empty, &empty);
    int status = 0;
    waitpid(l.pid, &status, 0);
  }
  std::printf("launches: %d\n", launches);
  std::printf("cold start to handshake: median %.2f ms (min %.2f, max %.2f)\n", Median(handshakes),
              *std::min_element(handshakes.begin(), handshakes.end()),
              *std::max_element(handshakes.begin(), handshakes.end()));
  std::printf("GetProviderSchema over mTLS: median %.3f ms over %zu calls\n", Median(schema_ms), schema_ms.size());
  return 0;
}
