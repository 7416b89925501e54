// Against a real dockerd (scripts/start-docker.sh) and real registries
// (scripts/start-registry.sh): builds FROM scratch with busybox-static,
// failing steps, the .dockerignore table versus the Docker CLI, pushes to
// plain / htpasswd / token registries, digests, tags, retag and delete.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "clients/buildcontext/context.h"
#include "clients/docker/docker_client.h"
#include "clients/registry/registry_client.h"
#include "tests/unit/clients/docker/dockerignore_table.h"
#include "tests/unit/clients/docker/test_tree.h"

namespace dcs {
namespace {

constexpr char kSocket[] = "/run/dcs-docker.sock";
constexpr char kUser[] = "dcs";
constexpr char kPassword[] = "dcs-secret";
constexpr char kBusybox[] = "/bin/busybox";
const std::map<std::string, std::string> kRegistries = {
    {"plain", "127.0.0.1:5100"}, {"basic", "127.0.0.1:5101"}, {"token", "127.0.0.1:5102"}};

std::string Shell(const std::string& cmd) {
  std::array<char, 4096> buf;
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  return out;
}

std::unique_ptr<docker::DockerClient> Docker() {
  auto e = docker::ParseEndpoint(std::string("unix://") + kSocket, "", "", "/root");
  auto c = docker::DockerClient::Connect(*e, http::NewCurlTransport("dcs-test"));
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? std::move(*c) : nullptr;
}

std::unique_ptr<registry::RegistryClient> Registry(const std::string& host, std::string password) {
  registry::RegistryOptions o;
  o.host = host;
  o.auth.credentials = {kUser, std::move(password)};
  o.auth.discover = false;
  o.transport = http::NewCurlTransport("dcs-test");
  o.retry.max_attempts = 2;
  return std::move(*registry::RegistryClient::Create(std::move(o)));
}

// Builds "dcs-it/busybox:1" (busybox-static FROM scratch) once.
const std::string& BusyboxImage() {
  static const std::string name = [] {
    testing::TempTree t;
    std::filesystem::copy_file(kBusybox, t.root() + "/busybox");
    t.Write("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\n");
    docker::BuildOptions o;
    o.context_dir = t.root();
    o.tags = {"dcs-it/busybox:1"};
    auto r = Docker()->Build(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return std::string("dcs-it/busybox:1");
  }();
  return name;
}

TEST(DockerIntegration, NegotiatesAndBuildsFromScratchWithRunStep) {
  auto d = Docker();
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->api_version().empty());
  testing::TempTree t;
  std::filesystem::copy_file(kBusybox, t.root() + "/busybox");
  t.Write("Dockerfile",
          "FROM scratch\nCOPY busybox /bin/busybox\n"
          "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo hello-from-run > /greeting\"]\n");
  docker::BuildOptions o;
  o.context_dir = t.root();
  o.tags = {"dcs-it/run:1"};
  o.network_mode = "none";
  o.labels = {{"org.opencontainers.image.revision", "abc"}};
  auto r = d->Build(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->image_id.rfind("sha256:", 0), 0u) << r->image_id;
  EXPECT_GT(r->context_bytes, 1000000u);  // busybox went through the tar stream
  auto info = d->Inspect("dcs-it/run:1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id, r->image_id);
  EXPECT_EQ(info->labels["org.opencontainers.image.revision"], "abc");
}

TEST(DockerIntegration, FailingRunNamesTheStepWithOutputTail) {
  testing::TempTree t;
  t.Write("Dockerfile", "FROM " + BusyboxImage() +
                            "\nRUN [\"/bin/busybox\", \"true\"]\n"
                            "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo out-one; echo out-two; exit 3\"]\n");
  docker::BuildOptions o;
  o.context_dir = t.root();
  o.network_mode = "none";
  auto r = Docker()->Build(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAborted);
  const std::string m(r.status().message());
  EXPECT_NE(m.find("Step 3/3 : RUN [\"/bin/busybox\", \"sh\""), std::string::npos) << m;
  EXPECT_NE(m.find("non-zero code: 3"), std::string::npos) << m;
  EXPECT_NE(m.find("out-one"), std::string::npos) << m;
  EXPECT_NE(m.find("out-two"), std::string::npos) << m;
}

// Files under /ctx that the engine saw, from `find` output in the build log.
std::set<std::string> CtxFiles(const std::string& log) {
  std::set<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("/ctx/", 0) == 0) out.insert(line.substr(5));
  }
  return out;
}

std::string DockerCli() {
  return std::filesystem::exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

TEST(DockerIntegration, DockerignoreTableMatchesTheDockerCliAndEngine) {
  const std::string base = BusyboxImage();
  for (const buildcontext::IgnoreCase& c : buildcontext::IgnoreTable()) {
    testing::TempTree t;
    t.Write("Dockerfile", "FROM " + base +
                              "\nCOPY . /ctx\nRUN [\"/bin/busybox\", \"find\", \"/ctx\", \"-type\", \"f\"]\n");
    t.Write(".dockerignore", c.dockerignore);
    std::set<std::string> expected;
    for (const auto& [path, excluded] : c.expect) {
      t.Write(path, path);
      if (!excluded) expected.insert(path);
    }
    auto only_table = [&](std::set<std::string> s) {
      std::erase_if(s, [](const std::string& p) { return p == "Dockerfile" || p == ".dockerignore"; });
      return s;
    };
    // The real CLI (classic builder) filters the context itself.
    const std::string cli_log =
        Shell("DOCKER_BUILDKIT=0 " + DockerCli() + " -H unix://" + kSocket +
              " build --network none --no-cache " + t.root());
    EXPECT_EQ(only_table(CtxFiles(cli_log)), expected) << c.name << "\n" << cli_log;
    // Our client's context, built by the same engine.
    docker::BuildOptions o;
    o.context_dir = t.root();
    o.network_mode = "none";
    o.no_cache = true;
    auto r = Docker()->Build(o);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status();
    std::string log;
    for (const auto& l : r->output) log += l + "\n";
    EXPECT_EQ(only_table(CtxFiles(log)), expected) << c.name << "\n" << log;
  }
}

class PushTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PushTest, PushDigestTagsRetagDelete) {
  auto d = Docker();
  ASSERT_TRUE(d);
  const std::string host = kRegistries.at(GetParam());
  const std::string repo = host + "/dcs-it/" + GetParam();
  // A unique image per run so that the registry sees a new manifest.
  testing::TempTree t;
  t.Write("Dockerfile", "FROM " + BusyboxImage() + "\nLABEL run=\"" + t.root() + "\"\n");
  docker::BuildOptions o;
  o.context_dir = t.root();
  o.tags = {repo + ":v1"};
  ASSERT_TRUE(d->Build(o).ok());
  auto pushed = d->Push(repo, "v1", {kUser, kPassword, host, ""});
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  auto reg = Registry(host, kPassword);
  auto head = reg->HeadManifest("dcs-it/" + GetParam(), "v1");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->digest, pushed->digest);
  auto info = d->Inspect(repo + ":v1");
  ASSERT_TRUE(info.ok());
  EXPECT_NE(std::find(info->repo_digests.begin(), info->repo_digests.end(), repo + "@" + head->digest),
            info->repo_digests.end());
  const std::string name = "dcs-it/" + GetParam();
  auto digest2 = reg->Retag(name, "v1", "v2");
  ASSERT_TRUE(digest2.ok()) << digest2.status();
  EXPECT_EQ(*digest2, head->digest);
  auto tags = reg->ListTags(name, 1);
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_TRUE(std::count(tags->begin(), tags->end(), "v1") && std::count(tags->begin(), tags->end(), "v2"));
  EXPECT_TRUE(*reg->BlobExists(name, info->id));  // the config blob
  ASSERT_TRUE(reg->DeleteManifest(name, head->digest).ok());
  EXPECT_EQ(reg->HeadManifest(name, "v1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reg->HeadManifest(name, "v2").status().code(), absl::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Registries, PushTest, ::testing::Values("plain", "basic", "token"));

class WrongPasswordTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WrongPasswordTest, UnauthenticatedWithoutThePassword) {
  const std::string wrong = "wrong-Pa55word-xyz";
  const std::string host = kRegistries.at(GetParam());
  const std::string repo = host + "/dcs-it/denied";
  auto d = Docker();
  ASSERT_TRUE(d->Tag(BusyboxImage(), repo, "v1").ok());
  auto pushed = d->Push(repo, "v1", {kUser, wrong, host, ""});
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.status().code(), absl::StatusCode::kUnauthenticated) << pushed.status();
  EXPECT_EQ(std::string(pushed.status().message()).find(wrong), std::string::npos);
  absl::Status ping = Registry(host, wrong)->Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnauthenticated) << ping;
  EXPECT_EQ(std::string(ping.message()).find(wrong), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Registries, WrongPasswordTest, ::testing::Values("basic", "token"));

}  // namespace
}  // namespace dcs
