// Federated ID token suppliers: environment variable, file, GitHub Actions.
#include "clients/azure/id_token.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"

namespace dcs::azure {
namespace {

absl::StatusOr<std::string> Checked(const std::string& method, const std::string& where, std::string jwt) {
  jwt = std::string(absl::StripAsciiWhitespace(jwt));
  if (jwt.empty()) return absl::FailedPreconditionError(absl::StrCat(method, ": ", where, " is empty"));
  dcs::log::RegisterSecret(jwt);
  if (!LooksLikeJwt(jwt)) {
    return absl::InvalidArgumentError(absl::StrCat(
        method, ": ", where, " does not hold a JWT (expected three base64url parts header.payload.signature, ",
        jwt.size(), " characters found)"));
  }
  return jwt;
}

}  // namespace

AssertionSupplier IdTokenFromEnv(std::string method, std::string variable, std::string value) {
  if (!value.empty()) dcs::log::RegisterSecret(value);
  return [method, variable, value](const std::atomic<bool>*) {
    return Checked(method, "the environment variable " + variable, value);
  };
}

AssertionSupplier IdTokenFromFile(std::string method, std::string setting, std::string path) {
  return [method, setting, path](const std::atomic<bool>*) -> absl::StatusOr<std::string> {
    std::ifstream f(path);
    if (!f) {
      return absl::FailedPreconditionError(
          absl::StrCat(method, ": cannot read the token file ", path, " (", setting, ")"));
    }
    std::stringstream s;
    s << f.rdbuf();
    return Checked(method, absl::StrCat("the token file ", path, " (", setting, ")"), s.str());
  };
}

AssertionSupplier IdTokenFromRequestUrl(std::string method, std::string url, std::string bearer,
                                        std::string audience, std::shared_ptr<http::Transport> transport,
                                        std::chrono::milliseconds timeout) {
  dcs::log::RegisterSecret(bearer);
  auto http = std::make_shared<http::RetryingClient>(std::move(transport), http::RetryPolicy{});
  return [=](const std::atomic<bool>* stop) -> absl::StatusOr<std::string> {
    std::string full = url;
    if (!audience.empty()) {
      absl::StrAppend(&full, url.find('?') == std::string::npos ? "?" : "&", "audience=", http::UrlEscape(audience));
    }
    http::Request req{.method = "GET", .url = full, .timeout = timeout};
    req.headers = {{"Authorization", "Bearer " + bearer}, {"Accept", "application/json"}};
    auto r = http->Send(req, stop);
    if (!r.ok()) {
      return absl::Status(r.status().code(), absl::StrCat(method, ": the ID token request to ", url,
                                                          " failed: ", r.status().message()));
    }
    if (r->status != 200) {
      return absl::UnauthenticatedError(absl::StrCat(
          method, ": the ID token service ", url, " answered HTTP ", r->status,
          "; in GitHub Actions the job needs `permissions: id-token: write`"));
    }
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    if (!j.is_object() || !j.contains("value") || !j["value"].is_string()) {
      return absl::InternalError(absl::StrCat(method, ": the ID token service ", url,
                                              " answered without a \"value\" field"));
    }
    return Checked(method, "the token from " + url, j["value"].get<std::string>());
  };
}

}  // namespace dcs::azure
