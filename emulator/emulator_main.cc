// dcs-emulator: serves a local Databricks workspace on 127.0.0.1 and prints its
// base URL on stdout once it accepts connections. SIGINT/SIGTERM stop it cleanly.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "emulator/flags.h"
#include "emulator/server.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = dcs::emulator::ParseFlags(args);
  if (!options.ok()) {
    bool help = absl::IsNotFound(options.status());
    std::cerr << (help ? dcs::emulator::Usage() : std::string(options.status().message())) << "\n";
    return help ? 0 : 2;
  }
  // Signals are taken by a dedicated thread so stopping the server happens outside
  // a signal handler; every other thread inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  dcs::emulator::EmulatorServer server(*std::move(options));
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << "dcs-emulator: " << s.message() << "\n";
    return 1;
  }
  std::thread waiter([&server, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.Stop();
  });
  std::cout << server.base_url() << std::endl;
  server.Serve();
  // Serve returned (stopped by a signal); make sure the waiter can finish.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}
