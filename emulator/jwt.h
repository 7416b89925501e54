// JSON Web Tokens as the identity services use them: RS256 verification of a
// federated token against its issuer's published keys (OIDC discovery:
// {iss}/.well-known/openid-configuration -> jwks_uri -> {"keys":[JWK]}), and
// RS256 signing of the registry tokens the ACR token service issues.
// Keys are fetched from loopback issuers only (tests publish them on
// 127.0.0.1); anything else is refused rather than contacted.
#ifndef DCS_EMULATOR_JWT_H_
#define DCS_EMULATOR_JWT_H_

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace dcs::emulator {

struct VerifiedJwt {
  nlohmann::json header, claims;
};

// What a trust relationship accepts: issuer, one of the audiences, subject.
struct JwtExpectation {
  std::string issuer, subject;
  std::vector<std::string> audiences;
  int64_t clock_skew_seconds = 60;
};

// Verifies signature (RS256 with the issuer's JWKS, by "kid"), "exp"/"nbf"
// (with the skew), "iss", "aud" (string or array) and "sub". Errors:
// InvalidArgument naming what did not match ("malformed", "signature",
// "expired", "issuer", "audience", "subject"), Unavailable when the issuer's
// keys cannot be fetched.
absl::StatusOr<VerifiedJwt> VerifyJwt(const std::string& token, const JwtExpectation& expect, int64_t now_seconds);

// The claims of a JWT without verifying it (to pick the trust relationship by
// issuer first). InvalidArgument when it is not a JWT.
absl::StatusOr<VerifiedJwt> PeekJwt(const std::string& token);

// header.payload.signature with RS256; `header` gets "alg":"RS256".
absl::StatusOr<std::string> SignRs256(nlohmann::json header, const nlohmann::json& claims, EVP_PKEY* key);

std::string Base64UrlEncode(const std::string& data);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_JWT_H_
