#include "sdk/plugin/handshake.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace dcs::plugin {
namespace {

constexpr std::string_view kTerraformRegistry = "registry.terraform.io";
constexpr std::string_view kOpenTofuRegistry = "registry.opentofu.org";

// "host/ns/type" → "ns/type"; "ns/type" and "type" are returned unchanged.
std::string_view WithoutHost(std::string_view address) {
  const size_t first = address.find('/');
  if (first == std::string_view::npos) return address;
  if (address.find('/', first + 1) == std::string_view::npos) return address;
  return address.substr(first + 1);
}

}  // namespace

bool IsMagicCookieValid(const char* cookie) {
  return cookie != nullptr && std::string_view(cookie) == kMagicCookieValue;
}

std::string NotAPluginMessage(std::string_view provider_name) {
  const std::string name(provider_name);
  return absl::StrCat(
      "This binary is a plugin for Terraform/OpenTofu. It is not meant to be "
      "executed directly.\n"
      "To use it, declare the provider in a required_providers block and run "
      "`terraform init` or `tofu init`; Terraform/OpenTofu install it from a "
      "registry or a local mirror and start it themselves.\n"
      "To run it by hand for debugging, start `",
      name,
      " --debug` and export the TF_REATTACH_PROVIDERS line it prints.\n"
      "If this build supports it, `",
      name, " --version` prints the version.\n");
}

Negotiation NegotiateProtocolVersion(const char* plugin_protocol_versions) {
  Negotiation result;
  // Unset means an old client that did not negotiate: nothing to object to.
  if (plugin_protocol_versions == nullptr || *plugin_protocol_versions == '\0') {
    return result;
  }
  result.client_accepts = false;
  const std::vector<std::string> items =
      absl::StrSplit(plugin_protocol_versions, ',', absl::SkipEmpty());
  for (std::string item : items) {
    absl::StripAsciiWhitespace(&item);
    int version = 0;
    if (absl::SimpleAtoi(item, &version) &&
        version == kAppProtocolVersion) {
      result.client_accepts = true;
    }
  }
  return result;
}

std::string Base64RawStd(std::string_view bytes) {
  std::string encoded = absl::Base64Escape(std::string(bytes));
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return encoded;
}

std::string HandshakeLine(int app_version, std::string_view network,
                          std::string_view address, std::string_view cert_der) {
  return absl::StrCat(kCoreProtocolVersion, "|", app_version, "|",
                      std::string(network), "|", std::string(address), "|grpc|",
                      cert_der.empty() ? "" : Base64RawStd(cert_der), "\n");
}

std::string ReattachJson(std::string_view provider_address, int pid,
                         std::string_view network, std::string_view address) {
  const nlohmann::json entry = {
      {"Protocol", "grpc"},
      {"ProtocolVersion", kAppProtocolVersion},
      {"Pid", pid},
      {"Test", true},  // Client then trusts ProtocolVersion and never kills us.
      {"Addr", {{"Network", std::string(network)},
                {"String", std::string(address)}}},
  };
  const std::string_view short_name = WithoutHost(provider_address);
  nlohmann::json all = nlohmann::json::object();
  const bool has_host = short_name != provider_address;
  if (has_host && !provider_address.starts_with(kTerraformRegistry) &&
      !provider_address.starts_with(kOpenTofuRegistry)) {
    all[std::string(provider_address)] = entry;
    return all.dump();  // A private registry: no public twin to add.
  }
  const std::string suffix = "/" + std::string(short_name);
  all[std::string(kTerraformRegistry) + suffix] = entry;
  all[std::string(kOpenTofuRegistry) + suffix] = entry;
  return all.dump();
}

std::string ReattachInstructions(std::string_view provider_name,
                                 std::string_view reattach_json) {
  return absl::StrCat(
      std::string(provider_name),
      " is running in debug mode. In the shell where you run terraform or "
      "tofu, paste:\n\n"
      "export TF_REATTACH_PROVIDERS='",
      std::string(reattach_json),
      "'\n\n"
      "Terraform/OpenTofu will then use this process instead of starting the "
      "provider. Stop it with Ctrl-C.\n");
}

}  // namespace dcs::plugin
