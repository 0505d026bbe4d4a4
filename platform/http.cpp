// libcurl easy-handle wrapper.
#include "platform/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstring>
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
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
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
    std::atomic<bool> cancelled{false};
};

namespace {

// libcurl calls this about once a second and whenever data moves; non-zero aborts.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;
}

}  // namespace

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>()) {
    GlobalInitOnce();
    impl_->curl = curl_easy_init();
    impl_->options = options;
}

HttpClient::~HttpClient() {
    if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

void HttpClient::Cancel() { impl_->cancelled = true; }

HttpResponse HttpClient::Get(const std::string& url, const std::string& bearer) {
    return Perform(url, nullptr, bearer);
}

HttpResponse HttpClient::PostJson(const std::string& url, const std::string& json,
                                  const std::string& bearer) {
    return Perform(url, &json, bearer);
}

HttpResponse HttpClient::Perform(const std::string& url, const std::string* json_body,
                                 const std::string& bearer) {
    HttpResponse r;
    CURL* c = impl_->curl;
    if (!c || impl_->cancelled.load()) {
        r.error = c ? "cancelled" : "other";
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
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &impl_->cancelled);
    struct curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Accept: application/json");
    const std::string auth = "Authorization: Bearer " + bearer;
    if (!bearer.empty()) headers = curl_slist_append(headers, auth.c_str());
    if (json_body) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_body->data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(json_body->size()));
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
            case CURLE_OPERATION_TIMEDOUT:
                r.error = "timeout";
                break;
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST:
                r.error = "connect";
                break;
            case CURLE_RECV_ERROR:
            case CURLE_SEND_ERROR:
            case CURLE_GOT_NOTHING:
            case CURLE_PARTIAL_FILE:
                r.error = "reset";
                break;
            case CURLE_WRITE_ERROR:
                r.error = sink.too_large ? "too_large" : "other";
                break;
            case CURLE_ABORTED_BY_CALLBACK:
                r.error = "cancelled";
                break;
            case CURLE_SSL_CONNECT_ERROR:
            case CURLE_PEER_FAILED_VERIFICATION:
                r.error = "tls";
                break;
            default:
                r.error = "other";
                break;
        }
        r.body.clear();
        return r;
    }
    r.status = static_cast<int>(status);
    return r;
}

// Retry-After. Delta-seconds, or an HTTP-date in any of the three forms RFC 9110 §5.6.7 asks a
// recipient to accept. Month and day names are read by hand: strptime's %a and %b follow the
// process locale, and a terminal running in zh_CN must still read "Nov".
namespace {

constexpr int64_t kLongestRetryAfterSeconds = 999'999'999;  // ~31 years: callers clamp

int MonthIndex(const char* name) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
        if (std::strcmp(name, kMonths[i]) == 0) return i;
    return -1;
}

bool IsDayName(const char* name, bool long_form) {
    static constexpr const char* kShort[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static constexpr const char* kLong[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                            "Friday", "Saturday", "Sunday"};
    for (int i = 0; i < 7; ++i)
        if (std::strcmp(name, long_form ? kLong[i] : kShort[i]) == 0) return true;
    return false;
}

// Seconds since 1970 for a UTC date and time with every field checked; -1 when out of range.
int64_t UtcSeconds(int year, int month0, int day, int hour, int minute, int second) {
    if (year < 1970 || year > 9999 || month0 < 0 || month0 > 11 || day < 1 || day > 31 ||
        hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
        return -1;
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month0;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t t = timegm(&tm);
    if (tm.tm_mday != day) return -1;  // 31 Feb and the like: normalised into another month
    return static_cast<int64_t>(t);
}

}  // namespace

int64_t ParseHttpDate(const std::string& v) {
    char day_name[16] = {}, month[8] = {}, zone[8] = {};
    int day = 0, year = 0, hour = 0, minute = 0, second = 0, used = 0;
    const int length = static_cast<int>(v.size());
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (std::sscanf(v.c_str(), "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", day_name,
                    &day, month, &year, &hour, &minute, &second, zone, &used) == 8 &&
        used == length && IsDayName(day_name, false) && std::strcmp(zone, "GMT") == 0) {
        return UtcSeconds(year, MonthIndex(month), day, hour, minute, second);
    }
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (a two-digit year; 70..99 are 19xx)
    used = 0;
    if (std::sscanf(v.c_str(), "%9[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d %3[A-Z]%n", day_name,
                    &day, month, &year, &hour, &minute, &second, zone, &used) == 8 &&
        used == length && IsDayName(day_name, true) && std::strcmp(zone, "GMT") == 0) {
        return UtcSeconds(year < 70 ? 2000 + year : 1900 + year, MonthIndex(month), day, hour,
                          minute, second);
    }
    // asctime: "Sun Nov  6 08:49:37 1994"
    used = 0;
    if (std::sscanf(v.c_str(), "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", day_name, month, &day,
                    &hour, &minute, &second, &year, &used) == 7 &&
        used == length && IsDayName(day_name, false)) {
        return UtcSeconds(year, MonthIndex(month), day, hour, minute, second);
    }
    return -1;
}

int64_t ParseRetryAfter(const std::string& raw, int64_t now_unix) {
    const auto not_space = [](unsigned char c) { return !std::isspace(c); };
    const auto first = std::find_if(raw.begin(), raw.end(), not_space);
    const auto last = std::find_if(raw.rbegin(), raw.rend(), not_space).base();
    if (first >= last) return -1;
    const std::string value(first, last);
    if (std::all_of(value.begin(), value.end(),
                    [](unsigned char ch) { return std::isdigit(ch); })) {
        // A wait too long to represent is still a wait: the caller clamps it to its maximum
        // rather than falling back to a quick retry.
        if (value.size() > 9) return kLongestRetryAfterSeconds;
        return std::stoll(value);
    }
    const int64_t at = ParseHttpDate(value);
    if (at < 0) return -1;
    return std::clamp<int64_t>(at - now_unix, 0, kLongestRetryAfterSeconds);
}

}  // namespace gk
