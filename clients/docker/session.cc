#include "clients/docker/session.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <random>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_posix.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "buildkit/control.grpc.pb.h"
#include "buildkit/filesync.grpc.pb.h"
#include "buildkit/secrets.grpc.pb.h"

namespace dcs::docker {
namespace {

using Clock = std::chrono::steady_clock;
using filesync::Packet;

std::string RandomId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 25; ++i) id += kAlphabet[rd() % 36];
  return id;
}

// Go's url.QueryUnescape, for metadata values marked "<key>-encoded".
std::string QueryUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      if (absl::SimpleHexAtoi(absl::string_view(s.data() + i + 1, 2), &v)) {
        out += static_cast<char>(v);
        i += 2;
      } else {
        out += s[i];
      }
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> MetaValues(const grpc::ServerContext& ctx, const std::string& key) {
  const auto& md = ctx.client_metadata();
  bool encoded = false;
  for (auto [it, end] = md.equal_range(key + "-encoded"); it != end; ++it) {
    encoded = std::string(it->second.data(), it->second.size()) == "1" ||
              std::string(it->second.data(), it->second.size()) == "true";
  }
  std::vector<std::string> out;
  for (auto [it, end] = md.equal_range(key); it != end; ++it) {
    std::string v(it->second.data(), it->second.size());
    out.push_back(encoded ? QueryUnescape(v) : v);
  }
  return out;
}

class GrpcPacketStream : public filesync::PacketStream {
 public:
  explicit GrpcPacketStream(grpc::ServerReaderWriter<Packet, Packet>* s) : s_(s) {}
  bool Write(const Packet& p) override { return s_->Write(p); }
  bool Read(Packet* p) override { return s_->Read(p); }

 private:
  grpc::ServerReaderWriter<Packet, Packet>* s_;
};

std::string HostHeader(const Endpoint& e) {
  if (!e.unix_socket.empty()) return "localhost";
  std::string_view h = e.base_url;
  if (auto p = h.find("://"); p != std::string_view::npos) h.remove_prefix(p + 3);
  return std::string(h);
}

}  // namespace

std::vector<std::string> SessionMethods() {
  return {"/moby.filesync.v1.FileSync/DiffCopy", "/moby.filesync.v1.Auth/Credentials",
          "/moby.buildkit.secrets.v1.Secrets/GetSecret", "/grpc.health.v1.Health/Check"};
}

struct BuildSession::Impl {
  SessionOptions options;
  std::string id;
  mutable std::mutex mu;
  SessionLog log;
  CURL* curl = nullptr;
  curl_socket_t sock = CURL_SOCKET_BAD;
  int bridge_fd = -1;  // our end of the socketpair (gRPC owns the other)
  int wake_fd = -1;
  std::thread bridge;
  std::atomic<bool> engine_closed{false};
  // buildkitd: the session rides on a Control.Session stream instead.
  std::unique_ptr<grpc::ClientContext> ctl_ctx;
  std::unique_ptr<grpc::ClientReaderWriterInterface<moby::buildkit::v1::BytesMessage, moby::buildkit::v1::BytesMessage>> ctl_stream;
  std::thread ctl_reader;
  std::atomic<bool> closing{false};
  bool closed = false;

  ~Impl() { Close(); }

