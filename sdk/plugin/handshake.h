// Pure pieces of the go-plugin handshake: cookie, version negotiation, the
// stdout line, and the debug-mode reattach line. No I/O here.
#ifndef DCS_SDK_PLUGIN_HANDSHAKE_H_
#define DCS_SDK_PLUGIN_HANDSHAKE_H_

#include <string>
#include <string_view>

namespace dcs::plugin {

inline constexpr std::string_view kMagicCookieKey = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr std::string_view kMagicCookieValue =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
inline constexpr int kCoreProtocolVersion = 1;
inline constexpr int kAppProtocolVersion = 6;

// True when `cookie` (the environment value, may be null) is the Terraform /
// OpenTofu magic cookie.
bool IsMagicCookieValid(const char* cookie);

// The text printed on stderr when the binary is run by hand.
std::string NotAPluginMessage(std::string_view provider_name);

struct Negotiation {
  int version = kAppProtocolVersion;  // Always what we print: we only speak 6.
  bool client_accepts = true;         // False when the client's list lacks it.
};

// go-plugin's rule: pick the highest supported version present in
// PLUGIN_PROTOCOL_VERSIONS (comma separated, may be null/empty); if none
// matches, still announce our lowest version and let the client report the
// mismatch. We support only 6, so `version` is always 6.
Negotiation NegotiateProtocolVersion(const char* plugin_protocol_versions);

// Go's base64.RawStdEncoding: standard alphabet, no '=' padding.
std::string Base64RawStd(std::string_view bytes);

// "1|6|<network>|<address>|grpc|<base64 DER or empty>\n".
std::string HandshakeLine(int app_version, std::string_view network,
                          std::string_view address, std::string_view cert_der);

// The JSON value of TF_REATTACH_PROVIDERS for this process, keyed by the
// provider address and by its OpenTofu twin (registry.opentofu.org/<ns>/<type>).
std::string ReattachJson(std::string_view provider_address, int pid,
                         std::string_view network, std::string_view address);

// Human hint plus a ready-to-paste `export TF_REATTACH_PROVIDERS='…'` line.
std::string ReattachInstructions(std::string_view provider_name,
                                 std::string_view reattach_json);

}  // namespace dcs::plugin

#endif  // DCS_SDK_PLUGIN_HANDSHAKE_H_
