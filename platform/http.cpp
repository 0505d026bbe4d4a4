// libcurl easy-handle wrapper.
#include "platform/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>

namespace gk {
namespace {

void GlobalInitOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
    std::string* body;
    size_t max;
    bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const size_t n = size * count;
    if (sink->body->size() + n > sink->max) {
        sink->too_large = true;
        return 0;  // aborts the transfer
    }
    sink->body->append(data, n);
    return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* headers = static_cast<std::map<std::string, std::string>*>(user);
    const size_t n = size * count;
    std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after a 100 or redirect)
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        const auto not_space = [](unsigned char c) { return !std::isspace(c); };
        value.erase(value.begin(), std::find_if(value.begin(), value.end(), not_space));
        value.erase(std::find_if(value.rbegin(), value.rend(), not_space).base(), value.end());
        (*headers)[name] = value;
    }
    return n;
}

}  // namespace

struct HttpClient::Impl {
    CURL* curl = nullptr;
    HttpOptions options;
};

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>()) {
    GlobalInitOnce();
    impl_->curl = curl_easy_init();
    impl_->options = options;
}

HttpClient::~HttpClient() {
    if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

HttpResponse HttpClient::Get(const std::string& url, const std::string& bearer) {
    return Perform(url, nullptr, bearer);
}

HttpResponse HttpClient::PostJson(const std::string& url, const std::string& json, const std::string& bearer) {
    return Perform(url, &json, bearer);
}

HttpResponse HttpClient::Perform(const std::string& url, const std::string* json_body, const std::string& bearer) {
    HttpResponse r;
    CURL* c = impl_->curl;
    if (!c) {
        r.error = "other";
        return r;
    }
    // Reset per request but keep the handle: its connection cache survives the reset.
    curl_easy_reset(c);
    const HttpOptions& o = impl_->options;
    Sink sink{&r.body, o.max_response_bytes};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o.total_timeout_ms));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_timeout_s));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);  // always: a terminal never trusts blindly
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    struct curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Accept: application/json");
    const std::string auth = "Authorization: Bearer " + bearer;
    if (!bearer.empty()) headers = curl_slist_append(headers, auth.c_str());
    if (json_body) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body->data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body->size()));
    }
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) {
        r.status = 0;
        switch (rc) {
            case CURLE_OPERATION_TIMEDOUT: r.error = "timeout"; break;
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST: r.error = "connect"; break;
            case CURLE_RECV_ERROR:
            case CURLE_SEND_ERROR:
            case CURLE_GOT_NOTHING:
            case CURLE_PARTIAL_FILE: r.error = "reset"; break;
            case CURLE_WRITE_ERROR: r.error = sink.too_large ? "too_large" : "other"; break;
            case CURLE_SSL_CONNECT_ERROR:
            case CURLE_PEER_FAILED_VERIFICATION: r.error = "tls"; break;
            default: r.error = "other"; break;
        }
        r.body.clear();
        return r;
    }
    r.status = static_cast<int>(status);
    return r;
}

int64_t ParseRetryAfter(const std::string& value, int64_t now_unix) {
    if (value.empty()) return -1;
    if (std::all_of(value.begin(), value.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
        if (value.size() > 9) return -1;
        return std::stoll(value);
    }
    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm{};
    const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return -1;
    const int64_t at = static_cast<int64_t>(timegm(&tm));
    return std::max<int64_t>(0, at - now_unix);
}

}  // namespace gk
