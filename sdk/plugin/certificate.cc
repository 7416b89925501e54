#include "sdk/plugin/certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dcs::plugin {
namespace {

// go-plugin: notBefore = now - 30s, notAfter = now + 262980h.
constexpr long kNotBeforeSkewSeconds = 30;
constexpr int kValidityDays = 10957;           // 262980h = 10957 days …
constexpr long kValidityExtraSeconds = 12 * 3600;  // … and 12 hours.
constexpr int kSerialBits = 128;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ExtPtr =
    std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

// The OpenSSL error queue is per thread; drain it into the status so a failed
// attempt does not leak into an unrelated later error.
absl::Status OpenSslError(const std::string& what) {
  std::string detail;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    absl::StrAppend(&detail, detail.empty() ? "" : "; ", buffer);
  }
  return absl::InternalError(absl::StrCat("certificate: ", what, " failed",
                                          detail.empty() ? "" : ": ", detail));
}

absl::Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(absl::StrCat("extension ", value));
  }
  return absl::OkStatus();
}

absl::Status SetSerialAndValidity(X509* cert) {
  BnPtr serial(BN_new());
  if (!serial ||
      BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
    return OpenSslError("serial number");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert), -kNotBeforeSkewSeconds) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert), kValidityDays,
                       kValidityExtraSeconds, nullptr) == nullptr) {
    return OpenSslError("validity");
  }
  return absl::OkStatus();
}

absl::Status SetNames(X509* cert, const std::string& organization) {
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [name](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(
        name, field, MBSTRING_UTF8,
        reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  };
  if (add("O", organization) != 1 || add("CN", "localhost") != 1 ||
      X509_set_issuer_name(cert, name) != 1) {
    return OpenSslError("subject");
  }
  return absl::OkStatus();
}

absl::Status AddProfileExtensions(X509* cert) {
  const struct {
    int nid;
    const char* value;
  } kExtensions[] = {
      {NID_basic_constraints, "critical,CA:TRUE"},
      {NID_key_usage,
       "critical,digitalSignature,keyEncipherment,keyAgreement,keyCertSign"},
      {NID_ext_key_usage, "serverAuth,clientAuth"},
      {NID_subject_alt_name, "DNS:localhost"},
      {NID_subject_key_identifier, "hash"},
  };
  for (const auto& ext : kExtensions) {
    absl::Status status = AddExtension(cert, ext.nid, ext.value);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ToPem(X509* cert, EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  int ok = bio ? (cert != nullptr
                      ? PEM_write_bio_X509(bio.get(), cert)
                      : PEM_write_bio_PrivateKey(bio.get(), key, nullptr,
                                                 nullptr, 0, nullptr, nullptr))
               : 0;
  if (ok != 1) return OpenSslError("PEM encoding");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> ToDer(X509* cert) {
  unsigned char* der = nullptr;
  int size = i2d_X509(cert, &der);
  if (size <= 0) return OpenSslError("DER encoding");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<Certificate> Encode(X509* cert, EVP_PKEY* key) {
  Certificate out;
  absl::StatusOr<std::string> cert_pem = ToPem(cert, nullptr);
  absl::StatusOr<std::string> key_pem = ToPem(nullptr, key);
  absl::StatusOr<std::string> der = ToDer(cert);
  if (!cert_pem.ok()) return cert_pem.status();
  if (!key_pem.ok()) return key_pem.status();
  if (!der.ok()) return der.status();
  out.cert_pem = *std::move(cert_pem);
  out.key_pem = *std::move(key_pem);
  out.cert_der = *std::move(der);
  return out;
}

}  // namespace

absl::StatusOr<Certificate> GenerateSelfSignedCertificate(
    const CertificateOptions& options) {
  ERR_clear_error();
  const EVP_MD* digest = EVP_get_digestbyname(options.digest.c_str());
  if (digest == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate: unknown digest ", options.digest));
  }
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", options.curve.c_str()));
  if (!key) return OpenSslError(absl::StrCat("EC key generation on ", options.curve));
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslError("certificate allocation");
  }
  for (absl::Status status :
       {SetSerialAndValidity(cert.get()), SetNames(cert.get(), options.organization),
        AddProfileExtensions(cert.get())}) {
    if (!status.ok()) return status;
  }
  if (X509_sign(cert.get(), key.get(), digest) <= 0) return OpenSslError("signing");
  return Encode(cert.get(), key.get());
}

}  // namespace dcs::plugin
