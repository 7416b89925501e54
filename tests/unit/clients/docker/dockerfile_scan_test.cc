#include "clients/docker/dockerfile_scan.h"

#include <gtest/gtest.h>

namespace dcs::docker {
namespace {

TEST(DockerfileScanTest, PlainDockerfileHasNothing) {
  DockerfileFeatures f = ScanDockerfile("FROM scratch\nCOPY a /a\nRUN [\"/bin/busybox\", \"true\"]\n");
  EXPECT_FALSE(f.syntax_directive);
  EXPECT_EQ(f.heredoc_line, 0);
  EXPECT_EQ(f.mount_line, 0);
  EXPECT_TRUE(f.secret_mounts.empty());
}

TEST(DockerfileScanTest, HeredocsMountsAndSecrets) {
  DockerfileFeatures f = ScanDockerfile(
      "# syntax=docker/dockerfile:1\n"
      "FROM scratch\n"
      "RUN --mount=type=cache,target=/root/.cache \\\n"
      "    --mount=type=secret,id=pip_index pip install x\n"
      "RUN --mount=type=secret,target=/run/secrets/token,required=false cat /run/secrets/token\n"
      "RUN <<EOF\necho hi\nEOF\n"
      "COPY <<-'CONF' /etc/x.conf\nCONF\n");
  EXPECT_TRUE(f.syntax_directive);
  EXPECT_EQ(f.mount_line, 3);
  EXPECT_EQ(f.heredoc_line, 6);
  ASSERT_EQ(f.secret_mounts.size(), 2u);
  EXPECT_EQ(f.secret_mounts[0].id, "pip_index");
  EXPECT_TRUE(f.secret_mounts[0].required);
  EXPECT_EQ(f.secret_mounts[0].line, 3);
  EXPECT_EQ(f.secret_mounts[1].id, "token");  // from the target's basename
  EXPECT_FALSE(f.secret_mounts[1].required);
}

TEST(DockerfileScanTest, SyntaxDirectiveOnlyBeforeTheFirstInstruction) {
  EXPECT_FALSE(ScanDockerfile("FROM scratch\n# syntax=docker/dockerfile:1\n").syntax_directive);
  EXPECT_FALSE(ScanDockerfile("FROM scratch\nRUN echo a <<b\n").heredoc_line == 0);  // looks like one: refused, safe side
}

}  // namespace
}  // namespace dcs::docker
