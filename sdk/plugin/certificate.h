// Self-signed certificates for go-plugin AutoMTLS.
#ifndef DCS_SDK_PLUGIN_CERTIFICATE_H_
#define DCS_SDK_PLUGIN_CERTIFICATE_H_

#include <string>

#include "absl/status/statusor.h"

namespace dcs::plugin {

struct CertificateOptions {
  std::string curve = "P-256";   // OpenSSL group name: P-256, P-384, P-521.
  std::string digest = "SHA256";  // Signature digest: SHA256, SHA384, SHA512.
  std::string organization = "dcs";
};

struct Certificate {
  std::string cert_pem;  // "-----BEGIN CERTIFICATE-----" block.
  std::string key_pem;   // PKCS#8 "-----BEGIN PRIVATE KEY-----" block.
  std::string cert_der;  // The DER bytes printed (base64) in the handshake.
};

// Mints a fresh ECDSA key and a self-signed certificate with the profile
// go-plugin uses for both ends of AutoMTLS: CN=localhost, O=<organization>,
// SAN DNS:localhost, CA:TRUE, KeyUsage digitalSignature, keyEncipherment,
// keyAgreement, keyCertSign, ExtKeyUsage serverAuth+clientAuth, random
// 128-bit serial, valid from now-30s for ~30 years.
// Thread-safe; costs about a millisecond.
absl::StatusOr<Certificate> GenerateSelfSignedCertificate(
    const CertificateOptions& options = {});

}  // namespace dcs::plugin

#endif  // DCS_SDK_PLUGIN_CERTIFICATE_H_
