// RS256 JWT verification (OIDC discovery + JWKS over loopback) and signing.
#include "emulator/jwt.h"

#include <httplib.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dcs::emulator {
namespace {

using Json = nlohmann::json;

absl::StatusOr<std::string> Unbase64Url(const std::string& part) {
  std::string out;
  if (!absl::WebSafeBase64Unescape(part, &out)) return absl::InvalidArgumentError("malformed: bad base64url");
  return out;
}

bool IsLoopbackUrl(const std::string& url) {
  for (const char* prefix : {"http://127.0.0.1:", "https://127.0.0.1:", "http://localhost:", "https://localhost:",
                             "http://[::1]:", "https://[::1]:"}) {
    if (absl::StartsWith(url, prefix)) return true;
  }
  return false;
}

absl::StatusOr<Json> FetchJson(const std::string& url) {
  if (!IsLoopbackUrl(url)) {
    return absl::UnavailableError(absl::StrCat("the emulator only fetches keys from loopback issuers, not ", url));
  }
  size_t path_at = url.find('/', url.find("://") + 3);
  std::string origin = url.substr(0, path_at), path = path_at == std::string::npos ? "/" : url.substr(path_at);
  httplib::Client client(origin);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  client.enable_server_certificate_verification(false);  // loopback test issuers use self-signed certificates
  auto res = client.Get(path);
  if (!res || res->status != 200) {
    return absl::UnavailableError(absl::StrCat("cannot fetch ", url, res ? " (HTTP " + std::to_string(res->status) + ")"
                                                                          : " (no answer)"));
  }
  Json j = Json::parse(res->body, nullptr, false);
  if (!j.is_object()) return absl::UnavailableError(absl::StrCat(url, " did not answer a JSON object"));
  return j;
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)>;

absl::StatusOr<PkeyPtr> RsaKeyFromJwk(const Json& jwk) {
  auto n = Unbase64Url(jwk.value("n", ""));
  auto e = Unbase64Url(jwk.value("e", ""));
  if (!n.ok() || !e.ok() || n->empty() || e->empty()) return absl::InvalidArgumentError("JWK without n/e");
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!ok) return absl::InvalidArgumentError("unusable RSA JWK");
  return PkeyPtr(key, EVP_PKEY_free);
}

bool VerifySignature(EVP_PKEY* key, const std::string& input, const std::string& sig) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

}  // namespace

std::string Base64UrlEncode(const std::string& data) {
  std::string out;
  absl::WebSafeBase64Escape(data, &out);  // no padding
  return out;
}

absl::StatusOr<VerifiedJwt> PeekJwt(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return absl::InvalidArgumentError("malformed: a JWT has three dot-separated parts");
  VerifiedJwt out;
  for (int i = 0; i < 2; ++i) {
    auto raw = Unbase64Url(parts[i]);
    if (!raw.ok()) return raw.status();
    Json j = Json::parse(*raw, nullptr, false);
    if (!j.is_object()) return absl::InvalidArgumentError("malformed: header or payload is not a JSON object");
    (i == 0 ? out.header : out.claims) = std::move(j);
  }
  return out;
}

absl::StatusOr<VerifiedJwt> VerifyJwt(const std::string& token, const JwtExpectation& expect, int64_t now) {
  auto jwt = PeekJwt(token);
  if (!jwt.ok()) return jwt.status();
  if (jwt->header.value("alg", "") != "RS256") {
    return absl::InvalidArgumentError(absl::StrCat("signature: unsupported alg \"", jwt->header.value("alg", ""), "\""));
  }
  const Json& c = jwt->claims;
  const std::string iss = c.contains("iss") && c["iss"].is_string() ? c["iss"].get<std::string>() : "";
  if (iss != expect.issuer) return absl::InvalidArgumentError(absl::StrCat("issuer: \"", iss, "\" is not trusted"));
  // Keys: {iss}/.well-known/openid-configuration -> jwks_uri.
  auto discovery = FetchJson(iss + "/.well-known/openid-configuration");
  if (!discovery.ok()) return discovery.status();
  auto jwks = FetchJson(discovery->value("jwks_uri", ""));
  if (!jwks.ok()) return jwks.status();
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  auto sig = Unbase64Url(parts[2]);
  if (!sig.ok()) return sig.status();
  const std::string kid = jwt->header.value("kid", "");
  bool verified = false;
  for (const Json& k : jwks->value("keys", Json::array())) {
    if (!k.is_object() || k.value("kty", "") != "RSA") continue;
    if (!kid.empty() && k.value("kid", "") != kid) continue;
    auto key = RsaKeyFromJwk(k);
    if (key.ok() && VerifySignature(key->get(), parts[0] + "." + parts[1], *sig)) {
      verified = true;
      break;
    }
  }
  if (!verified) return absl::InvalidArgumentError("signature: does not verify with the issuer's published keys");
  auto number = [&](const char* k) -> std::optional<int64_t> {
    if (c.contains(k) && c[k].is_number()) return c[k].get<int64_t>();
    return std::nullopt;
  };
  auto exp = number("exp");
  if (!exp) return absl::InvalidArgumentError("expired: the token has no exp claim");
  if (*exp + expect.clock_skew_seconds < now) {
    return absl::InvalidArgumentError(absl::StrCat("expired: exp ", *exp, " is ", now - *exp, " s in the past"));
  }
  if (auto nbf = number("nbf"); nbf && *nbf - expect.clock_skew_seconds > now) {
    return absl::InvalidArgumentError("expired: the token is not valid yet (nbf)");
  }
  std::vector<std::string> aud;
  if (c.contains("aud") && c["aud"].is_string()) aud.push_back(c["aud"].get<std::string>());
  if (c.contains("aud") && c["aud"].is_array()) {
    for (const Json& a : c["aud"]) {
      if (a.is_string()) aud.push_back(a.get<std::string>());
    }
  }
  bool audience_ok = false;
  for (const std::string& a : aud) {
    for (const std::string& want : expect.audiences) audience_ok |= a == want;
  }
  if (!audience_ok) {
    return absl::InvalidArgumentError(absl::StrCat("audience: \"", aud.empty() ? "" : aud[0],
                                                   "\" is not an accepted audience"));
  }
  const std::string sub = c.contains("sub") && c["sub"].is_string() ? c["sub"].get<std::string>() : "";
  if (sub != expect.subject) return absl::InvalidArgumentError(absl::StrCat("subject: \"", sub, "\" is not trusted"));
  return jwt;
}

absl::StatusOr<std::string> SignRs256(Json header, const Json& claims, EVP_PKEY* key) {
  header["alg"] = "RS256";
  const std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  bool ok = md && EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(md);
  if (!ok) return absl::InternalError("RS256 signing failed");
  return input + "." + Base64UrlEncode(sig);
}

}  // namespace dcs::emulator
