// terraform-provider-dcs: started by Terraform/OpenTofu as a plugin, or by a
// person with --version / --debug.
#include <cstdio>
#include <cstring>
#include <string>

#include "provider/framework/engine.h"
#include "provider/plugin/serve.h"
#include "provider/server/provider_service.h"
#include "resources/provider.h"

namespace {

int PrintUsage() {
  std::fprintf(stderr,
               "terraform-provider-dcs %s\n"
               "usage: terraform-provider-dcs [--version | --debug]\n"
               "  --version  print the version and exit\n"
               "  --debug    serve in debug mode and print TF_REATTACH_PROVIDERS to export\n",
               DCS_VERSION);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool debug = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--version" || arg == "-version" || arg == "version") {
      std::printf("terraform-provider-dcs %s\n", DCS_VERSION);
      return 0;
    }
    if (arg == "--debug" || arg == "-debug") {
      debug = true;
    } else {
      return PrintUsage();
    }
  }

  auto engine = dcs::framework::Engine::Create(dcs::resources::NewProvider(DCS_VERSION));
  if (!engine.ok()) {
    std::fprintf(stderr, "terraform-provider-dcs: invalid provider definition: %s\n",
                 std::string(engine.status().message()).c_str());
    return 1;
  }
  dcs::server::ProviderService service(**engine);
  dcs::plugin::ServeOptions options;
  options.debug = debug;
  options.on_stop = [&] { (*engine)->Stop(); };
  return dcs::plugin::Serve({&service}, options);
}
