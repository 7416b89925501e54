#include "sdk/plugin/certificate.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <ctime>

#include <gtest/gtest.h>

#include "tests/unit/sdk/plugin/grpc_test_client.h"

namespace dcs::plugin {
namespace {

using testing::ParseDer;
using testing::ParsePem;

TEST(CertificateTest, ServerProfileMatchesGoPlugin) {
  absl::StatusOr<Certificate> cert = GenerateSelfSignedCertificate();
  ASSERT_TRUE(cert.ok()) << cert.status();
  auto x509 = ParseDer(cert->cert_der);
  ASSERT_NE(x509, nullptr);
  EXPECT_EQ(X509_check_host(x509.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_TRUE(X509_get_extended_key_usage(x509.get()) & XKU_SSL_SERVER);
  EXPECT_TRUE(X509_get_extended_key_usage(x509.get()) & XKU_SSL_CLIENT);
  EXPECT_EQ(X509_check_ca(x509.get()), 1);
  const uint32_t usage = X509_get_key_usage(x509.get());
  EXPECT_TRUE(usage & KU_DIGITAL_SIGNATURE);
  EXPECT_TRUE(usage & KU_KEY_CERT_SIGN);
  EXPECT_TRUE(usage & KU_KEY_ENCIPHERMENT);
  EXPECT_TRUE(usage & KU_KEY_AGREEMENT);
  EXPECT_EQ(X509_get_signature_nid(x509.get()), NID_ecdsa_with_SHA256);
  // Self-signed and verifiable with its own key.
  EXPECT_EQ(X509_verify(x509.get(), X509_get0_pubkey(x509.get())), 1);
  EXPECT_EQ(X509_check_issued(x509.get(), x509.get()), X509_V_OK);
}

TEST(CertificateTest, ValidityWindowAndSubject) {
  absl::StatusOr<Certificate> cert = GenerateSelfSignedCertificate();
  ASSERT_TRUE(cert.ok()) << cert.status();
  auto x509 = ParsePem(cert->cert_pem);
  ASSERT_NE(x509, nullptr);
  const time_t now = std::time(nullptr);
  time_t later = now + 29L * 365 * 24 * 3600;
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(x509.get()), nullptr), 0);
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(x509.get()), &later), 0);
  char buffer[256];
  X509_NAME_oneline(X509_get_subject_name(x509.get()), buffer, sizeof(buffer));
  EXPECT_STREQ(buffer, "/O=dcs/CN=localhost");
  EXPECT_NE(cert->key_pem.find("PRIVATE KEY"), std::string::npos);
}

TEST(CertificateTest, SerialsAreRandom) {
  auto a = GenerateSelfSignedCertificate();
  auto b = GenerateSelfSignedCertificate();
  ASSERT_TRUE(a.ok() && b.ok());
  auto xa = ParseDer(a->cert_der);
  auto xb = ParseDer(b->cert_der);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(xa.get()),
                             X509_get0_serialNumber(xb.get())),
            0);
}

TEST(CertificateTest, GoClientStyleP521WithSha512) {
  absl::StatusOr<Certificate> cert =
      GenerateSelfSignedCertificate({"P-521", "SHA512", "HashiCorp"});
  ASSERT_TRUE(cert.ok()) << cert.status();
  auto x509 = ParseDer(cert->cert_der);
  EXPECT_EQ(X509_get_signature_nid(x509.get()), NID_ecdsa_with_SHA512);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(x509.get())), 521);
}

TEST(CertificateTest, UnknownCurveOrDigestIsAnError) {
  EXPECT_FALSE(GenerateSelfSignedCertificate({"P-999", "SHA256", "x"}).ok());
  EXPECT_FALSE(GenerateSelfSignedCertificate({"P-256", "NOPE", "x"}).ok());
}

}  // namespace
}  // namespace dcs::plugin
