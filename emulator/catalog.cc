#include "emulator/catalog.h"

#include <string>

namespace dcs::emulator {
namespace {

using Json = nlohmann::json;

struct Version {
  const char* key;
  const char* name;
};

// Keys and names follow the documented grammar <major>.<minor>.x-[variant-]scala<v>.
constexpr Version kVersions[] = {
    {"11.3.x-scala2.12", "11.3 LTS (includes Apache Spark 3.3.0, Scala 2.12)"},
    {"11.3.x-photon-scala2.12", "11.3 LTS Photon (includes Apache Spark 3.3.0, Scala 2.12)"},
    {"12.2.x-scala2.12", "12.2 LTS (includes Apache Spark 3.3.2, Scala 2.12)"},
    {"13.3.x-scala2.12", "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)"},
    {"13.3.x-cpu-ml-scala2.12", "13.3 LTS ML (includes Apache Spark 3.4.1, Scala 2.12)"},
    {"13.3.x-gpu-ml-scala2.12", "13.3 LTS ML (includes Apache Spark 3.4.1, GPU, Scala 2.12)"},
    {"14.3.x-scala2.12", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"},
    {"14.3.x-cpu-ml-scala2.12", "14.3 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"},
    {"14.3.x-gpu-ml-scala2.12", "14.3 LTS ML (includes Apache Spark 3.5.0, GPU, Scala 2.12)"},
    {"15.4.x-scala2.12", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"},
    {"15.4.x-cpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"},
    {"15.4.x-gpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, GPU, Scala 2.12)"},
    {"16.4.x-scala2.12", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"},
    {"16.4.x-scala2.13", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.13)"},
    {"16.4.x-cpu-ml-scala2.12", "16.4 LTS ML (includes Apache Spark 3.5.2, Scala 2.12)"},
    {"16.4.x-gpu-ml-scala2.12", "16.4 LTS ML (includes Apache Spark 3.5.2, GPU, Scala 2.12)"},
    {"17.2.x-scala2.13", "17.2 (includes Apache Spark 4.0.0, Scala 2.13)"},
    {"17.3.x-scala2.13", "17.3 LTS (includes Apache Spark 4.0.0, Scala 2.13)"},
    {"17.3.x-cpu-ml-scala2.13", "17.3 LTS ML (includes Apache Spark 4.0.0, Scala 2.13)"},
    {"17.3.x-gpu-ml-scala2.13", "17.3 LTS ML (includes Apache Spark 4.0.0, GPU, Scala 2.13)"},
    {"18.x-scala2.13", "18 LTS (includes Apache Spark 4.1.0, Scala 2.13)"},
};

struct Node {
  const char* id;
  double cores;
  int64_t memory_mb;
  int gpus;
  const char* category;
  int local_disk_gb;
  bool photon;
};

// Azure VM shapes (cores / memory as Azure publishes them; GPU counts per SKU).
constexpr Node kNodes[] = {
    {"Standard_DS3_v2", 4, 14336, 0, "General Purpose", 28, true},
    {"Standard_DS4_v2", 8, 28672, 0, "General Purpose", 56, true},
    {"Standard_DS5_v2", 16, 57344, 0, "General Purpose", 112, true},
    {"Standard_D4ds_v5", 4, 16384, 0, "General Purpose", 150, true},
    {"Standard_D8ds_v5", 8, 32768, 0, "General Purpose", 300, true},
    {"Standard_D16ds_v5", 16, 65536, 0, "General Purpose", 600, true},
    {"Standard_E8ds_v4", 8, 65536, 0, "Memory Optimized", 300, true},
    {"Standard_E16ds_v4", 16, 131072, 0, "Memory Optimized", 600, true},
    {"Standard_F4s", 4, 8192, 0, "Compute Optimized", 16, false},
    {"Standard_F8s_v2", 8, 16384, 0, "Compute Optimized", 64, true},
    {"Standard_L8s_v3", 8, 65536, 0, "Storage Optimized", 80, true},
    {"Standard_NC4as_T4_v3", 4, 28672, 1, "GPU Accelerated", 180, false},
    {"Standard_NC8as_T4_v3", 8, 57344, 1, "GPU Accelerated", 360, false},
    {"Standard_NC6s_v3", 6, 114688, 1, "GPU Accelerated", 736, false},
    {"Standard_NC12s_v3", 12, 229376, 2, "GPU Accelerated", 1474, false},
    {"Standard_NC24s_v3", 24, 458752, 4, "GPU Accelerated", 2948, false},
    {"Standard_NC24ads_A100_v4", 24, 225280, 1, "GPU Accelerated", 64, false},
    {"Standard_NC48ads_A100_v4", 48, 450560, 2, "GPU Accelerated", 128, false},
    {"Standard_ND96asr_v4", 96, 921600, 8, "GPU Accelerated", 6000, false},
    {"Standard_ND96amsr_A100_v4", 96, 1970176, 8, "GPU Accelerated", 6400, false},
};

Json NodeToJson(const Node& n, int order) {
  Json j = {
      {"node_type_id", n.id},
      {"instance_type_id", n.id},
      {"memory_mb", n.memory_mb},
      {"num_cores", n.cores},
      {"description", n.id},
      {"category", n.category},
      {"is_deprecated", false},
      {"is_hidden", false},
      {"is_io_cache_enabled", n.local_disk_gb >= 100 && n.gpus == 0},
      {"support_port_forwarding", true},
      {"support_ebs_volumes", false},
      {"support_cluster_tags", true},
      {"photon_driver_capable", n.photon},
      {"photon_worker_capable", n.photon},
      {"display_order", order},
      {"node_instance_type",
       {{"instance_type_id", n.id}, {"local_disks", 1}, {"local_disk_size_gb", n.local_disk_gb}}},
  };
  if (n.gpus > 0) j["num_gpus"] = n.gpus;
  return j;
}

}  // namespace

const Json& SparkVersionsResponse() {
  static const Json* kResponse = [] {
    Json versions = Json::array();
    for (const Version& v : kVersions) versions.push_back({{"key", v.key}, {"name", v.name}});
    return new Json{{"versions", versions}};
  }();
  return *kResponse;
}

const Json& NodeTypesResponse() {
  static const Json* kResponse = [] {
    Json types = Json::array();
    int order = 0;
    for (const Node& n : kNodes) types.push_back(NodeToJson(n, order++));
    return new Json{{"node_types", types}};
  }();
  return *kResponse;
}

bool IsKnownSparkVersion(absl::string_view key) {
  for (const Version& v : kVersions) {
    if (key == v.key) return true;
  }
  return false;
}

const Json* FindNodeType(absl::string_view id) {
  for (const Json& n : NodeTypesResponse()["node_types"]) {
    if (n["node_type_id"].get_ref<const std::string&>() == id) return &n;
  }
  return nullptr;
}

bool IsMlRuntime(absl::string_view key) { return key.find("-ml-") != absl::string_view::npos; }
bool IsPhotonKey(absl::string_view key) { return key.find("-photon-") != absl::string_view::npos; }

}  // namespace dcs::emulator
