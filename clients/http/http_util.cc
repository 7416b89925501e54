// Response::Header, Retry-After parsing, URL helpers and log redaction.
#include <algorithm>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "clients/http/http.h"
#include "clients/http/text.h"

namespace dcs::http {
namespace {

constexpr char kRedacted[] = "<redacted>";

bool IsSecretHeader(std::string_view name) {
  static const char* const kNames[] = {"authorization", "proxy-authorization", "x-registry-auth",
                                       "x-registry-config", "cookie", "set-cookie",
                                       "x-databricks-azure-sp-management-token"};
  for (const char* n : kNames) {
    if (text::EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

bool IsSecretField(std::string_view name) {
  static const std::set<std::string> kNames = {
      "password",     "token",         "secret",       "client_secret", "access_token",
      "refresh_token", "id_token",     "string_value", "bytes_value",   "identitytoken",
      "registrytoken", "auth",         "client_assertion"};
  return kNames.count(text::Lower(name)) > 0;
}

void RedactJson(nlohmann::json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (IsSecretField(it.key()) && !it.value().is_null()) {
        it.value() = kRedacted;
      } else {
        RedactJson(it.value());
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) RedactJson(e);
  }
}

// "a=1&client_secret=x" form bodies (OAuth token requests).
bool LooksLikeForm(std::string_view body) {
  if (body.find('=') == std::string_view::npos) return false;
  return std::none_of(body.begin(), body.end(),
                      [](char c) { return c == ' ' || c == '\n' || c == '{' || c == '"'; });
}

std::string RedactForm(std::string_view body) {
  std::string out;
  for (std::string_view part : text::Split(body, '&')) {
    if (!out.empty()) out += '&';
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && IsSecretField(part.substr(0, eq))) {
      out.append(part.substr(0, eq + 1)).append(kRedacted);
    } else {
      out.append(part);
    }
  }
  return out;
}

}  // namespace

std::string Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (text::EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now) {
  std::string v(text::Trim(value));
  if (v.empty()) return std::nullopt;
  int64_t seconds = 0;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 12) return std::nullopt;
    seconds = std::stoll(v);
    return std::chrono::milliseconds(seconds * 1000);
  }
  std::tm tm{};
  const char* end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

std::string UrlPathAndQuery(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  if (scheme != std::string_view::npos) {
    size_t slash = rest.find_first_of("/?");
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  if (rest.empty()) return "/";
  if (rest.front() == '?') return "/" + std::string(rest);
  return std::string(rest);
}

std::string RedactHeaders(const Headers& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (!out.empty()) out += "; ";
    out += name;
    out += ": ";
    out += IsSecretHeader(name) ? kRedacted : value;
  }
  return out;
}

std::string RedactJsonBody(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) {
    RedactJson(j);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (LooksLikeForm(body)) return RedactForm(body);
  return std::string(body);
}

}  // namespace dcs::http
