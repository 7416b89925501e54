#include "clients/docker/docker_client.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/http_status.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "clients/buildcontext/context.h"
#include "clients/buildcontext/tar_stream.h"
#include "clients/docker/buildkit_status.h"
#include "clients/docker/filesync.h"
#include "clients/docker/progress_stream.h"
#include "clients/http/text.h"

namespace dcs::docker {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;

// object[key] if it is a string, else `fallback` (the daemon's JSON is outside
// input; nlohmann's value() throws when a member has another type).
std::string StringField(const nlohmann::json& object, const char* key, std::string fallback) {
  auto it = object.is_object() ? object.find(key) : object.end();
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

void AddParam(std::string& query, std::string_view key, std::string_view value) {
  absl::StrAppend(&query, query.empty() ? "?" : "&", std::string(key), "=", http::UrlEscape(value));
}

std::string JsonMap(const std::map<std::string, std::string>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j.dump();
}

std::string Base64UrlPadded(const std::string& data) {
  std::string out = absl::Base64Escape(data);
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

nlohmann::json AuthJson(const AuthConfig& a) {
  nlohmann::json j = nlohmann::json::object();
  if (!a.identity_token.empty()) {
    j["identitytoken"] = a.identity_token;
  } else if (!a.username.empty() || !a.password.empty()) {
    j["username"] = a.username;
    j["password"] = a.password;
  }
  if (!a.server_address.empty()) j["serveraddress"] = a.server_address;
  return j;
}

std::string UnreachableHint(const Endpoint& e) {
  return absl::StrCat("cannot reach the Docker daemon at ", e.description,
                      ". Is it running? Point DOCKER_HOST at it, e.g. ",
                      "DOCKER_HOST=unix:///var/run/docker.sock or DOCKER_HOST=tcp://host:2376 ",
                      "with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH=<dir with ca.pem, cert.pem, ",
                      "key.pem>");
}

// What to check when TLS with a tcp:// daemon fails: which file plays which part.
std::string TlsHint(const Endpoint& e) {
  return absl::StrCat(
      "TLS with the Docker daemon at ", e.description, " failed. ",
      e.tls_verify ? absl::StrCat(e.ca_file, " must be the CA that signed the daemon's certificate, and ")
                   : std::string(),
      "the daemon must trust the client certificate ", e.cert_file, " (signed by the CA of its --tlscacert; ",
      "the key is ", e.key_file, "). Check DOCKER_CERT_PATH, the directory holding ca.pem, cert.pem and key.pem",
      e.tls_verify ? "; DOCKER_TLS_VERIFY makes the client verify the daemon" : "");
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The certificate files must exist before a handshake is tried, so that a
// wrong DOCKER_CERT_PATH is named as such instead of as an OpenSSL error. Like
// the docker CLI, a directory without cert.pem and key.pem means "no client
// certificate"; a daemon started with --tlsverify will then refuse us.
absl::Status CheckTlsFiles(Endpoint& e) {
  if (!e.tls) return absl::OkStatus();
  const std::string fix = " Set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem.";
  if (e.tls_verify && !FileExists(e.ca_file)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "TLS to the Docker daemon at ", e.description, ": the CA certificate ", e.ca_file,
        " does not exist (it is needed to verify the daemon).", fix));
  }
  const bool cert = FileExists(e.cert_file), key = FileExists(e.key_file);
  if (cert != key) {
    return absl::FailedPreconditionError(absl::StrCat(
        "TLS to the Docker daemon at ", e.description, ": ", cert ? e.key_file : e.cert_file,
        " does not exist, but ", cert ? e.cert_file : e.key_file,
        " does; the client certificate needs both.", fix));
  }
  if (!cert) {
    e.cert_file.clear();
    e.key_file.clear();
  }
  return absl::OkStatus();
}

std::string BuildQuery(const BuildOptions& o) {
  std::string q;
  for (const std::string& t : o.tags) AddParam(q, "t", t);
  AddParam(q, "dockerfile", o.dockerfile_inline.empty() ? buildcontext::CleanPath(o.dockerfile)
                                                        : std::string(kInlineDockerfileName));
  if (!o.build_args.empty()) AddParam(q, "buildargs", JsonMap(o.build_args));
  if (!o.labels.empty()) AddParam(q, "labels", JsonMap(o.labels));
  if (!o.target.empty()) AddParam(q, "target", o.target);
  if (!o.platform.empty()) AddParam(q, "platform", o.platform);
  if (!o.network_mode.empty()) AddParam(q, "networkmode", o.network_mode);
  if (o.no_cache) AddParam(q, "nocache", "1");
  if (o.pull) AddParam(q, "pull", "1");
  if (!o.cache_from.empty()) AddParam(q, "cachefrom", nlohmann::json(o.cache_from).dump());
  AddParam(q, "rm", "1");
  AddParam(q, "forcerm", "1");
  AddParam(q, "version", "1");
  return q;
}

std::string BuildKitQuery(const BuildOptions& o, const std::string& session_id) {
  std::string q;
  for (const std::string& t : o.tags) AddParam(q, "t", t);
  AddParam(q, "dockerfile", kSyncedDockerfile);
  if (!o.build_args.empty()) AddParam(q, "buildargs", JsonMap(o.build_args));
  if (!o.labels.empty()) AddParam(q, "labels", JsonMap(o.labels));
  if (!o.target.empty()) AddParam(q, "target", o.target);
  if (!o.platform.empty()) AddParam(q, "platform", o.platform);
  if (!o.network_mode.empty()) AddParam(q, "networkmode", o.network_mode);
  if (o.no_cache) AddParam(q, "nocache", "1");
  if (o.pull) AddParam(q, "pull", "1");
  if (!o.cache_from.empty()) AddParam(q, "cachefrom", nlohmann::json(o.cache_from).dump());
  AddParam(q, "version", "2");
  AddParam(q, "session", session_id);
  AddParam(q, "remote", "client-session");
  return q;
}

std::string BaseName(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// Collects a streamed body: feeds the parser and keeps the first bytes for
// error messages (non-200 answers are a small JSON object).
struct StreamSink {
  JsonLineSplitter splitter;
  std::string head;
  bool got_chunks = false;
  bool operator()(std::string_view chunk) {
    got_chunks = true;
    if (head.size() < kMaxErrorBody) head.append(chunk.substr(0, kMaxErrorBody - head.size()));
    splitter.Feed(chunk);
    return true;
  }
  void Complete(const http::Response& r) {
    if (!got_chunks && !r.body.empty()) (*this)(r.body);
    splitter.Finish();
  }
};

}  // namespace

std::string EncodeAuthConfig(const AuthConfig& auth) {
  return Base64UrlPadded(AuthJson(auth).dump());
}

int CompareApiVersions(const std::string& a, const std::string& b) {
  auto parse = [](const std::string& v) {
    int major = 0, minor = 0;
    std::sscanf(v.c_str(), "%d.%d", &major, &minor);
    return std::make_pair(major, minor);
  };
  auto pa = parse(a), pb = parse(b);
  return pa < pb ? -1 : (pa == pb ? 0 : 1);
}

absl::Status EngineError(const http::Response& r, const std::string& what) {
  std::string message;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    message = j["message"].get<std::string>();
  } else {
    message = http::text::Utf8Prefix(r.body, 512);  // whole characters only
  }
  const std::string text = absl::StrCat(what, ": Docker daemon answered HTTP ", r.status, ": ", message);
  return StatusForHttp(r.status, text);
}

http::Request DockerClient::NewRequest(const std::string& method, const std::string& path) const {
  http::Request r;
  r.method = method;
  r.url = endpoint_.base_url + (api_version_.empty() ? "" : "/v" + api_version_) + path;
  r.unix_socket = endpoint_.unix_socket;
  if (endpoint_.tls) {
    r.ca_file = endpoint_.tls_verify ? endpoint_.ca_file : "";
    r.insecure_skip_verify = !endpoint_.tls_verify;
    r.client_cert_file = endpoint_.cert_file;
    r.client_key_file = endpoint_.key_file;
  }
  return r;
}

absl::StatusOr<http::Response> DockerClient::Send(const http::Request& request) const {
  auto r = transport_->Send(request);
  if (r.ok()) answered_ = true;
  // Certificate problems (FailedPrecondition), SSL errors and, before the
  // daemon ever answered, a connection it accepted and then dropped (how a
  // daemon with --tlsverify refuses a client certificate under TLS 1.3) are TLS
  // set-up mistakes, not a daemon that is down.
  if (!r.ok() && endpoint_.tls) {
    const std::string message(r.status().message());
    const bool never_connected = absl::StrContains(message, "Failed to connect") ||
                                 absl::StrContains(message, "resolve") ||
                                 absl::StrContains(message, "Connection refused") ||
                                 absl::StrContains(message, "timed out");
    const bool ssl = absl::StrContains(message, "SSL") || absl::StrContains(message, "TLS");
    if (r.status().code() == absl::StatusCode::kFailedPrecondition ||
        (r.status().code() == absl::StatusCode::kUnavailable && (ssl || (!answered_ && !never_connected)))) {
      return absl::FailedPreconditionError(absl::StrCat(TlsHint(endpoint_), " (", message, ")"));
    }
  }
  if (!r.ok() && r.status().code() == absl::StatusCode::kUnavailable) {
    return absl::UnavailableError(
        absl::StrCat(UnreachableHint(endpoint_), " (", r.status().message(), ")"));
  }
  return r;
}

absl::StatusOr<std::unique_ptr<DockerClient>> DockerClient::Connect(
    Endpoint endpoint, std::shared_ptr<http::Transport> transport) {
  struct stat st;
  if (!endpoint.unix_socket.empty() && stat(endpoint.unix_socket.c_str(), &st) != 0) {
    return absl::UnavailableError(absl::StrCat(UnreachableHint(endpoint), " (socket ",
                                               endpoint.unix_socket, " does not exist)"));
  }
  DCS_RETURN_IF_ERROR(CheckTlsFiles(endpoint));
  std::unique_ptr<DockerClient> c(new DockerClient(std::move(endpoint), std::move(transport)));
  DCS_RETURN_IF_ERROR(c->Negotiate());
  return c;
}

absl::Status DockerClient::Negotiate() {
  if (!endpoint_.pinned_api_version.empty()) {
    api_version_ = endpoint_.pinned_api_version;
    return absl::OkStatus();
  }
  DCS_ASSIGN_OR_RETURN(http::Response ping, Send(NewRequest("GET", "/_ping")));
  if (ping.status == 400 && !endpoint_.tls && absl::StrContains(ping.body, "HTTPS")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the Docker daemon at ", endpoint_.description, " only speaks TLS (it answered: ",
        absl::StripAsciiWhitespace(ping.body), "). Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the ",
        "directory holding ca.pem, cert.pem and key.pem."));
  }
  if (ping.status != 200) return EngineError(ping, "GET /_ping");
  DCS_ASSIGN_OR_RETURN(http::Response version, Send(NewRequest("GET", "/version")));
  if (version.status != 200) return EngineError(version, "GET /version");
  auto v = nlohmann::json::parse(version.body, nullptr, false);
  std::string server_max = ping.Header("Api-Version");
  std::string server_min = kMinApiVersion;
  if (v.is_object()) {
    if (server_max.empty()) server_max = StringField(v, "ApiVersion", "");
    server_min = StringField(v, "MinAPIVersion", server_min);
  }
  if (server_max.empty()) server_max = kMaxApiVersion;
  api_version_ = CompareApiVersions(server_max, kMaxApiVersion) < 0 ? server_max : kMaxApiVersion;
  if (CompareApiVersions(api_version_, kMinApiVersion) < 0 ||
      CompareApiVersions(api_version_, server_min) < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Docker daemon API range ", server_min, "..", server_max, " does not overlap ours ",
        kMinApiVersion, "..", kMaxApiVersion));
  }
  dcs::log::Debug("docker: negotiated API version",
                  {{"@module", "docker"}, {"api_version", api_version_},
                   {"server", StringField(v, "Version", "")}});
  return absl::OkStatus();
}

