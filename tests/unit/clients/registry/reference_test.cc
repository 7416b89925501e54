#include "clients/registry/reference.h"

#include <gtest/gtest.h>

namespace dcs::registry {
namespace {

const std::string kHex64(64, 'a');

TEST(ParseReferenceTest, NormalisesLikeDocker) {
  struct Case {
    std::string in, domain, path, tag, digest;
  } cases[] = {
      {"alpine", "docker.io", "library/alpine", "latest", ""},
      {"user/app:1.0", "docker.io", "user/app", "1.0", ""},
      {"localhost:5000/app", "localhost:5000", "app", "latest", ""},
      {"localhost/app:x", "localhost", "app", "x", ""},
      {"myreg.azurecr.io/team/app@sha256:" + kHex64, "myreg.azurecr.io", "team/app", "",
       "sha256:" + kHex64},
      {"index.docker.io/library/nginx:1.27", "docker.io", "library/nginx", "1.27", ""},
      {"registry:5000/x/y:z", "registry:5000", "x/y", "z", ""},
      {"Registry/x", "Registry", "x", "latest", ""},
      {"127.0.0.1:5100/a/b-c_d.e:v1.2-rc_3", "127.0.0.1:5100", "a/b-c_d.e", "v1.2-rc_3", ""},
      {"[::1]:5000/app", "[::1]:5000", "app", "latest", ""},
      {"app:tag@sha256:" + kHex64, "docker.io", "library/app", "tag", "sha256:" + kHex64},
      {"a/b__c/d---e", "docker.io", "a/b__c/d---e", "latest", ""},
  };
  for (const Case& c : cases) {
    auto r = ParseReference(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status();
    EXPECT_EQ(r->domain, c.domain) << c.in;
    EXPECT_EQ(r->path, c.path) << c.in;
    EXPECT_EQ(r->tag, c.tag) << c.in;
    EXPECT_EQ(r->digest, c.digest) << c.in;
  }
}

TEST(ParseReferenceTest, DerivedNames) {
  auto r = ParseReference("alpine");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ApiHost(), "registry-1.docker.io");
  EXPECT_EQ(r->String(), "docker.io/library/alpine:latest");
  EXPECT_EQ(r->Ref(), "latest");
  auto d = ParseReference("localhost:5000/app@sha256:" + kHex64);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ApiHost(), "localhost:5000");
  EXPECT_EQ(d->Ref(), "sha256:" + kHex64);
}

TEST(ParseReferenceTest, RejectsWithClearMessages) {
  struct Case {
    std::string in, message_part;
  } cases[] = {
      {"", "empty"},
      {"Alpine", "lowercase"},
      {"docker.io/Team/app", "lowercase"},
      {"app:", "invalid tag"},
      {"app:-x", "invalid tag"},
      {"app:" + std::string(129, 'a'), "invalid tag"},
      {"app@sha256:abc", "invalid digest"},
      {"app@sha256:" + std::string(64, 'A'), "invalid digest"},
      {kHex64, "image ID"},
      {"a//b", "component"},
      {"a/-b", "component"},
      {"a/b_", "component"},
      {"reg.io/" + std::string(256, 'a'), "255"},
      {"my_reg.io:x/app", "registry host"},
      {":tag", "empty"},
  };
  for (const Case& c : cases) {
    auto r = ParseReference(c.in);
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.in;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << c.in << " -> " << r.status();
  }
}

}  // namespace
}  // namespace dcs::registry
