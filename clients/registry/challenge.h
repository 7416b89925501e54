// WWW-Authenticate challenges (RFC 7235) as registries send them:
//   Bearer realm="https://auth.example/token",service="reg",scope="repository:a:pull,push"
//   Basic realm="Registry Realm"
#ifndef DCS_CLIENTS_REGISTRY_CHALLENGE_H_
#define DCS_CLIENTS_REGISTRY_CHALLENGE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dcs::registry {

struct Challenge {
  std::string scheme;                         // lower-case: "bearer", "basic"
  std::map<std::string, std::string> params;  // keys lower-case; values unquoted
  std::string Param(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? "" : it->second;
  }
};

// Parses one header value, which may hold several challenges. Quoted values
// may contain commas and spaces; '\' escapes inside quotes. Malformed tails
// are ignored (never fails).
std::vector<Challenge> ParseChallenges(std::string_view header);

}  // namespace dcs::registry

#endif  // DCS_CLIENTS_REGISTRY_CHALLENGE_H_
