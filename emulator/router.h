// Transport-neutral request routing: handlers see an ApiRequest (parsed JSON body,
// query parameters, authenticated principal) and return a Reply or a Status.
// server.cc adapts cpp-httplib to this; tests and the AI Runtime extension register
// routes through the same Router.
#ifndef DCS_EMULATOR_ROUTER_H_
#define DCS_EMULATOR_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace dcs::emulator {

using Json = nlohmann::json;

struct ApiRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string raw_body;
  Json body = Json::object();  // parsed object for JSON routes
  std::string principal;       // authenticated user name ("" on public routes)
  std::string base_url;        // scheme://host:port as the client addressed us

  // First value of a query parameter, or "".
  std::string Query(const std::string& key) const;
  std::vector<std::string> QueryAll(const std::string& key) const;
  std::string Header(const std::string& lower_name) const;
};

struct Reply {
  int status = 200;
  Json body = Json::object();
  bool no_body = false;              // e.g. 204
  std::string raw;                   // used instead of body when content_type set
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply Ok(Json body) { Reply r; r.body = std::move(body); return r; }
};

using Handler = std::function<absl::StatusOr<Reply>(const ApiRequest&)>;

enum class Access {
  kAuthenticated,  // needs a valid Bearer token
  kPublic,         // probes and the OAuth endpoints
};

struct Route {
  Handler handler;
  Access access = Access::kAuthenticated;
  bool json_body = true;  // parse the body as a JSON object (POST/PATCH/PUT)
};

class Router {
 public:
  void Add(const std::string& method, const std::string& path, Handler handler,
           Access access = Access::kAuthenticated, bool json_body = true);
  // Registers the same handler under /api/2.0/<suffix> and /api/2.1/<suffix>.
  void AddBothVersions(const std::string& method, const std::string& suffix, Handler handler);
  // A route for every path starting with `prefix` (e.g. ARM resource ids);
  // exact routes win, then the longest prefix.
  void AddPrefix(const std::string& method, const std::string& prefix, Handler handler,
                 Access access = Access::kAuthenticated, bool json_body = true);

  // nullptr when nothing matches; *path_known tells 404-by-path from wrong method.
  const Route* Find(const std::string& method, const std::string& path, bool* path_known) const;

 private:
  std::map<std::string, std::map<std::string, Route>> routes_;  // path -> method -> route
  std::map<std::string, std::map<std::string, Route>> prefixes_;  // prefix -> method -> route
};

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_ROUTER_H_
