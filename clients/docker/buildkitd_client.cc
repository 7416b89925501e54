#include "clients/docker/buildkitd_client.h"

#include <sys/stat.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "clients/docker/buildkit_status.h"
#include "clients/docker/progress_stream.h"

namespace dcs::docker {
namespace {

namespace bk = moby::buildkit::v1;

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string RandomRef() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string id = "dcs-";
  for (int i = 0; i < 20; ++i) id += kAlphabet[rd() % 36];
  return id;
}

bk::CacheOptionsEntry ToEntry(const CacheSpec& c) {
  bk::CacheOptionsEntry e;
  e.set_type(c.type);
  for (const auto& [k, v] : c.attrs) (*e.mutable_attrs())[k] = v;
  return e;
}

absl::Status FromGrpc(const grpc::Status& s, const std::string& what) {
  const std::string msg = absl::StrCat(what, ": ", s.error_message());
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE: return absl::UnavailableError(msg);
    case grpc::StatusCode::DEADLINE_EXCEEDED: return absl::DeadlineExceededError(msg);
    case grpc::StatusCode::CANCELLED: return absl::CancelledError(msg);
    case grpc::StatusCode::INVALID_ARGUMENT: return absl::InvalidArgumentError(msg);
    case grpc::StatusCode::PERMISSION_DENIED: return absl::PermissionDeniedError(msg);
    case grpc::StatusCode::UNAUTHENTICATED: return absl::UnauthenticatedError(msg);
    default: return absl::UnknownError(msg);
  }
}

}  // namespace

absl::StatusOr<BuildkitdEndpoint> ParseBuildkitdEndpoint(const std::string& host, const std::string& cert_path) {
  BuildkitdEndpoint e;
  e.description = host;
  if (absl::StartsWith(host, "unix://")) {
    const std::string path = host.substr(7);
    if (path.empty() || path[0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat("buildkit_host \"", host, "\": unix:// needs an absolute socket path"));
    }
    e.target = "unix://" + path;
    return e;
  }
  if (absl::StartsWith(host, "tcp://")) {
    std::string hp = host.substr(6);
    while (!hp.empty() && hp.back() == '/') hp.pop_back();
    if (hp.rfind(':') == std::string::npos || hp.rfind(':') + 1 == hp.size()) {
      return absl::InvalidArgumentError(absl::StrCat("buildkit_host \"", host, "\": tcp:// needs host:port"));
    }
    e.target = hp;
    if (!cert_path.empty()) {
      e.tls = true;
      e.ca_file = cert_path + "/ca.pem";
      e.cert_file = cert_path + "/cert.pem";
      e.key_file = cert_path + "/key.pem";
      for (const std::string* f : {&e.ca_file, &e.cert_file, &e.key_file}) {
        if (!Exists(*f)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "TLS to buildkitd at ", host, ": ", *f, " does not exist. buildkit_cert_path must hold ca.pem (the CA ",
              "that signed the daemon's certificate), cert.pem and key.pem (the client certificate its --tlscacert trusts)."));
        }
      }
    }
    return e;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("buildkit_host \"", host, "\": use unix:///path/buildkitd.sock or tcp://host:port"));
}

absl::StatusOr<CacheSpec> ParseCacheSpec(const std::string& text) {
  CacheSpec c;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    const std::string key(absl::StripAsciiWhitespace(kv.first));
    if (key.empty() || kv.second.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cache entry \"", text, "\": expected comma-separated key=value pairs, e.g. ",
                       "type=registry,ref=registry.example.com/team/app:buildcache"));
    }
    if (key == "type") {
      c.type = kv.second;
    } else {
      c.attrs[key] = kv.second;
    }
  }
  if (c.type.empty()) c.type = "registry";
  if (c.type == "registry" && !c.attrs.count("ref")) {
    return absl::InvalidArgumentError(absl::StrCat("cache entry \"", text, "\": a registry cache needs ref=<image ref>"));
  }
  return c;
}

BuildkitdClient::BuildkitdClient(BuildkitdEndpoint e, std::shared_ptr<grpc::Channel> channel)
    : endpoint_(std::move(e)), channel_(std::move(channel)), stub_(bk::Control::NewStub(channel_)) {}