absl::StatusOr<SessionOptions> BuildKitSessionOptions(const BuildOptions& o) {
  const bool inline_df = !o.dockerfile_inline.empty();
  DCS_ASSIGN_OR_RETURN(
      buildcontext::Context ctx,
      buildcontext::ListContext({o.context_dir, inline_df ? kInlineDockerfileName : o.dockerfile,
                                 /*dockerfile_in_context=*/!inline_df}));
  std::string dockerfile = o.dockerfile_inline;
  if (!inline_df) {
    const std::string path = o.context_dir + "/" + buildcontext::CleanPath(o.dockerfile);
    std::ifstream f(path, std::ios::binary);
    std::ostringstream text;
    if (!f || !(text << f.rdbuf())) return absl::NotFoundError(absl::StrCat("cannot read the Dockerfile ", path));
    dockerfile = text.str();
  }
  SessionOptions so;
  so.name = BaseName(o.context_dir);
  so.shared_key = absl::StrCat("dcs-", std::hash<std::string>{}(o.context_dir));
  so.dirs["context"] = filesync::ContextDir(o.context_dir, std::move(ctx.entries));
  so.dirs["dockerfile"] = filesync::SingleFileDir(kSyncedDockerfile, std::move(dockerfile));
  so.secrets = o.secrets;
  for (const auto& [id, value] : o.secrets) dcs::log::RegisterSecret(value);
  for (const AuthConfig& a : o.registry_auths) {
    dcs::log::RegisterSecret(a.password);
    dcs::log::RegisterSecret(a.identity_token);
    // An identity (refresh) token travels as the secret with no user name.
    so.credentials.push_back({a.server_address, a.identity_token.empty()
                                                    ? std::make_pair(a.username, a.password)
                                                    : std::make_pair(std::string(), a.identity_token)});
  }
  so.stop = o.stop;
  return so;
}

