// A resource that keeps its "remote" objects in memory, for SDK tests.
#ifndef DCS_TESTS_UNIT_PROVIDER_FRAMEWORK_FAKE_RESOURCE_H_
#define DCS_TESTS_UNIT_PROVIDER_FRAMEWORK_FAKE_RESOURCE_H_

#include <map>
#include <mutex>
#include <string>

#include "base/log.h"
#include "sdk/framework/plan_modifiers.h"
#include "sdk/framework/resource.h"
#include "sdk/framework/validators.h"

namespace dcs::framework::testing {

inline schema::Schema FakeSchema() {
  using schema::Attribute;
  using schema::Mode;
  const cty::Type S = cty::Type::String();
  schema::Schema s;
  s.block.attributes = {
      Attribute{.name = "id", .type = S, .mode = Mode::kComputed, .plan_modifiers = {UseStateForUnknown()}},
      Attribute{.name = "name", .type = S, .mode = Mode::kRequired, .plan_modifiers = {RequiresReplace()}},
      Attribute{.name = "size", .type = S, .mode = Mode::kOptional, .validators = {OneOf({"S", "M", "L"})}},
      Attribute{.name = "state", .type = S, .mode = Mode::kComputed},
      Attribute{.name = "region", .type = S, .mode = Mode::kOptionalComputed, .default_value = cty::Value::String("eu")},
      Attribute{.name = "password", .type = S, .write_only = true},
      // Write-only where the client supports it, sensitive elsewhere.
      Attribute{.name = "api_key", .type = S, .sensitive = true, .write_only = true},
  };
  s.block.blocks = {schema::NestedBlock{
      .name = "disk", .nesting = schema::Nesting::kList,
      .block = schema::MakeBlock({Attribute{.name = "gb", .type = S, .mode = Mode::kRequired,
                                            .validators = {OneOf({"10", "20"})}},
                                  Attribute{.name = "serial", .type = S, .mode = Mode::kComputed}})}};
  return s;
}

class FakeResource : public Resource {
 public:
  std::string TypeName() const override { return "fake_thing"; }
  const schema::Schema& GetSchema() const override { return schema_; }

  void Create(const CreateRequest& req, ApplyResponse& resp) const override {
    if (log_config) log::Info("fake create", {{"config", req.config.DebugString()}});
    std::lock_guard<std::mutex> lock(mu_);
    std::string id = "thing-" + std::to_string(++next_id_);
    resp.new_state = Fill(req.planned, id);
    objects_[id] = resp.new_state;
  }
  void Read(const ReadRequest& req, ReadResponse& resp) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(req.state.GetAttr("id").AsString());
    resp.new_state = it == objects_.end() ? cty::Value::Null(req.state.type()) : it->second;
  }
  void Update(const UpdateRequest& req, ApplyResponse& resp) const override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string id = req.prior.GetAttr("id").AsString();
    resp.new_state = Fill(req.planned, id);
    objects_[id] = resp.new_state;
  }
  void Delete(const DeleteRequest& req, DeleteResponse&) const override {
    std::lock_guard<std::mutex> lock(mu_);
    objects_.erase(req.prior.GetAttr("id").AsString());
  }

  size_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_.size();
  }
  // Whether Create logs its whole config, as careless resource code might.
  bool log_config = false;
  // Whether Fill should leave `state` unknown (to test the engine's checks).
  bool leave_unknown = false;
  // Whether Fill should echo the write-only password into state.
  bool leak_password = false;

 private:
  cty::Value Fill(const cty::Value& planned, const std::string& id) const {
    std::map<std::string, cty::Value> attrs = planned.Attributes();
    attrs["id"] = cty::Value::String(id);
    if (!leave_unknown) attrs["state"] = cty::Value::String("READY");
    if (leak_password) attrs["password"] = cty::Value::String("hunter2");
    std::vector<cty::Value> disks;
    for (const auto& d : planned.GetAttr("disk").Elements()) {
      std::map<std::string, cty::Value> da = d.Attributes();
      da["serial"] = cty::Value::String("sn-" + da["gb"].AsString());
      disks.push_back(cty::Value::Object(d.type(), da));
    }
    attrs["disk"] = cty::Value::List(planned.GetAttr("disk").type().element_type(), disks);
    return cty::Value::Object(planned.type(), attrs);
  }

  schema::Schema schema_ = FakeSchema();
  mutable std::mutex mu_;
  mutable int next_id_ = 0;
  mutable std::map<std::string, cty::Value> objects_;
};

}  // namespace dcs::framework::testing

#endif  // DCS_TESTS_UNIT_PROVIDER_FRAMEWORK_FAKE_RESOURCE_H_
