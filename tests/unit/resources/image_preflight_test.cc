#include "resources/image_preflight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "clients/http/testing/fakes.h"

namespace dcs::resources {
namespace {

using framework::Diagnostics;
using framework::Severity;

ImageCheck Check(std::vector<std::string> nodes = {"Standard_DS3_v2"}, std::string spark = "14.3.x-scala2.12") {
  ImageCheck c;
  c.url = "127.0.0.1:5000/nlp-demo:v1";
  c.url_path = cty::Path::Root("docker_image").Attr("url");
  c.node_types = std::move(nodes);
  c.spark_version = std::move(spark);
  return c;
}

ImageLookup Found(registry::ImageConfig config) {
  ImageLookup l;
  l.image.config = std::move(config);
  l.credentials = "no credentials";
  return l;
}

registry::ImageConfig LinuxAmd64() {
  registry::ImageConfig c;
  c.platform = {"linux", "amd64", ""};
  return c;
}

int Count(const Diagnostics& d, Severity s) {
  int n = 0;
  for (const auto& i : d.items()) n += i.severity == s;
  return n;
}

const framework::Diagnostic* Find(const Diagnostics& d, const std::string& summary_part) {
  for (const auto& i : d.items()) {
    if (i.summary.find(summary_part) != std::string::npos) return &i;
  }
  return nullptr;
}

TEST(ImagePreflightTest, CleanImageHasNoDiagnostics) {
  Diagnostics d;
  ReportImage(Check(), PreflightMode::kError, Found(LinuxAmd64()), {}, d);
  EXPECT_TRUE(d.empty());
}

TEST(ImagePreflightTest, MissingTagNamesNearestTagsOnTheUrl) {
  ImageLookup l;
  l.status = absl::NotFoundError("registry 127.0.0.1:5000: GET manifest nlp-demo:v1 failed (HTTP 404)");
  l.tags = {"1.0", "latest", "2.3.4-rc1"};
  Diagnostics d;
  ReportImage(Check(), PreflightMode::kError, l, {}, d);
  ASSERT_EQ(Count(d, Severity::kError), 1);
  const auto& e = d.items()[0];
  EXPECT_EQ(e.summary, "Image not found in the registry");
  EXPECT_NE(e.detail.find("Nearest existing tags of 127.0.0.1:5000/nlp-demo: 1.0, latest, 2.3.4-rc1 (3 tags in all)"),
            std::string::npos) << e.detail;
  EXPECT_EQ(e.path->ToString(), cty::Path::Root("docker_image").Attr("url").ToString());
}

TEST(ImagePreflightTest, WarnModeDowngradesFindings) {
  ImageLookup l;
  l.status = absl::NotFoundError("gone");
  l.tags_status = absl::NotFoundError("no repo");
  Diagnostics d;
  ReportImage(Check(), PreflightMode::kWarn, l, {}, d);
  EXPECT_FALSE(d.HasError());
  ASSERT_EQ(Count(d, Severity::kWarning), 1);
  EXPECT_NE(d.items()[0].detail.find("does not exist either"), std::string::npos);
  EXPECT_NE(d.items()[0].detail.find("preflight = \"warn\""), std::string::npos);
}

TEST(ImagePreflightTest, RefusedCredentialsNameTheRegistry) {
  ImageLookup l;
  l.status = absl::UnauthenticatedError("the token server rejected the credentials of user bob");
  l.credentials = "the resource's basic_auth (user \"bob\")";
  Diagnostics d;
  ReportImage(Check(), PreflightMode::kError, l, {}, d);
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].summary, "Registry 127.0.0.1:5000 refuses to let these credentials pull");
  EXPECT_NE(d.items()[0].detail.find("user \"bob\""), std::string::npos);
}

TEST(ImagePreflightTest, SecretReferenceCredentialsMakeAuthFailuresWarnings) {
  ImageCheck c = Check();
  c.unreadable_credentials = "basic_auth with a {{secrets/…}} reference";
  ImageLookup l;
  l.status = absl::PermissionDeniedError("denied");
  l.credentials = "no credentials";
  Diagnostics d;
  ReportImage(c, PreflightMode::kError, l, {}, d);
  EXPECT_FALSE(d.HasError());
  EXPECT_NE(Find(d, "used other credentials"), nullptr);
  EXPECT_NE(Find(d, "could not pull"), nullptr);
}