bool DockerClient::SupportsBuildKit() const {
  return CompareApiVersions(api_version_, kMinBuildKitApiVersion) >= 0;
}

Builder DockerClient::DefaultBuilder() const {
  return SupportsBuildKit() ? Builder::kBuildKit : Builder::kClassic;
}

absl::StatusOr<BuildResult> DockerClient::BuildWithBuildKit(const BuildOptions& o) const {
  if (!SupportsBuildKit()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the Docker engine at ", endpoint_.description, " speaks Engine API ", api_version_,
        ", which has no BuildKit session support (API ", kMinBuildKitApiVersion, ", Engine 18.09, is the minimum)"));
  }
  DCS_ASSIGN_OR_RETURN(SessionOptions so, BuildKitSessionOptions(o));
  DCS_ASSIGN_OR_RETURN(std::unique_ptr<BuildSession> session, BuildSession::Open(endpoint_, api_version_, std::move(so)));

  BuildOptions effective = o;
  if (o.network_mode.empty()) {
    // BuildKit's default network is the engine's "bridge"; an engine started
    // without one (dockerd --bridge=none) fails every RUN with "network
    // bridge not found", while the classic builder runs such steps without a
    // network. Do the same here.
    auto bridge = Send(NewRequest("GET", "/networks/bridge"));
    if (bridge.ok() && bridge->status == 404) {
      effective.network_mode = "none";
      dcs::log::Info("docker build: the engine has no bridge network; RUN steps get no network",
                     {{"@module", "docker"}});
    }
  }
  http::Request req = NewRequest("POST", "/build" + BuildKitQuery(effective, session->id()));
  req.timeout = o.timeout;
  BuildKitStream stream;
  StreamSink sink{JsonLineSplitter([&](const nlohmann::json& m) { stream.OnMessage(m); })};
  req.on_body = [&](std::string_view chunk) { return !(o.stop && o.stop->load()) && sink(chunk); };
  req.cancel = o.stop;
  auto resp = Send(req);
  const bool engine_closed = session->closed_by_engine();
  session->Close();
  BuildResult result;
  result.session = session->log();
  if (o.stop && o.stop->load()) return absl::CancelledError("docker build: stopped (the provider was asked to stop)");
  if (!resp.ok()) return resp.status();
  if (resp->status != 200) {
    http::Response err = *resp;
    if (err.body.empty()) err.body = sink.head;
    return EngineError(err, "docker build");
  }
  sink.Complete(*resp);
  absl::Status s = stream.Result();
  if (!s.ok()) {
    std::string msg(s.message());
    for (const auto& [id, value] : o.secrets) msg = Scrub(msg, value);
    if (engine_closed) {
      absl::StrAppend(&msg, "\nThe BuildKit session (the connection on which the provider serves the build its "
                            "files, secrets and credentials) was closed by the engine, or by something between "
                            "the provider and the engine, before the build finished. Retry; if it recurs, check "
                            "proxies or load balancers that cut upgraded (h2c) connections.");
    }
    for (const std::string& e : result.session.errors) absl::StrAppend(&msg, "\nfile sync: ", e);
    return absl::Status(s.code(), msg);
  }
  result.image_id = stream.image_id();
  result.output = stream.output();
  result.completed_steps = stream.completed();
  if (result.image_id.rfind("sha256:", 0) != 0) {
    DCS_ASSIGN_OR_RETURN(ImageInfo info, Inspect(result.image_id));
    result.image_id = info.id;
  }
  return result;
}

