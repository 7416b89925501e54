// A self-signed certificate for 127.0.0.1/localhost, generated at start-up.
#ifndef DCS_EMULATOR_TLS_H_
#define DCS_EMULATOR_TLS_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace dcs::emulator {

struct TlsIdentity {
  std::unique_ptr<X509, void (*)(X509*)> cert{nullptr, X509_free};
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key{nullptr, EVP_PKEY_free};
  std::string cert_pem;  // what clients add to their trust store
};

// P-256 key, one-year validity, SAN IP:127.0.0.1 and DNS:localhost.
absl::StatusOr<TlsIdentity> GenerateSelfSigned();

// The same certificate shape over an RSA-2048 key: the emulator's ACR token
// service signs registry tokens (RS256, certificate in "x5c") with it, and
// the registry trusts the certificate (its rootcertbundle).
absl::StatusOr<TlsIdentity> GenerateRsaSigningIdentity();

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_TLS_H_
