// End-to-end tests of Serve in a child process, driven like Terraform does.
#include "sdk/plugin/serve.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "plugin/grpc_broker.grpc.pb.h"
#include "plugin/grpc_stdio.grpc.pb.h"
#include "sdk/plugin/certificate.h"
#include "tests/unit/sdk/plugin/grpc_test_client.h"
#include "tests/unit/sdk/plugin/plugin_process.h"

namespace dcs::plugin::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kCookie =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
constexpr const char* kOnStopMarker = "test child: on_stop called";

// In a child (see plugin_process.h) this runs Serve before any test and
// exits with its result; in the normal test run it does nothing.
class ChildServeEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* mode = std::getenv(kChildModeVar);
    if (mode == nullptr) return;
    std::fflush(stdout);
    ::dup2(kChildStdoutFd, STDOUT_FILENO);
    ::close(kChildStdoutFd);
    ServeOptions options;
    options.debug = std::string(mode) == "debug";
    options.on_stop = [] { log::Warn(kOnStopMarker); };
    ::_exit(Serve({}, options));
  }
};
[[maybe_unused]] ::testing::Environment* const kChildEnvironment =
    ::testing::AddGlobalTestEnvironment(new ChildServeEnvironment);

// What Terraform's go-plugin client presents: P-521, ecdsa-with-SHA512.
ClientIdentity GoStyleClientIdentity() {
  absl::StatusOr<Certificate> cert =
      GenerateSelfSignedCertificate({"P-521", "SHA512", "HashiCorp"});
  EXPECT_TRUE(cert.ok()) << cert.status();
  return {cert->cert_pem, cert->key_pem};
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/dcs-serve-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    socket_dir_ = dir;
    client_ = GoStyleClientIdentity();
  }
  void TearDown() override { std::filesystem::remove_all(socket_dir_); }

  EnvChanges MtlsEnv() {
    return {{"TF_PLUGIN_MAGIC_COOKIE", kCookie},
            {"PLUGIN_PROTOCOL_VERSIONS", "5,6"},
            {"PLUGIN_CLIENT_CERT", client_.cert_pem},
            {"PLUGIN_UNIX_SOCKET_DIR", socket_dir_}};
  }

  // Reads and checks the handshake line of an mTLS child.
  Handshake ReadHandshake(PluginProcess& plugin) {
    std::optional<std::string> line = plugin.ReadLine();
    EXPECT_TRUE(line.has_value()) << plugin.Stderr();
    return ParseHandshake(line.value_or(""));
  }

  std::shared_ptr<grpc::Channel> Connect(const Handshake& handshake) {
    const std::string server_pem = DerToPem(*DecodeRawStd(handshake.fields.at(5)));
    return TlsChannel(handshake.target(), server_pem, client_);
  }

  std::string socket_dir_;
  ClientIdentity client_;
};

TEST_F(ServeTest, WithoutMagicCookiePrintsHelpAndExits1) {
  PluginProcess plugin({});
  EXPECT_EQ(plugin.Wait(), 1);
  EXPECT_THAT(plugin.ReadRest(), IsEmpty());  // Nothing at all on stdout.
  EXPECT_THAT(plugin.Stderr(), HasSubstr("This binary is a plugin for Terraform/OpenTofu"));
  EXPECT_THAT(plugin.Stderr(), HasSubstr("--version"));
}