absl::StatusOr<BuildResult> DockerClient::Build(const BuildOptions& o) const {
  if (o.builder == Builder::kBuildKit) return BuildWithBuildKit(o);
  const bool inline_df = !o.dockerfile_inline.empty();
  DCS_ASSIGN_OR_RETURN(
      buildcontext::Context ctx,
      buildcontext::ListContext({o.context_dir, inline_df ? kInlineDockerfileName : o.dockerfile,
                                 /*dockerfile_in_context=*/!inline_df}));
  buildcontext::TarOptions tar_options;
  if (inline_df) {
    std::erase_if(ctx.entries, [](const buildcontext::ContextEntry& e) { return e.path == kInlineDockerfileName; });
    tar_options.extra_files.emplace_back(kInlineDockerfileName, o.dockerfile_inline);
  }
  auto tar = std::make_shared<buildcontext::TarStream>(o.context_dir, std::move(ctx.entries),
                                                       std::move(tar_options));
  http::Request req = NewRequest("POST", "/build" + BuildQuery(o));
  req.timeout = o.timeout;
  req.headers.emplace_back("Content-Type", "application/x-tar");
  if (!o.registry_auths.empty()) {
    nlohmann::json auths = nlohmann::json::object();
    for (const AuthConfig& a : o.registry_auths) {
      dcs::log::RegisterSecret(a.password);
      auths[a.server_address] = AuthJson(a);
    }
    req.headers.emplace_back("X-Registry-Config", Base64UrlPadded(auths.dump()));
  }
  req.read_body = [tar](char* buf, size_t n) { return tar->Read(buf, n); };
  BuildStream stream;
  StreamSink sink{JsonLineSplitter([&](const nlohmann::json& m) { stream.OnMessage(m); })};
  req.on_body = [&](std::string_view chunk) { return !(o.stop && o.stop->load()) && sink(chunk); };
  req.cancel = o.stop;
  auto resp = Send(req);
  if (o.stop && o.stop->load()) return absl::CancelledError("docker build: stopped (the provider was asked to stop)");
  if (!tar->status().ok()) return tar->status();
  if (!resp.ok()) return resp.status();
  if (resp->status != 200) {
    http::Response err = *resp;
    if (err.body.empty()) err.body = sink.head;
    return EngineError(err, "docker build");
  }
  sink.Complete(*resp);
  DCS_RETURN_IF_ERROR(stream.Result());
  BuildResult result{stream.image_id(), stream.output(), tar->bytes_written()};
  if (result.image_id.rfind("sha256:", 0) != 0) {  // short id from "Successfully built"
    DCS_ASSIGN_OR_RETURN(ImageInfo info, Inspect(result.image_id));
    result.image_id = info.id;
  }
  return result;
}

