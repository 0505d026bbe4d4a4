// HTTP client seam over libcurl: one easy handle per client (so connections are kept alive
// between requests), timeouts on connect and on a stalled transfer, TLS verification always on,
// bodies capped. A failure is a value (status 0 and an error word), never an exception.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace gk {

struct HttpResponse {
    int status = 0;  // HTTP status; 0 when no response was received
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string error;  // "timeout", "connect", "reset", "too_large", "tls", "cancelled", "other"
    bool ok() const { return status >= 200 && status < 300; }
};

struct HttpOptions {
    int connect_timeout_ms = 5000;
    int total_timeout_ms = 30000;  // the whole exchange
    int low_speed_timeout_s = 10;  // stalled below 1 byte/s for this long: give up
    size_t max_response_bytes = 8 << 20;
};

class HttpClient {
  public:
    explicit HttpClient(HttpOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // `bearer` empty: no Authorization header.
    HttpResponse Get(const std::string& url, const std::string& bearer = "");
    HttpResponse PostJson(const std::string& url, const std::string& json,
                          const std::string& bearer = "");

    // For shutting down, from any thread: the exchange in flight and every later one end at
    // once with error "cancelled" instead of waiting for the server or a timeout.
    void Cancel();

  private:
    HttpResponse Perform(const std::string& url, const std::string* json_body,
                         const std::string& bearer);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Retry-After: delta-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime form, read the
// same in every locale). Returns seconds to wait (≥ 0; a date in the past is 0, a wait too long
// to represent is a very large number for the caller to clamp), or -1 when the value is absent
// or unreadable.
int64_t ParseRetryAfter(const std::string& value, int64_t now_unix);

// An HTTP-date (the three forms above) as Unix seconds, or -1 when unreadable. The sync worker
// reads the server's Date header with it, so a Retry-After date is measured on the server's clock.
int64_t ParseHttpDate(const std::string& value);

}  // namespace gk
