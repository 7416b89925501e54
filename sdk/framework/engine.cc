#include "sdk/framework/engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "sdk/cty/json_codec.h"
#include "sdk/framework/plan.h"
#include "sdk/framework/walk.h"

namespace dcs::framework {
namespace {

template <typename T, typename NameFn>
absl::Status Register(std::vector<std::unique_ptr<T>> items, std::map<std::string, std::unique_ptr<T>>& out,
                      NameFn name_of) {
  for (auto& item : items) {
    std::string name = name_of(*item);
    if (out.count(name)) return absl::AlreadyExistsError("registered twice: " + name);
    out[name] = std::move(item);
  }
  return absl::OkStatus();
}

absl::Status CheckSchema(const std::string& name, const schema::Schema& s) {
  absl::Status status = schema::ValidateSchema(s);
  if (status.ok()) return status;
  return absl::InvalidArgumentError(absl::StrCat("schema of ", name, ": ", status.message()));
}

void ReportBug(Diagnostics& d, const std::string& what, const std::string& why) {
  d.AddError("Provider bug: " + what,
             why + " This is a bug in terraform-provider-dcs; please report it with the log "
                   "(TF_LOG=DEBUG).");
}

}  // namespace

Engine::Engine(std::unique_ptr<Provider> provider)
    : provider_(std::move(provider)), stop_(std::make_shared<std::atomic<bool>>(false)) {}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(std::unique_ptr<Provider> provider) {
  std::unique_ptr<Engine> e(new Engine(std::move(provider)));
  absl::Status s = CheckSchema("provider", e->provider_->GetSchema());
  if (s.ok()) s = Register(e->provider_->Resources(), e->resources_, [](auto& r) { return r.TypeName(); });
  if (s.ok()) s = Register(e->provider_->DataSources(), e->data_sources_, [](auto& r) { return r.TypeName(); });
  if (s.ok()) s = Register(e->provider_->Functions(), e->functions_, [](auto& f) { return f.Name(); });
  for (const auto& [name, r] : e->resources_) {
    if (s.ok()) s = CheckSchema(name, r->GetSchema());
  }
  for (const auto& [name, d] : e->data_sources_) {
    if (s.ok()) s = CheckSchema(name, d->GetSchema());
  }
  if (!s.ok()) return s;
  return e;
}

const schema::Schema* Engine::ResourceSchema(const std::string& type) const {
  auto it = resources_.find(type);
  return it == resources_.end() ? nullptr : &it->second->GetSchema();
}

const schema::Schema* Engine::DataSourceSchema(const std::string& type) const {
  auto it = data_sources_.find(type);
  return it == data_sources_.end() ? nullptr : &it->second->GetSchema();
}

Context Engine::MakeContext(const ClientCapabilities& client) const {
  std::lock_guard<std::mutex> lock(mu_);
  return Context{provider_data_, stop_, client};
}

void Engine::Stop() {
  stop_->store(true);
  log::Info("stop requested by the client");
}

const Resource* Engine::FindResource(const std::string& type, Diagnostics& d) const {
  auto it = resources_.find(type);
  if (it != resources_.end()) return it->second.get();
  d.AddError("Unknown resource type", "This provider has no resource type \"" + type +
                                          "\". Check the spelling and the provider version.");
  return nullptr;
}

Diagnostics ValidateAgainstSchema(const schema::Block& block, const cty::Value& config,
                                  const ClientCapabilities& client) {
  Diagnostics d;
  VisitAttributes(block, config, cty::Path(),
                  [&](const schema::Attribute& a, const cty::Value& v, const cty::Path& p) {
                    if (!v.IsKnown() || v.IsNull()) return;
                    // write_only + sensitive degrades to sensitive (walk.h).
                    if (a.write_only && !a.sensitive && !client.write_only_attributes_allowed) {
                      d.AddError("Write-only attribute not supported by this client",
                                 "\"" + p.ToString() + "\" is write-only, and this Terraform/OpenTofu "
                                 "version cannot handle write-only attributes. Upgrade the client "
                                 "(Terraform >= 1.11 or OpenTofu >= 1.11).",
                                 p);
                      return;
                    }
                    for (const auto& validator : a.validators) validator->Validate(v, p, d);
                  });
  return d;
}

Diagnostics Engine::ValidateProviderConfig(const cty::Value& config) const {
  RegisterSensitiveValues(provider_->GetSchema().block, config);
  Diagnostics d = ValidateAgainstSchema(provider_->GetSchema().block, config, {});
  provider_->ValidateConfig({MakeContext(), config}, d);
  return d;
}

Diagnostics Engine::ConfigureProvider(const std::string& terraform_version, const cty::Value& config,
                                      const ClientCapabilities& client) {
  Diagnostics d;
  RegisterSensitiveValues(provider_->GetSchema().block, config);
  std::shared_ptr<const ProviderData> data = provider_->Configure({MakeContext(client), terraform_version, config}, d);
  std::lock_guard<std::mutex> lock(mu_);
  provider_data_ = std::move(data);
  return d;
}

Diagnostics Engine::ValidateResourceConfig(const std::string& type, const cty::Value& config,
                                           const ClientCapabilities& client) const {
  Diagnostics d;
  const Resource* r = FindResource(type, d);
  if (!r) return d;
  RegisterSensitiveValues(r->GetSchema().block, config);
  d = ValidateAgainstSchema(r->GetSchema().block, config, client);
  r->ValidateConfig({MakeContext(client), config}, d);
  return d;
}

Diagnostics Engine::ValidateDataSourceConfig(const std::string& type, const cty::Value& config) const {
  Diagnostics d;
  auto it = data_sources_.find(type);
  if (it == data_sources_.end()) {
    d.AddError("Unknown data source", "This provider has no data source \"" + type + "\".");
    return d;
  }
  RegisterSensitiveValues(it->second->GetSchema().block, config);
  d = ValidateAgainstSchema(it->second->GetSchema().block, config, {});
  it->second->ValidateConfig({MakeContext(), config}, d);
  return d;
}

ReadDataResponse Engine::ReadDataSource(const std::string& type, const cty::Value& config) const {
  ReadDataResponse resp;
  auto it = data_sources_.find(type);
  if (it == data_sources_.end()) {
    resp.diagnostics.AddError("Unknown data source", "This provider has no data source \"" + type + "\".");
    return resp;
  }
  RegisterSensitiveValues(it->second->GetSchema().block, config);
  const cty::Type want = it->second->GetSchema().block.ImpliedType();
  resp.state = cty::Value::Null(want);
  it->second->Read({MakeContext(), config}, resp);
  if (resp.diagnostics.HasError()) return resp;
  absl::Status conform = cty::Conform(resp.state, want);
  if (resp.state.IsNull() || !resp.state.IsWhollyKnown() || !conform.ok()) {
    ReportBug(resp.diagnostics, "invalid data source result",
              "The data source " + type + " returned a null, partly unknown or mistyped object (" +
                  std::string(conform.message()) + ").");
  }
  return resp;
}

}  // namespace dcs::framework
