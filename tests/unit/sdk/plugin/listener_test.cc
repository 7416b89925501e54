#include "sdk/plugin/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dcs::plugin {
namespace {

using ::testing::StartsWith;

TEST(ListenerTest, UnixSocketInSocketDirThenTmpdir) {
  char dir[] = "/tmp/dcs-listener-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  ListenerEnv env;
  env.socket_dir = dir;
  env.tmpdir = "/nonexistent";
  absl::StatusOr<ListenTarget> target = ChooseListenTarget(env);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->network, "unix");
  EXPECT_THAT(target->address, StartsWith(std::string(dir) + "/plugin"));
  EXPECT_EQ(target->grpc_address, "unix:" + target->address);
  EXPECT_EQ(target->socket_path, target->address);
  // The placeholder is gone so that gRPC can bind the name.
  EXPECT_FALSE(std::filesystem::exists(target->address));

  env.socket_dir = nullptr;
  env.tmpdir = dir;
  target = ChooseListenTarget(env);
  ASSERT_TRUE(target.ok());
  EXPECT_THAT(target->address, StartsWith(std::string(dir) + "/plugin"));
  std::filesystem::remove_all(dir);
}

TEST(ListenerTest, TooLongSocketPathIsAnError) {
  const std::string long_dir = "/tmp/" + std::string(120, 'd');
  ListenerEnv env;
  env.socket_dir = long_dir.c_str();
  EXPECT_FALSE(ChooseListenTarget(env).ok());
}

TEST(ListenerTest, TcpWithoutRangeLetsTheKernelChoose) {
  ListenerEnv env;
  env.network = "tcp";
  absl::StatusOr<ListenTarget> target = ChooseListenTarget(env);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->network, "tcp");
  EXPECT_EQ(target->port, 0);
  SetBoundPort(*target, 12345);
  EXPECT_EQ(target->address, "127.0.0.1:12345");
  EXPECT_EQ(target->grpc_address, "127.0.0.1:12345");
}

TEST(ListenerTest, TcpSkipsBusyPortsInRange) {
  // Occupy a kernel-chosen port, then offer it as the first of the range.
  int busy = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(busy, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(busy, 1), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(busy, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  const std::string min = std::to_string(port);
  const std::string max = std::to_string(port + 20);
  ListenerEnv env;
  env.network = "tcp";
  env.min_port = min.c_str();
  env.max_port = max.c_str();
  absl::StatusOr<ListenTarget> target = ChooseListenTarget(env);
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_GT(target->port, port);
  EXPECT_LE(target->port, port + 20);
  EXPECT_EQ(target->address, "127.0.0.1:" + std::to_string(target->port));

  env.max_port = min.c_str();  // Only the busy port.
  EXPECT_FALSE(ChooseListenTarget(env).ok());
  ::close(busy);
}

}  // namespace
}  // namespace dcs::plugin