absl::Status DockerClient::Tag(const std::string& source, const std::string& repository,
                               const std::string& tag) const {
  std::string q;
  AddParam(q, "repo", repository);
  AddParam(q, "tag", tag);
  DCS_ASSIGN_OR_RETURN(http::Response r, Send(NewRequest("POST", "/images/" + source + "/tag" + q)));
  if (r.status != 201 && r.status != 200) {
    return EngineError(r, absl::StrCat("docker tag ", source, " ", repository, ":", tag));
  }
  return absl::OkStatus();
}

absl::StatusOr<ImageInfo> DockerClient::Inspect(const std::string& name) const {
  DCS_ASSIGN_OR_RETURN(http::Response r, Send(NewRequest("GET", "/images/" + name + "/json")));
  if (r.status != 200) return EngineError(r, "docker inspect " + name);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) {
    return absl::DataLossError(absl::StrCat("docker inspect ", name, ": answer is not JSON"));
  }
  ImageInfo info;
  info.id = StringField(j, "Id", "");
  info.raw_json = r.body;
  auto strings = [&](const char* key, std::vector<std::string>& out) {
    if (j.contains(key) && j[key].is_array()) {
      for (const auto& s : j[key]) {
        if (s.is_string()) out.push_back(s.get<std::string>());
      }
    }
  };
  strings("RepoTags", info.repo_tags);
  strings("RepoDigests", info.repo_digests);
  if (j.contains("Config") && j["Config"].is_object() && j["Config"].contains("Labels") &&
      j["Config"]["Labels"].is_object()) {
    for (const auto& [k, v] : j["Config"]["Labels"].items()) {
      if (v.is_string()) info.labels[k] = v.get<std::string>();
    }
  }
  return info;
}