TEST(ImagePreflightTest, WhatCouldNotBeCheckedIsAWarningSayingSo) {
  for (absl::Status st : {absl::UnavailableError("connection refused"), absl::DataLossError("an HTML page"),
                          absl::OutOfRangeError("config over 4194304 bytes"), absl::DeadlineExceededError("slow"),
                          absl::InternalError("boom")}) {
    ImageLookup l;
    l.status = st;
    Diagnostics d;
    ReportImage(Check(), PreflightMode::kError, l, {}, d);
    EXPECT_FALSE(d.HasError()) << st;
    ASSERT_EQ(Count(d, Severity::kWarning), 1) << st;
    EXPECT_EQ(d.items()[0].summary, "Image preflight could not check the image");
    EXPECT_NE(d.items()[0].detail.find(std::string(st.message())), std::string::npos);
    EXPECT_NE(d.items()[0].detail.find("Not checked"), std::string::npos);
  }
}

TEST(ImagePreflightTest, IndexWithoutPlatformIsAnError) {
  ImageLookup l;
  l.status = absl::FailedPreconditionError("team/app:1 is a multi-platform image without linux/amd64; it offers linux/arm64");
  Diagnostics d;
  ReportImage(Check(), PreflightMode::kError, l, {}, d);
  ASSERT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].summary, "Image not built for the node's platform");
}

TEST(ImagePreflightTest, WrongPlatformIsAnErrorAndGravitonWantsArm) {
  registry::ImageConfig arm = LinuxAmd64();
  arm.platform.architecture = "arm64";
  Diagnostics d;
  ReportImage(Check(), PreflightMode::kError, Found(arm), {}, d);
  ASSERT_TRUE(d.HasError());
  EXPECT_NE(d.items()[0].detail.find("linux/arm64 image, but the nodes run linux/amd64"), std::string::npos);
  Diagnostics graviton;
  ReportImage(Check({"m6gd.large"}), PreflightMode::kError, Found(arm), {}, graviton);
  EXPECT_FALSE(graviton.HasError());
  EXPECT_EQ(NodeArchitecture("m6gd.large"), "arm64");
  EXPECT_EQ(NodeArchitecture("g5g.xlarge"), "arm64");
  EXPECT_EQ(NodeArchitecture("g5.xlarge"), "amd64");
  EXPECT_EQ(NodeArchitecture("Standard_NC6s_v3"), "amd64");
}

TEST(ImagePreflightTest, EntrypointWarnsOnlyWhereAsked) {
  registry::ImageConfig c = LinuxAmd64();
  c.entrypoint = {"/usr/bin/tini", "--"};
  Diagnostics d;
  ReportImage(Check(), PreflightMode::kError, Found(c), {}, d);
  EXPECT_FALSE(d.HasError());
  ASSERT_NE(Find(d, "ENTRYPOINT"), nullptr);
  EXPECT_NE(Find(d, "ENTRYPOINT")->detail.find("/usr/bin/tini"), std::string::npos);
  ImageCheck air = Check();
  air.check_entrypoint = false;
  Diagnostics none;
  ReportImage(air, PreflightMode::kError, Found(c), {}, none);
  EXPECT_TRUE(none.empty());
}

TEST(ImagePreflightTest, CudaNewerThanTheHostDriverFailsWithTheMatrixDiagnostic) {
  registry::ImageConfig c = LinuxAmd64();
  c.env = {{"CUDA_VERSION", "13.0"}};
  Diagnostics d;
  ReportImage(Check({"Standard_NC6s_v3"}), PreflightMode::kError, Found(c), {{"Standard_NC6s_v3", "550.54.15"}}, d);
  ASSERT_TRUE(d.HasError());
  const auto* e = Find(d, "Compatibility check cuda_driver: FAIL");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->severity, Severity::kError);
  EXPECT_NE(e->detail.find("CUDA_VERSION=13.0"), std::string::npos) << e->detail;
  EXPECT_NE(e->detail.find("550.54.15"), std::string::npos) << e->detail;
}

TEST(ImagePreflightTest, CudaOnTheCloudsDefaultDriverAndOnCpuNodes) {
  registry::ImageConfig c = LinuxAmd64();
  c.env = {{"CUDA_VERSION", "13.0"}, {"NCCL_VERSION", "2.27.3-1"}};
  Diagnostics azure;  // the matrix's Azure node image driver (580.x) runs 13.0
  ReportImage(Check({"Standard_NC6s_v3"}), PreflightMode::kError, Found(c), {}, azure);
  EXPECT_FALSE(azure.HasError()) << azure.FirstError();
  Diagnostics cpu;  // a CPU node type has no driver to match
  ReportImage(Check({"Standard_DS3_v2"}), PreflightMode::kError, Found(c), {{"*", "470.1.1"}}, cpu);
  EXPECT_TRUE(cpu.empty());
  Diagnostics star;
  ReportImage(Check({"Standard_NC6s_v3"}), PreflightMode::kError, Found(c), {{"*", "550.54.15"}}, star);
  EXPECT_TRUE(star.HasError());
}

