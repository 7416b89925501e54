#include "emulator/tls.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace dcs::emulator {
namespace {

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool FillCertificate(X509* cert, EVP_PKEY* key) {
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return false;
  serial[0] &= 0x7f;  // keep the serial positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  bool ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  ok = ok && X509_set_version(cert, 2) == 1;
  ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr;
  ok = ok && X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600) != nullptr;
  X509_NAME* name = X509_get_subject_name(cert);
  ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                        reinterpret_cast<const unsigned char*>("dcs-emulator"),
                                        -1, -1, 0) == 1;
  ok = ok && X509_set_issuer_name(cert, name) == 1 && X509_set_pubkey(cert, key) == 1;
  ok = ok && AddExtension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  ok = ok && AddExtension(cert, NID_basic_constraints, "critical,CA:TRUE");
  ok = ok && AddExtension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
  ok = ok && AddExtension(cert, NID_ext_key_usage, "serverAuth");
  return ok && X509_sign(cert, key, EVP_sha256()) > 0;
}

}  // namespace

namespace {

absl::StatusOr<TlsIdentity> SelfSignedWith(EVP_PKEY* key) {
  TlsIdentity id;
  id.key.reset(key);
  id.cert.reset(X509_new());
  if (!id.key || !id.cert || !FillCertificate(id.cert.get(), id.key.get())) {
    return absl::InternalError("could not generate a self-signed TLS certificate");
  }
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr || PEM_write_bio_X509(bio, id.cert.get()) != 1) {
    BIO_free(bio);
    return absl::InternalError("could not encode the TLS certificate");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  id.cert_pem.assign(data, static_cast<size_t>(len));
  BIO_free(bio);
  return id;
}

}  // namespace

absl::StatusOr<TlsIdentity> GenerateSelfSigned() { return SelfSignedWith(EVP_EC_gen("P-256")); }

absl::StatusOr<TlsIdentity> GenerateRsaSigningIdentity() { return SelfSignedWith(EVP_RSA_gen(2048)); }

}  // namespace dcs::emulator