absl::StatusOr<PushResult> DockerClient::Push(const std::string& repository,
                                              const std::string& tag,
                                              const AuthConfig& auth) const {
  dcs::log::RegisterSecret(auth.password);
  dcs::log::RegisterSecret(auth.identity_token);
  std::string q;
  AddParam(q, "tag", tag);
  http::Request req = NewRequest("POST", "/images/" + repository + "/push" + q);
  req.timeout = std::chrono::hours(1);
  req.headers.emplace_back("X-Registry-Auth", EncodeAuthConfig(auth));
  PushStream stream;
  StreamSink sink{JsonLineSplitter([&](const nlohmann::json& m) { stream.OnMessage(m); })};
  req.on_body = [&](std::string_view chunk) { return sink(chunk); };
  DCS_ASSIGN_OR_RETURN(http::Response r, Send(req));
  if (r.status != 200) {
    if (r.body.empty()) r.body = sink.head;
    absl::Status s = EngineError(r, absl::StrCat("docker push ", repository, ":", tag));
    return absl::Status(s.code(), Scrub(std::string(s.message()), auth.password));
  }
  sink.Complete(r);
  DCS_RETURN_IF_ERROR(stream.Result(repository + ":" + tag, auth.password));
  dcs::log::Info("docker push done",
                 {{"@module", "docker"}, {"image", repository + ":" + tag}, {"digest", stream.digest()}});
  return PushResult{stream.digest()};
}

}  // namespace dcs::docker
