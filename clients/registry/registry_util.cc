#include "clients/registry/registry_util.h"

#include <openssl/evp.h>

#include <cctype>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clients/http/text.h"
#include "clients/registry/registry_client.h"

namespace dcs::registry {
namespace internal {

std::string BareMediaType(std::string_view ct) {
  std::string out;
  for (char c : ct.substr(0, ct.find(';'))) {
    if (c != ' ' && c != '\t') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool IsLoopbackHost(const std::string& host) {
  std::string h = host;
  if (!h.empty() && h[0] == '[') {
    h = h.substr(1, h.find(']') - 1);
    return h == "::1";
  }
  h = h.substr(0, h.find(':'));
  return h == "localhost" || h.rfind("127.", 0) == 0;
}

std::string BasicAuthValue(const std::string& user, const std::string& password) {
  return "Basic " + absl::Base64Escape(user + ":" + password);
}

std::string StringField(const nlohmann::json& object, const char* key, std::string fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace internal

std::string Sha256Digest(std::string_view bytes) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned i = 0; i < len; ++i) out += {kHex[md[i] >> 4], kHex[md[i] & 15]};
  return out;
}

std::string NextLink(const std::string& link, const std::string& base_url) {
  // <url>; rel="next"[, <url2>; rel="prev"]
  size_t pos = 0;
  while ((pos = link.find('<', pos)) != std::string::npos) {
    const size_t close = link.find('>', pos);
    if (close == std::string::npos) return "";
    std::string url = link.substr(pos + 1, close - pos - 1);
    const size_t end = link.find('<', close);
    std::string params = link.substr(close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    pos = close;
    if (params.find("rel=\"next\"") == std::string::npos && params.find("rel=next") == std::string::npos) {
      continue;
    }
    if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return url;
    if (!url.empty() && url[0] != '/') url = "/" + url;
    return base_url + url;
  }
  return "";
}

std::string DescribeRegistryBody(const http::Response& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
    std::string out;
    for (const auto& e : j["errors"]) {
      if (!e.is_object()) continue;
      if (!out.empty()) out += "; ";
      absl::StrAppend(&out, internal::StringField(e, "code", "UNKNOWN"), ": ", internal::StringField(e, "message", ""));
    }
    return out;
  }
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    return j["message"].get<std::string>();
  }
  const std::string ct = internal::BareMediaType(r.Header("Content-Type"));
  if (r.body.empty()) return "empty body";
  std::string snippet = http::text::Utf8Prefix(r.body, 120);
  for (char& c : snippet) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  const bool html = ct == "text/html" || r.body.find("<html") != std::string::npos ||
                    r.body.find("<!DOCTYPE") != std::string::npos;
  return absl::StrCat(html ? "an HTML page" : "a non-JSON body",
                      ct.empty() ? "" : " (" + ct + ")",
                      " instead of a registry answer (is this a registry?): ", snippet);
}

}  // namespace dcs::registry