absl::StatusOr<std::unique_ptr<BuildkitdClient>> BuildkitdClient::Connect(const BuildkitdEndpoint& e,
                                                                          std::chrono::milliseconds timeout) {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (e.tls) {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = ReadFile(e.ca_file);
    o.pem_private_key = ReadFile(e.key_file);
    o.pem_cert_chain = ReadFile(e.cert_file);
    creds = grpc::SslCredentials(o);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(e.target, creds, args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    return absl::UnavailableError(absl::StrCat(
        "cannot reach buildkitd at ", e.description, " within ", timeout.count() / 1000, " s",
        e.tls ? absl::StrCat(" (TLS with ", e.ca_file, ", ", e.cert_file, ", ", e.key_file,
                             ": the daemon must trust the client certificate and present one signed by ca.pem)")
              : std::string(),
        ". Is buildkitd running with --addr ", e.description, "?"));
  }
  return std::unique_ptr<BuildkitdClient>(new BuildkitdClient(e, std::move(channel)));
}

absl::StatusOr<BuildkitdResult> BuildkitdClient::Build(const BuildkitdBuild& b) const {
  const BuildOptions& o = b.options;
  DCS_ASSIGN_OR_RETURN(SessionOptions so, BuildKitSessionOptions(o));
  DCS_ASSIGN_OR_RETURN(std::unique_ptr<BuildSession> session, BuildSession::OpenOnBuildkitd(*stub_, std::move(so)));

  bk::SolveRequest req;
  req.set_ref(RandomRef());
  req.set_session(session->id());
  req.set_frontend("dockerfile.v0");
  auto& fa = *req.mutable_frontendattrs();
  fa["filename"] = kSyncedDockerfile;
  for (const auto& [k, v] : o.build_args) fa["build-arg:" + k] = v;
  for (const auto& [k, v] : o.labels) fa["label:" + k] = v;
  if (!o.target.empty()) fa["target"] = o.target;
  if (!o.platform.empty()) fa["platform"] = o.platform;
  if (o.no_cache) fa["no-cache"] = "";
  if (o.pull) fa["image-resolve-mode"] = "pull";
  if (!o.network_mode.empty() && o.network_mode != "default") fa["force-network-mode"] = o.network_mode;
  auto* exporter = req.add_exporters();
  exporter->set_type("image");
  (*exporter->mutable_attrs())["name"] = absl::StrJoin(o.tags, ",");
  (*exporter->mutable_attrs())["push"] = "true";
  if (b.insecure_registry) (*exporter->mutable_attrs())["registry.insecure"] = "true";
  for (const CacheSpec& c : b.cache_from) *req.mutable_cache()->add_imports() = ToEntry(c);
  if (!b.cache_from.empty()) {
    // A frontend resolves its cache imports itself, from this attribute
    // (what buildctl --import-cache sends as well).
    nlohmann::json imports = nlohmann::json::array();
    for (const CacheSpec& c : b.cache_from) imports.push_back({{"Type", c.type}, {"Attrs", c.attrs}});
    fa["cache-imports"] = imports.dump();
  }
  for (const CacheSpec& c : b.cache_to) *req.mutable_cache()->add_exports() = ToEntry(c);

  BuildKitStream stream;
  grpc::ClientContext status_ctx;
  std::atomic<bool> status_done{false};
  std::thread status_reader([&] {
    bk::StatusRequest sr;
    sr.set_ref(req.ref());
    auto reader = stub_->Status(&status_ctx, sr);
    bk::StatusResponse s;
    while (reader->Read(&s)) stream.OnStatus(s);
    reader->Finish();
    status_done = true;
  });
  grpc::ClientContext solve_ctx;
  solve_ctx.set_deadline(std::chrono::system_clock::now() + o.timeout);
  std::atomic<bool> solving{true};
  std::thread stop_watch([&] {
    while (solving) {
      if (o.stop && o.stop->load()) {
        solve_ctx.TryCancel();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  log::Info("buildkitd: solving", {{"@module", "docker"}, {"buildkitd", endpoint_.description}, {"ref", req.ref()}});
  bk::SolveResponse resp;
  grpc::Status st = stub_->Solve(&solve_ctx, req, &resp);
  solving = false;
  stop_watch.join();
  // The status stream ends with the job; give it a moment, then cut it.
  for (int i = 0; i < 50 && !status_done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (!status_done) status_ctx.TryCancel();
  status_reader.join();
  const bool engine_closed = session->closed_by_engine();
  session->Close();
  BuildkitdResult result;
  result.session = session->log();
  if (o.stop && o.stop->load()) return absl::CancelledError("buildkitd build: stopped (the provider was asked to stop)");
  if (!st.ok()) {
    if (st.error_code() == grpc::StatusCode::UNAVAILABLE) {
      return absl::UnavailableError(absl::StrCat("buildkitd at ", endpoint_.description, " went away: ", st.error_message()));
    }
    stream.OnMessage({{"errorDetail", {{"message", st.error_message()}}}});
    absl::Status s = stream.Result();
    std::string msg(s.message());
    for (const auto& [id, value] : o.secrets) msg = Scrub(msg, value);
    if (engine_closed) {
      absl::StrAppend(&msg, "\nbuildkitd closed the BuildKit session (the stream on which the provider serves the "
                            "build its files, secrets and credentials) before the build finished.");
    }
    for (const std::string& e : result.session.errors) absl::StrAppend(&msg, "\nfile sync: ", e);
    return absl::Status(s.code(), msg);
  }
  const auto& er = resp.exporterresponse();
  if (auto it = er.find("containerimage.digest"); it != er.end()) result.digest = it->second;
  if (auto it = er.find("containerimage.config.digest"); it != er.end()) result.config_digest = it->second;
  result.completed_steps = stream.completed();
  if (result.digest.empty()) {
    return absl::UnknownError("buildkitd finished without reporting the pushed digest (containerimage.digest)");
  }
  log::Info("buildkitd: pushed", {{"@module", "docker"}, {"digest", result.digest}});
  return result;
}

}  // namespace dcs::docker
