#include "resources/cluster_checks.h"

#include <gtest/gtest.h>

#include "clients/http/http.h"
#include "clients/http/testing/fakes.h"
#include "resources/api_json.h"
#include "resources/cluster_schema.h"

namespace dcs::resources {
namespace {

using nlohmann::json;

// A configuration value written as API JSON (the names are the same).
cty::Value Config(const char* text) {
  static const schema::Schema* s = new schema::Schema(ClusterSchema());
  return FromApiJson(s->block, json::parse(text), cty::Value(), {});
}

std::vector<std::string> Paths(const framework::Diagnostics& d, framework::Severity severity) {
  std::vector<std::string> out;
  for (const auto& item : d.items()) {
    if (item.severity == severity) out.push_back(item.path ? item.path->ToString() : "<none>");
  }
  return out;
}

framework::Diagnostics Check(const char* text) {
  framework::Diagnostics d;
  CheckClusterConfig(Config(text), d);
  return d;
}

using framework::Severity;

TEST(ClusterChecksTest, CleanDockerClusterHasNoDiagnostics) {
  auto d = Check(R"({"spark_version": "14.3.x-scala2.12", "node_type_id": "Standard_NC6s_v3", "num_workers": 1,
                     "data_security_mode": "SINGLE_USER", "docker_image": {"url": "r.io/nlp/gpu:1.0"}})");
  EXPECT_TRUE(d.empty()) << d.FirstError();
}

TEST(ClusterChecksTest, MlRuntimeWithImageIsAnErrorOnSparkVersion) {
  auto d = Check(R"({"spark_version": "14.3.x-gpu-ml-scala2.12", "docker_image": {"url": "r.io/x:1"}})");
  EXPECT_EQ(Paths(d, Severity::kError), std::vector<std::string>{"spark_version"});
  EXPECT_NE(d.items()[0].detail.find("\"14.3.x-scala2.12\""), std::string::npos) << d.items()[0].detail;
  EXPECT_TRUE(Check(R"({"spark_version": "14.3.x-gpu-ml-scala2.12"})").empty()) << "ML runtimes are fine without images";
}

TEST(ClusterChecksTest, SharedAccessModesWithImageAreErrors) {
  for (const char* mode : {"USER_ISOLATION", "DATA_SECURITY_MODE_STANDARD"}) {
    auto d = Check((std::string(R"({"spark_version": "14.3.x-scala2.12", "data_security_mode": ")") + mode +
                    R"(", "docker_image": {"url": "r.io/x:1"}})").c_str());
    EXPECT_EQ(Paths(d, Severity::kError), std::vector<std::string>{"data_security_mode"}) << mode;
  }
  auto d = Check(R"({"spark_version": "14.3.x-scala2.12", "data_security_mode": "DATA_SECURITY_MODE_AUTO",
                     "docker_image": {"url": "r.io/x:1"}})");
  EXPECT_EQ(Paths(d, Severity::kWarning), std::vector<std::string>{"data_security_mode"});
}

TEST(ClusterChecksTest, ConflictingAttributes) {
  EXPECT_EQ(Paths(Check(R"({"spark_version": "v", "instance_pool_id": "p", "node_type_id": "n"})"), Severity::kError),
            std::vector<std::string>{"node_type_id"});
  EXPECT_EQ(Paths(Check(R"({"spark_version": "v", "num_workers": 1, "autoscale": {"min_workers": 1, "max_workers": 2}})"),
                  Severity::kError),
            std::vector<std::string>{"num_workers"});
  EXPECT_EQ(Paths(Check(R"({"spark_version": "v", "autoscale": {"min_workers": 3, "max_workers": 2}})"), Severity::kError),
            std::vector<std::string>{"autoscale.min_workers"});
}

TEST(ClusterChecksTest, VolumesWithoutFlagWarnOnTheReference) {
  auto d = Check(R"({"spark_version": "v", "init_scripts": [{"workspace": {"destination": "/a"}},
                     {"volumes": {"destination": "/Volumes/c/s/v/init.sh"}}]})");
  EXPECT_EQ(Paths(d, Severity::kWarning), std::vector<std::string>{"init_scripts[1].volumes"});
  d = Check(R"({"spark_version": "v", "spark_conf": {"x.path": "/Volumes/c/s/v"}})");
  EXPECT_EQ(Paths(d, Severity::kWarning), std::vector<std::string>{"spark_conf[\"x.path\"]"});
  EXPECT_TRUE(Check(R"({"spark_version": "v", "spark_conf": {"x.path": "/Volumes/c/s/v",
                        "spark.databricks.unityCatalog.volumes.enabled": "true"}})").empty());
}

TEST(ClusterChecksTest, FloatingTagsAndCpuImagesOnGpuNodesWarnOnTheUrl) {
  for (const char* url : {"r.io/x", "r.io/x:latest", "localhost:5000/x"}) {
    auto d = Check((std::string(R"({"spark_version": "v", "docker_image": {"url": ")") + url + R"("}})").c_str());
    EXPECT_EQ(Paths(d, Severity::kWarning), std::vector<std::string>{"docker_image.url"}) << url;
  }
  EXPECT_TRUE(Check(R"({"spark_version": "v", "docker_image": {"url": "localhost:5000/x@sha256:abc"}})").empty());
  auto d = Check(R"({"spark_version": "v", "node_type_id": "Standard_NC6s_v3",
                     "docker_image": {"url": "databricksruntime/standard:14.3-LTS"}})");
  EXPECT_EQ(Paths(d, Severity::kWarning), std::vector<std::string>{"docker_image.url"});
  EXPECT_TRUE(Check(R"({"spark_version": "v", "node_type_id": "Standard_DS3_v2",
                        "docker_image": {"url": "databricksruntime/standard:14.3-LTS"}})").empty());
}

TEST(ClusterChecksTest, PoolWithoutTheImageIsAnErrorQuotingTheDocumentedMessage) {
  auto transport = std::make_shared<http::FakeTransport>();
  auto pool = [&](const char* id, const char* body) {
    transport->Add({"GET", std::string("/api/2.0/instance-pools/get?instance_pool_id=") + id, "", {200, {}, body}});
  };
  pool("empty", R"({"instance_pool_id": "empty", "instance_pool_name": "p", "node_type_id": "n"})");
  pool("other", R"({"instance_pool_id": "other", "instance_pool_name": "p", "node_type_id": "n",
                    "preloaded_docker_images": [{"url": "r.io/y:1"}]})");
  databricks::ResolvedConfig rc;
  rc.host = "https://ws.example";
  rc.token = "t";
  databricks::Client client(rc, transport, std::make_shared<http::FakeClock>(), "test");
  framework::Diagnostics d;
  CheckClusterPools(Config(R"({"spark_version": "v", "instance_pool_id": "empty", "docker_image": {"url": "r.io/x:1"}})"),
                    client, nullptr, d);
  ASSERT_EQ(Paths(d, Severity::kError), std::vector<std::string>{"instance_pool_id"});
  EXPECT_NE(d.items()[0].detail.find(kPoolWithoutImagesMessage), std::string::npos);
  framework::Diagnostics d2;
  CheckClusterPools(Config(R"({"spark_version": "v", "instance_pool_id": "other", "docker_image": {"url": "r.io/x:1"}})"),
                    client, nullptr, d2);
  EXPECT_EQ(Paths(d2, Severity::kError), std::vector<std::string>{"docker_image.url"});
}

}  // namespace
}  // namespace dcs::resources
