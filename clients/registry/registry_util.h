// Small helpers shared by the registry client's source files (internal).
#ifndef DCS_CLIENTS_REGISTRY_REGISTRY_UTIL_H_
#define DCS_CLIENTS_REGISTRY_REGISTRY_UTIL_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dcs::registry::internal {

// Lower-cased media type without parameters ("a/b; charset=x" -> "a/b").
std::string BareMediaType(std::string_view content_type);
// True for loopback hosts (localhost, 127.0.0.0/8, [::1]) with any port.
bool IsLoopbackHost(const std::string& host);
// Standard base64 of "user:password".
std::string BasicAuthValue(const std::string& user, const std::string& password);
// object[key] when `object` is an object and that member is a string, else
// `fallback`: registries answer JSON of any shape, and nlohmann's value()
// throws when the member has another type.
std::string StringField(const nlohmann::json& object, const char* key, std::string fallback);

}  // namespace dcs::registry::internal

#endif  // DCS_CLIENTS_REGISTRY_REGISTRY_UTIL_H_
