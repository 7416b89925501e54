#include "emulator/router.h"

namespace dcs::emulator {

std::string ApiRequest::Query(const std::string& key) const {
  auto it = query.find(key);
  return it == query.end() ? std::string() : it->second;
}

std::vector<std::string> ApiRequest::QueryAll(const std::string& key) const {
  std::vector<std::string> out;
  auto [lo, hi] = query.equal_range(key);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

std::string ApiRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

void Router::Add(const std::string& method, const std::string& path, Handler handler,
                 Access access, bool json_body) {
  routes_[path][method] = Route{std::move(handler), access, json_body};
}

void Router::AddBothVersions(const std::string& method, const std::string& suffix, Handler handler) {
  Add(method, "/api/2.0/" + suffix, handler);
  Add(method, "/api/2.1/" + suffix, std::move(handler));
}

void Router::AddPrefix(const std::string& method, const std::string& prefix, Handler handler,
                       Access access, bool json_body) {
  prefixes_[prefix][method] = Route{std::move(handler), access, json_body};
}

const Route* Router::Find(const std::string& method, const std::string& path,
                          bool* path_known) const {
  auto p = routes_.find(path);
  *path_known = p != routes_.end();
  if (!*path_known) {
    const std::map<std::string, Route>* best = nullptr;
    size_t best_len = 0;
    for (const auto& [prefix, methods] : prefixes_) {
      if (path.rfind(prefix, 0) == 0 && prefix.size() >= best_len) {
        best = &methods;
        best_len = prefix.size();
      }
    }
    if (best == nullptr) return nullptr;
    *path_known = true;
    auto m = best->find(method);
    return m == best->end() ? nullptr : &m->second;
  }
  auto m = p->second.find(method);
  return m == p->second.end() ? nullptr : &m->second;
}

}  // namespace dcs::emulator