TEST(ImagePreflightTest, GpuStackFromNvidiaEnvironment) {
  registry::ImageConfig c;
  c.env = {{"NV_CUDA_CUDART_VERSION", "12.4.127-1"}, {"NV_LIBNCCL_PACKAGE_VERSION", "2.21.5-1+cuda12.4"}};
  GpuStack g = GpuStackOf(c);
  EXPECT_EQ(g.cuda.value_or(""), "12.4.127");
  EXPECT_EQ(g.nccl.value_or(""), "2.21.5");
  c.env["CUDA_VERSION"] = "12.6.3";
  EXPECT_EQ(GpuStackOf(c).cuda.value_or(""), "12.6.3");
  c.env = {{"CUDA_VERSION", "garbage"}};
  EXPECT_FALSE(GpuStackOf(c).cuda.has_value());
}

TEST(ImagePreflightTest, RuntimeLabelVersusSparkVersionWarns) {
  registry::ImageConfig c = LinuxAmd64();
  c.env = {{"DATABRICKS_RUNTIME_VERSION", "15.4"}};
  Diagnostics d;
  ReportImage(Check({}, "14.3.x-scala2.12"), PreflightMode::kError, Found(c), {}, d);
  ASSERT_NE(Find(d, "another Databricks runtime"), nullptr);
  Diagnostics same;
  ReportImage(Check({}, "15.4.x-scala2.12"), PreflightMode::kError, Found(c), {}, same);
  EXPECT_TRUE(same.empty());
}

TEST(ImagePreflightTest, CacheSharesOneInFlightLookup) {
  ImageLookupCache cache;
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<const ImageLookup>> got(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      got[i] = cache.Get("img", [&] {
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ImageLookup l;
        l.credentials = "x";
        return l;
      });
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  for (const auto& g : got) EXPECT_EQ(g.get(), got[0].get());
  cache.Get("other", [&] { ++calls; return ImageLookup{}; });
  EXPECT_EQ(calls.load(), 2);
}

TEST(ImagePreflightTest, LookUpListsTagsOnlyWhenMissing) {
  auto fake = std::make_shared<http::FakeTransport>();
  registry::RegistryOptions o;
  o.host = "127.0.0.1:5000";
  o.auth.discover = false;
  o.transport = fake;
  o.retry.max_attempts = 1;
  auto client = *registry::RegistryClient::Create(std::move(o));
  http::Response missing;
  missing.status = 404;
  missing.body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})";
  fake->Add({"GET", "/v2/nlp-demo/manifests/v1", "", missing, absl::OkStatus()});
  http::Response tags;
  tags.status = 200;
  tags.body = R"({"name":"nlp-demo","tags":["1.0"]})";
  fake->Add({"GET", "/v2/nlp-demo/tags/list", "", tags, absl::OkStatus()});
  auto ref = *registry::ParseReference("127.0.0.1:5000/nlp-demo:v1");
  ImageLookup l = LookUpImage(*client, ref, registry::Platform{});
  EXPECT_EQ(l.status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(l.tags, std::vector<std::string>{"1.0"});
  EXPECT_TRUE(fake->AllUsed());
}

TEST(ImagePreflightTest, OnlyPreflightChangedKeepsPriorState) {
  cty::Type t = cty::Type::Object({{"a", cty::Type::String()}, {"state", cty::Type::String()},
                                   {"preflight", cty::Type::String()}});
  cty::Value prior = cty::Value::Object(t, {{"a", cty::Value::String("x")}, {"state", cty::Value::String("RUNNING")},
                                            {"preflight", cty::Value::Null(cty::Type::String())}});
  cty::Value planned = cty::Value::Object(t, {{"a", cty::Value::String("x")}, {"state", cty::Value::Unknown(cty::Type::String())},
                                              {"preflight", cty::Value::String("off")}});
  auto same = OnlyPreflightChanged(prior, planned);
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->GetAttr("state").AsString(), "RUNNING");
  EXPECT_EQ(same->GetAttr("preflight").AsString(), "off");
  cty::Value other = cty::Value::Object(t, {{"a", cty::Value::String("y")}, {"state", cty::Value::Unknown(cty::Type::String())},
                                            {"preflight", cty::Value::String("off")}});
  EXPECT_FALSE(OnlyPreflightChanged(prior, other).has_value());
}

}  // namespace
}  // namespace dcs::resources