  class FileSyncService final : public moby::filesync::v1::FileSync::Service {
   public:
    explicit FileSyncService(Impl* impl) : impl_(impl) {}
    grpc::Status DiffCopy(grpc::ServerContext* ctx, grpc::ServerReaderWriter<Packet, Packet>* stream) override {
      const auto names = MetaValues(*ctx, "dir-name");
      const std::string name = names.empty() ? "" : names.front();
      auto dir = impl_->options.dirs.find(name);
      if (dir == impl_->options.dirs.end()) {
        return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no access allowed to dir \"", name, "\""));
      }
      filesync::SyncRequest r{MetaValues(*ctx, "include-patterns"), MetaValues(*ctx, "exclude-patterns"),
                              MetaValues(*ctx, "followpaths")};
      auto selected = filesync::Select(dir->second, r);
      if (!selected.ok()) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(selected.status().message()));
      }
      GrpcPacketStream ps(stream);
      auto stats = filesync::ServeDiffCopy(*selected, ps, impl_->options.stop);
      std::lock_guard<std::mutex> lock(impl_->mu);
      if (!stats.ok()) {
        impl_->log.errors.push_back(absl::StrCat(name, ": ", stats.status().message()));
        return grpc::Status(grpc::StatusCode::UNKNOWN, std::string(stats.status().message()));
      }
      impl_->log.dirs_synced.push_back(absl::StrCat(name, ": ", stats->entries, " entries, ", stats->files_sent,
                                                    " files, ", stats->bytes_sent, " bytes"));
      log::Debug("docker build: file sync done", {{"@module", "docker"}, {"dir", name},
                                                  {"entries", std::to_string(stats->entries)},
                                                  {"files", std::to_string(stats->files_sent)},
                                                  {"bytes", std::to_string(stats->bytes_sent)}});
      return grpc::Status::OK;
    }

   private:
    Impl* impl_;
  };

  class AuthService final : public moby::filesync::v1::Auth::Service {
   public:
    explicit AuthService(Impl* impl) : impl_(impl) {}
    grpc::Status Credentials(grpc::ServerContext*, const moby::filesync::v1::CredentialsRequest* req,
                             moby::filesync::v1::CredentialsResponse* resp) override {
      for (const auto& [host, cred] : impl_->options.credentials) {
        if (host == req->host()) {
          resp->set_username(cred.first);
          resp->set_secret(cred.second);
          break;
        }
      }
      return grpc::Status::OK;  // anonymous when unknown, as the docker CLI answers
    }

   private:
    Impl* impl_;
  };

  class SecretsService final : public moby::buildkit::secrets::v1::Secrets::Service {
   public:
    explicit SecretsService(Impl* impl) : impl_(impl) {}
    grpc::Status GetSecret(grpc::ServerContext*, const moby::buildkit::secrets::v1::GetSecretRequest* req,
                           moby::buildkit::secrets::v1::GetSecretResponse* resp) override {
      auto it = impl_->options.secrets.find(req->id());
      if (it == impl_->options.secrets.end()) {
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->log.missing_secrets.push_back(req->id());
        return grpc::Status(grpc::StatusCode::NOT_FOUND,
                            absl::StrCat("secret ", req->id(), " not found: no `secret` block of dcs_image has this id"));
      }
      log::Debug("docker build: secret served", {{"@module", "docker"}, {"id", req->id()}});
      resp->set_data(it->second);
      return grpc::Status::OK;
    }

   private:
    Impl* impl_;
  };

  FileSyncService filesync_service{this};
  AuthService auth_service{this};
  SecretsService secrets_service{this};
  std::unique_ptr<grpc::Server> server;

  bool SendAll(const char* data, size_t n) {
    while (n > 0) {
      size_t sent = 0;
      CURLcode rc = curl_easy_send(curl, data, n, &sent);
      if (rc == CURLE_AGAIN) {
        if (closing) return false;
        pollfd p{sock, POLLOUT, 0};
        poll(&p, 1, 1000);
        continue;
      }
      if (rc != CURLE_OK) return false;
      data += sent;
      n -= sent;
    }
    return true;
  }

  static bool WriteAll(int fd, const char* data, size_t n) {
    while (n > 0) {
      ssize_t w = write(fd, data, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      data += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }

  void Bridge() {
    std::vector<char> buf(64 * 1024);
    while (!closing) {
      pollfd p[3] = {{sock, POLLIN, 0}, {bridge_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
      if (poll(p, 3, 1000) < 0 && errno != EINTR) break;
      if (p[2].revents) break;
      if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        bool done = false;
        for (;;) {
          size_t got = 0;
          CURLcode rc = curl_easy_recv(curl, buf.data(), buf.size(), &got);
          if (rc == CURLE_AGAIN) break;
          if (rc != CURLE_OK || got == 0) {
            engine_closed = true;
            done = true;
            break;
          }
          if (!WriteAll(bridge_fd, buf.data(), got)) {
            done = true;
            break;
          }
        }
        if (done) break;
      }
      if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t got = read(bridge_fd, buf.data(), buf.size());
        if (got <= 0) break;
        if (!SendAll(buf.data(), static_cast<size_t>(got))) {
          engine_closed = true;
          break;
        }
      }
    }
    if (engine_closed && !closing) {
      log::Debug("docker build: the engine closed the BuildKit session", {{"@module", "docker"}});
    }
    shutdown(bridge_fd, SHUT_RDWR);  // gRPC sees the end of the connection
  }

  // buildkitd: our gRPC server's bytes go out as BytesMessages on the
  // Control.Session stream; the reader thread feeds the daemon's back.
  void BridgeControl() {
    std::vector<char> buf(32 * 1024);
    moby::buildkit::v1::BytesMessage m;
    while (!closing) {
      pollfd p[2] = {{bridge_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
      if (poll(p, 2, 1000) < 0 && errno != EINTR) break;
      if (p[1].revents) break;
      if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t got = read(bridge_fd, buf.data(), buf.size());
        if (got <= 0) break;
        m.set_data(buf.data(), static_cast<size_t>(got));
        if (!ctl_stream->Write(m)) {
          engine_closed = true;
          break;
        }
      }
    }
    shutdown(bridge_fd, SHUT_RDWR);
  }

  void ReadControl() {
    moby::buildkit::v1::BytesMessage m;
    while (ctl_stream->Read(&m)) {
      if (!WriteAll(bridge_fd, m.data().data(), m.data().size())) break;
    }
    if (!closing) engine_closed = true;
    shutdown(bridge_fd, SHUT_RDWR);
  }

  void Close() {
    if (closed) return;
    closed = true;
    closing = true;
    if (wake_fd >= 0) {
      uint64_t one = 1;
      (void)!write(wake_fd, &one, sizeof one);
    }
    if (bridge.joinable()) bridge.join();
    if (ctl_ctx) ctl_ctx->TryCancel();
    if (ctl_reader.joinable()) ctl_reader.join();
    if (server) {
      server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
      server->Wait();
    }
    if (bridge_fd >= 0) close(bridge_fd);
    if (wake_fd >= 0) close(wake_fd);
    if (curl) curl_easy_cleanup(curl);
    bridge_fd = wake_fd = -1;
    curl = nullptr;
  }
};

BuildSession::BuildSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BuildSession::~BuildSession() { Close(); }
const std::string& BuildSession::id() const { return impl_->id; }
bool BuildSession::closed_by_engine() const { return impl_->engine_closed; }
void BuildSession::Close() { impl_->Close(); }
SessionLog BuildSession::log() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->log;
}

static void EnableHealth() {
  static std::once_flag health_once;
  std::call_once(health_once, [] { grpc::EnableDefaultHealthCheckService(true); });
}

// The socketpair and the gRPC server on one end of it; `leftover` (bytes that
// arrived with the upgrade answer) is handed to gRPC first.
static absl::Status StartServer(BuildSession::Impl& s, const std::string& leftover) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return absl::InternalError("socketpair failed");
  s.bridge_fd = sv[1];
  // gRPC's poller expects a non-blocking socket (it does not set the flag on
  // a descriptor handed to it).
  fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  s.wake_fd = eventfd(0, EFD_CLOEXEC);
  grpc::ServerBuilder builder;
  builder.RegisterService(&s.filesync_service);
  builder.RegisterService(&s.auth_service);
  builder.RegisterService(&s.secrets_service);
  s.server = builder.BuildAndStart();
  if (!s.server) {
    close(sv[0]);
    return absl::InternalError("BuildKit session: cannot start the gRPC server");
  }
  grpc::AddInsecureChannelFromFd(s.server.get(), sv[0]);
  if (!leftover.empty() && !BuildSession::Impl::WriteAll(s.bridge_fd, leftover.data(), leftover.size())) {
    return absl::InternalError("BuildKit session: cannot hand over the connection");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<BuildSession>> BuildSession::Open(const Endpoint& endpoint,
                                                                  const std::string& api_version,
                                                                  SessionOptions options) {
  EnableHealth();
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->id = RandomId();
  Impl& s = *impl;
  const auto deadline = Clock::now() + s.options.connect_timeout;

  s.curl = curl_easy_init();
  if (s.curl == nullptr) return absl::InternalError("curl_easy_init failed");
  const std::string url = absl::StrCat(endpoint.base_url, "/v", api_version, "/session");
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(s.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(s.curl, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(s.curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(s.curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(s.curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.options.connect_timeout.count()));
  if (!endpoint.unix_socket.empty()) curl_easy_setopt(s.curl, CURLOPT_UNIX_SOCKET_PATH, endpoint.unix_socket.c_str());
  if (endpoint.tls) {
    if (!endpoint.tls_verify) {
      curl_easy_setopt(s.curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(s.curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!endpoint.ca_file.empty()) {
      curl_easy_setopt(s.curl, CURLOPT_CAINFO, endpoint.ca_file.c_str());
    }
    if (!endpoint.cert_file.empty()) curl_easy_setopt(s.curl, CURLOPT_SSLCERT, endpoint.cert_file.c_str());
    if (!endpoint.key_file.empty()) curl_easy_setopt(s.curl, CURLOPT_SSLKEY, endpoint.key_file.c_str());
  }
  CURLcode rc = curl_easy_perform(s.curl);
  curl_easy_setopt(s.curl, CURLOPT_ERRORBUFFER, nullptr);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("BuildKit session: cannot connect to the Docker daemon at ",
                                               endpoint.description, ": ", error[0] ? error : curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(s.curl, CURLINFO_ACTIVESOCKET, &s.sock);

  std::string request = absl::StrCat("POST /v", api_version, "/session HTTP/1.1\r\nHost: ", HostHeader(endpoint),
                                     "\r\nUser-Agent: dcs\r\nContent-Length: 0\r\nConnection: Upgrade\r\n"
                                     "Upgrade: h2c\r\nX-Docker-Expose-Session-Uuid: ", s.id,
                                     "\r\nX-Docker-Expose-Session-Name: ", s.options.name,
                                     "\r\nX-Docker-Expose-Session-Sharedkey: ", s.options.shared_key, "\r\n");
  for (const std::string& m : SessionMethods()) absl::StrAppend(&request, "X-Docker-Expose-Session-Grpc-Method: ", m, "\r\n");
  request += "\r\n";
  if (!s.SendAll(request.data(), request.size())) {
    return absl::UnavailableError("BuildKit session: the Docker daemon closed the connection");
  }
  std::string in;
  std::vector<char> buf(16 * 1024);
  size_t header_end = std::string::npos;
  while ((header_end = in.find("\r\n\r\n")) == std::string::npos) {
    if (Clock::now() > deadline) return absl::DeadlineExceededError("BuildKit session: no answer to POST /session");
    if (s.options.stop && s.options.stop->load()) return absl::CancelledError("stopped");
    size_t got = 0;
    rc = curl_easy_recv(s.curl, buf.data(), buf.size(), &got);
    if (rc == CURLE_AGAIN) {
      pollfd p{s.sock, POLLIN, 0};
      poll(&p, 1, 200);
      continue;
    }
    if (rc != CURLE_OK || got == 0) {
      if (in.empty()) return absl::UnavailableError("BuildKit session: the Docker daemon closed the connection");
      break;
    }
    in.append(buf.data(), got);
  }
  const std::string status_line = in.substr(0, in.find("\r\n"));
  std::vector<std::string> parts = absl::StrSplit(status_line, ' ');
  int code = 0;
  if (parts.size() < 2 || !absl::SimpleAtoi(parts[1], &code)) {
    return absl::FailedPreconditionError(absl::StrCat("BuildKit session: unexpected answer to POST /session: ", status_line));
  }
  if (code != 101) {
    std::string body = header_end == std::string::npos ? "" : in.substr(header_end + 4);
    return absl::FailedPreconditionError(absl::StrCat(
        "the Docker engine at ", endpoint.description, " refused a BuildKit session (POST /v", api_version,
        "/session answered HTTP ", code, absl::StripAsciiWhitespace(body).empty() ? "" : ": ",
        absl::StripAsciiWhitespace(body).substr(0, 300), ")"));
  }
  const std::string leftover = in.substr(header_end + 4);

  DCS_RETURN_IF_ERROR(StartServer(s, leftover));
  s.bridge = std::thread([&s] { s.Bridge(); });
  log::Debug("docker build: BuildKit session open", {{"@module", "docker"}, {"session", s.id}});
  return std::unique_ptr<BuildSession>(new BuildSession(std::move(impl)));
}

}  // namespace dcs::docker

namespace dcs::docker {

absl::StatusOr<std::unique_ptr<BuildSession>> BuildSession::OpenOnBuildkitd(
    moby::buildkit::v1::Control::StubInterface& control, SessionOptions options) {
  EnableHealth();
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->id = RandomId();
  Impl& s = *impl;
  s.ctl_ctx = std::make_unique<grpc::ClientContext>();
  // The session headers travel as (lower-case) metadata of the stream.
  s.ctl_ctx->AddMetadata("x-docker-expose-session-uuid", s.id);
  s.ctl_ctx->AddMetadata("x-docker-expose-session-name", s.options.name);
  s.ctl_ctx->AddMetadata("x-docker-expose-session-sharedkey", s.options.shared_key);
  for (const std::string& m : SessionMethods()) s.ctl_ctx->AddMetadata("x-docker-expose-session-grpc-method", m);
  s.ctl_stream = control.Session(s.ctl_ctx.get());
  if (!s.ctl_stream) return absl::UnavailableError("buildkitd: cannot open the session stream");
  DCS_RETURN_IF_ERROR(StartServer(s, ""));
  s.ctl_reader = std::thread([&s] { s.ReadControl(); });
  s.bridge = std::thread([&s] { s.BridgeControl(); });
  log::Debug("buildkitd: session open", {{"@module", "docker"}, {"session", s.id}});
  return std::unique_ptr<BuildSession>(new BuildSession(std::move(impl)));
}

}  // namespace dcs::docker
