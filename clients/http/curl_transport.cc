// The libcurl Transport: easy handles from a shared pool (kept, so
// connections are reused), no redirects, streaming through callbacks.
#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/http/http.h"
#include "clients/http/text.h"

namespace dcs::http {
namespace {

// Idle easy handles, shared by every thread and reset between requests (the
// reset keeps the handle's connection cache, so keep-alive connections are
// reused). A handle per thread meant a new connection for every new thread,
// and gRPC's sync server starts worker threads as the load changes: one
// refresh of 500 clusters opened 183 connections that way, 8 with the pool.
class HandlePool {
 public:
  CURL* Acquire() {
    CURL* curl = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        curl = idle_.back();
        idle_.pop_back();
      }
    }
    if (curl == nullptr) return curl_easy_init();
    curl_easy_reset(curl);
    return curl;
  }

  void Release(CURL* curl) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(curl);
        return;
      }
    }
    curl_easy_cleanup(curl);
  }

 private:
  // More than Terraform's default parallelism (10), so a burst of parallel
  // requests finds its connections again next time.
  static constexpr size_t kMaxIdle = 16;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

HandlePool& Handles() {
  // Never destroyed: a handle may still be in use by a thread that outlives
  // static destruction at exit.
  static HandlePool* pool = new HandlePool;
  return *pool;
}

// Borrows a handle for one transfer.
class PooledHandle {
 public:
  PooledHandle() : curl_(Handles().Acquire()) {}
  ~PooledHandle() {
    if (curl_ != nullptr) Handles().Release(curl_);
  }
  PooledHandle(const PooledHandle&) = delete;
  PooledHandle& operator=(const PooledHandle&) = delete;
  CURL* get() const { return curl_; }

 private:
  CURL* curl_;
};

struct Transfer {
  const Request* request;
  Response response;
  bool aborted_by_body = false;
  bool too_large = false;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->request->on_body) {
    if (!t->request->on_body(std::string_view(data, n))) {
      t->aborted_by_body = true;
      return 0;
    }
  } else {
    const size_t cap = t->request->max_body_bytes;
    if (cap != 0 && t->response.body.size() + n > cap) {
      t->too_large = true;
      return 0;
    }
    t->response.body.append(data, n);
  }
  return n;
}

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  long n = t->request->read_body(buffer, size * count);
  if (n < 0) return CURL_READFUNC_ABORT;
  return static_cast<size_t>(n);
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after 100 Continue)
    return line.size();
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers.emplace_back(
        std::string(text::Trim(line.substr(0, colon))),
        std::string(text::Trim(line.substr(colon + 1))));
  }
  return line.size();
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

absl::Status MapCurlError(CURLcode code, const Request& request, const char* detail) {
  std::string msg = absl::StrCat(request.method, " ", request.url, ": ",
                                 detail[0] != '\0' ? detail : curl_easy_strerror(code));
  if (!request.unix_socket.empty()) absl::StrAppend(&msg, " (unix socket ", request.unix_socket, ")");
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(msg);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(msg);
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
      return absl::CancelledError(msg);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return absl::FailedPreconditionError(msg);
    default:
      return absl::UnavailableError(msg);
  }
}

curl_slist* BuildHeaders(const Request& request) {
  curl_slist* list = nullptr;
  bool has_expect = false, has_length = false;
  for (const auto& [name, value] : request.headers) {
    if (text::EqualsIgnoreCase(name, "Expect")) has_expect = true;
    if (text::EqualsIgnoreCase(name, "Content-Length") ||
        text::EqualsIgnoreCase(name, "Transfer-Encoding")) {
      has_length = true;
    }
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    list = curl_slist_append(list, line.c_str());
  }
  // A streamed body of unknown size goes chunked (libcurl needs the header
  // for POST-style uploads).
  if (request.read_body && !has_length) list = curl_slist_append(list, "Transfer-Encoding: chunked");
  if (!has_expect) list = curl_slist_append(list, "Expect:");  // no 100-continue stall
  return list;
}

void SetBody(CURL* curl, const Request& request, Transfer* transfer) {
  if (request.read_body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, transfer);
  } else if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
             request.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "GET" && request.body.empty() && !request.read_body) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "GET");
  }
}

void SetConnection(CURL* curl, const Request& request, const std::string& user_agent) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent.c_str());
  const long timeout_ms = std::max<long>(1, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(timeout_ms, 30000));
  if (!request.unix_socket.empty()) {
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  }
  if (request.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
  if (!request.client_cert_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, request.client_cert_file.c_str());
  }
  if (!request.client_key_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLKEY, request.client_key_file.c_str());
  }
}

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(std::string user_agent) : user_agent_(std::move(user_agent)) {}

  absl::StatusOr<Response> Send(const Request& request) override {
    PooledHandle handle;
    CURL* curl = handle.get();
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    Transfer transfer{&request, {}, false, false};
    char error[CURL_ERROR_SIZE] = {0};
    SetConnection(curl, request, user_agent_);
    SetBody(curl, request, &transfer);
    curl_slist* headers = BuildHeaders(request);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnWrite);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    if (request.cancel != nullptr) {
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &OnProgress);
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, request.cancel);
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    }
    CURLcode code = curl_easy_perform(curl);
    if (request.cancel != nullptr) curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 1L);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_slist_free_all(headers);
    if (transfer.aborted_by_body) {
      return absl::CancelledError(absl::StrCat(request.method, " ", request.url,
                                               ": response body consumer aborted the transfer"));
    }
    if (transfer.too_large) {
      return absl::OutOfRangeError(absl::StrCat(request.method, " ", request.url, ": response body larger than ",
                                                request.max_body_bytes, " bytes (transfer stopped)"));
    }
    if (code != CURLE_OK) return MapCurlError(code, request, error);
    transfer.response.status = static_cast<int>(status);
    return std::move(transfer.response);
  }

 private:
  std::string user_agent_;
};

}  // namespace

std::shared_ptr<Transport> NewCurlTransport(std::string user_agent) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_shared<CurlTransport>(std::move(user_agent));
}

std::string UrlEscape(std::string_view s) {
  // A null handle is allowed since libcurl 7.82 (Debian 12 ships 7.88).
  char* escaped = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  if (escaped == nullptr) return "";  // out of memory
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

}  // namespace dcs::http