TEST_F(ServeTest, HandshakeLineWithAutoMtls) {
  PluginProcess plugin(MtlsEnv());
  Handshake handshake = ReadHandshake(plugin);
  ASSERT_EQ(handshake.fields.size(), 6u);
  EXPECT_EQ(handshake.fields[0], "1");
  EXPECT_EQ(handshake.fields[1], "6");
  EXPECT_EQ(handshake.fields[2], "unix");
  EXPECT_THAT(handshake.fields[3], StartsWith(socket_dir_ + "/plugin"));
  struct stat st {};
  ASSERT_EQ(::stat(handshake.fields[3].c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(handshake.fields[4], "grpc");
  const std::string& cert = handshake.fields[5];
  EXPECT_GT(cert.size(), 50u);  // go-plugin ignores shorter values.
  EXPECT_EQ(cert.find('='), std::string::npos);
  EXPECT_EQ(cert.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            std::string::npos);
  std::optional<std::string> der = DecodeRawStd(cert);
  ASSERT_TRUE(der.has_value());
  auto x509 = ParseDer(*der);
  ASSERT_NE(x509, nullptr);
  EXPECT_EQ(X509_check_host(x509.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_TRUE(X509_get_extended_key_usage(x509.get()) & XKU_SSL_SERVER);
  plugin.Signal(SIGTERM);
  EXPECT_EQ(plugin.Wait(), 0);
}

TEST_F(ServeTest, P521ClientGetsHealthOverMtlsAndShutdownExits0) {
  PluginProcess plugin(MtlsEnv());
  Handshake handshake = ReadHandshake(plugin);
  ASSERT_EQ(handshake.fields.size(), 6u);
  auto channel = Connect(handshake);
  HealthResult health = CheckHealth(channel, "plugin");
  ASSERT_TRUE(health.status.ok()) << health.status.error_message() << plugin.Stderr();
  EXPECT_EQ(health.response, kServing);
  EXPECT_EQ(CheckHealth(channel, "").response, kServing);

  const auto start = std::chrono::steady_clock::now();
  grpc::Status shutdown = CallShutdown(channel);
  EXPECT_TRUE(shutdown.ok()) << shutdown.error_message();
  EXPECT_EQ(plugin.Wait(std::chrono::seconds(5)), 0) << plugin.Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_THAT(plugin.ReadRest(), IsEmpty());  // Only the handshake on stdout.
  EXPECT_FALSE(std::filesystem::exists(handshake.address()));
  EXPECT_THAT(plugin.Stderr(), HasSubstr(kOnStopMarker));
}

TEST_F(ServeTest, ClientWithoutOrWithWrongCertificateIsRefused) {
  PluginProcess plugin(MtlsEnv());
  Handshake handshake = ReadHandshake(plugin);
  ASSERT_EQ(handshake.fields.size(), 6u);
  const std::string server_pem = DerToPem(*DecodeRawStd(handshake.fields[5]));

  HealthResult anonymous =
      CheckHealth(TlsChannel(handshake.target(), server_pem, std::nullopt));
  EXPECT_FALSE(anonymous.status.ok());
  EXPECT_EQ(anonymous.status.error_code(), grpc::StatusCode::UNAVAILABLE);

  absl::StatusOr<Certificate> stranger = GenerateSelfSignedCertificate();
  ASSERT_TRUE(stranger.ok());
  HealthResult wrong = CheckHealth(TlsChannel(
      handshake.target(), server_pem, ClientIdentity{stranger->cert_pem, stranger->key_pem}));
  EXPECT_FALSE(wrong.status.ok());

  HealthResult plaintext = CheckHealth(PlainChannel(handshake.target()));
  EXPECT_FALSE(plaintext.status.ok());

  // The rightful client still gets through afterwards.
  EXPECT_TRUE(CheckHealth(Connect(handshake)).status.ok());
  EXPECT_TRUE(plugin.Running());
  plugin.Signal(SIGTERM);
  EXPECT_EQ(plugin.Wait(), 0);
  // gRPC's handshake errors were logged, and as hclog JSON like every line.
  const std::string err = plugin.Stderr();
  EXPECT_THAT(err, HasSubstr("\"@module\":\"provider.grpc\""));
  const std::vector<std::string> lines = absl::StrSplit(err, '\n', absl::SkipEmpty());
  for (const std::string& line : lines) {
    nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(json.is_object()) << line;
    EXPECT_TRUE(json["@level"].is_string() && json["@message"].is_string() &&
                json["@timestamp"].is_string())
        << line;
  }
}

TEST_F(ServeTest, PlaintextWhenNoClientCert) {
  EnvChanges env = MtlsEnv();
  env["PLUGIN_CLIENT_CERT"] = std::nullopt;
  PluginProcess plugin(env);
  std::optional<std::string> line = plugin.ReadLine();
  ASSERT_TRUE(line.has_value()) << plugin.Stderr();
  Handshake handshake = ParseHandshake(*line);
  ASSERT_EQ(handshake.fields.size(), 6u);
  EXPECT_THAT(handshake.fields[5], IsEmpty());
  auto channel = PlainChannel(handshake.target());
  EXPECT_EQ(CheckHealth(channel).response, kServing);
  EXPECT_TRUE(CallShutdown(channel).ok());
  EXPECT_EQ(plugin.Wait(), 0);
}

TEST_F(ServeTest, TcpListenerWithinPortRange) {
  EnvChanges env = MtlsEnv();
  const int min_port = 20000 + static_cast<int>(::getpid() % 20000);
  env["DCS_PLUGIN_NETWORK"] = "tcp";
  env["PLUGIN_MIN_PORT"] = std::to_string(min_port);
  env["PLUGIN_MAX_PORT"] = std::to_string(min_port + 100);
  PluginProcess plugin(env);
  Handshake handshake = ReadHandshake(plugin);
  ASSERT_EQ(handshake.fields.size(), 6u);
  EXPECT_EQ(handshake.network(), "tcp");
  ASSERT_THAT(handshake.address(), StartsWith("127.0.0.1:"));
  const int port = std::stoi(handshake.address().substr(10));
  EXPECT_GE(port, min_port);
  EXPECT_LE(port, min_port + 100);
  auto channel = Connect(handshake);
  EXPECT_EQ(CheckHealth(channel).response, kServing);
  EXPECT_TRUE(CallShutdown(channel).ok());
  EXPECT_EQ(plugin.Wait(), 0);
}

TEST_F(ServeTest, SigintIsIgnoredAndSigtermStopsGracefully) {
  PluginProcess plugin(MtlsEnv());
  Handshake handshake = ReadHandshake(plugin);
  ASSERT_EQ(handshake.fields.size(), 6u);
  plugin.Signal(SIGINT);
  EXPECT_FALSE(plugin.Wait(std::chrono::milliseconds(500)).has_value());
  EXPECT_EQ(CheckHealth(Connect(handshake)).response, kServing);
  plugin.Signal(SIGTERM);
  EXPECT_EQ(plugin.Wait(), 0);
  EXPECT_THAT(plugin.Stderr(), HasSubstr(kOnStopMarker));
  EXPECT_FALSE(std::filesystem::exists(handshake.address()));
}

TEST_F(ServeTest, ClientWithoutProtocol6StillSeesVersion6AndAnError) {
  EnvChanges env = MtlsEnv();
  env["PLUGIN_PROTOCOL_VERSIONS"] = "5";
  PluginProcess plugin(env);
  Handshake handshake = ReadHandshake(plugin);
  ASSERT_EQ(handshake.fields.size(), 6u);
  EXPECT_EQ(handshake.fields[1], "6");
  plugin.Signal(SIGTERM);
  EXPECT_EQ(plugin.Wait(), 0);
  EXPECT_THAT(plugin.Stderr(), HasSubstr("does not accept plugin protocol 6"));
}

// Terraform keeps the stdio and broker streams open for the whole session
// and runs up to ten RPCs in parallel: none of that may block the server or
// its shutdown.
TEST_F(ServeTest, OpenStreamsAndParallelCallsDoNotBlockShutdown) {
  PluginProcess plugin(MtlsEnv());
  Handshake handshake = ReadHandshake(plugin);
  ASSERT_EQ(handshake.fields.size(), 6u);
  auto channel = Connect(handshake);
  auto stdio = ::plugin::GRPCStdio::NewStub(channel);
  auto broker = ::plugin::GRPCBroker::NewStub(channel);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<::plugin::StdioData>>> readers;
  for (int i = 0; i < 12; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    readers.push_back(stdio->StreamStdio(contexts.back().get(), {}));
  }
  grpc::ClientContext broker_context;
  auto broker_stream = broker->StartStream(&broker_context);
  ASSERT_TRUE(broker_stream->Write(::plugin::ConnInfo()));

  std::atomic<int> serving{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 10; ++i) {
    callers.emplace_back([&] {
      if (CheckHealth(channel).response == kServing) ++serving;
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(serving.load(), 10);

  EXPECT_TRUE(CallShutdown(channel).ok());
  EXPECT_EQ(plugin.Wait(std::chrono::seconds(5)), 0) << plugin.Stderr();
  ::plugin::StdioData data;
  for (auto& reader : readers) {
    EXPECT_FALSE(reader->Read(&data));  // Ended, never sent anything.
  }
}

TEST_F(ServeTest, DebugModePrintsReattachLineAndStopsOnSigint) {
  PluginProcess plugin({{"PLUGIN_UNIX_SOCKET_DIR", socket_dir_}}, "debug");
  std::string reattach;
  while (std::optional<std::string> line = plugin.ReadLine()) {
    if (line->starts_with("export TF_REATTACH_PROVIDERS='")) {
      reattach = *line;
      break;
    }
  }
  ASSERT_THAT(reattach, Not(IsEmpty())) << plugin.Stderr();
  ASSERT_EQ(reattach.back(), '\'');
  const size_t start = reattach.find('\'') + 1;
  nlohmann::json json =
      nlohmann::json::parse(reattach.substr(start, reattach.size() - start - 1));
  ASSERT_TRUE(json.contains("registry.terraform.io/dcslabs/dcs"));
  ASSERT_TRUE(json.contains("registry.opentofu.org/dcslabs/dcs"));
  const nlohmann::json& entry = json["registry.terraform.io/dcslabs/dcs"];
  EXPECT_EQ(entry["Pid"], plugin.pid());
  EXPECT_EQ(entry["ProtocolVersion"], 6);
  EXPECT_EQ(entry["Test"], true);
  ASSERT_EQ(entry["Addr"]["Network"], "unix");
  const std::string address = entry["Addr"]["String"];
  EXPECT_EQ(CheckHealth(PlainChannel("unix:" + address)).response, kServing);
  plugin.Signal(SIGINT);
  EXPECT_EQ(plugin.Wait(), 0);
  EXPECT_FALSE(std::filesystem::exists(address));
}

}  // namespace
}  // namespace dcs::plugin::testing
