// LimitedServer: each connection read by us up to the end of a request's headers, checked,
// then handed to cpp-httplib's process_request with the bytes already read.
//
// [SECTION] sockets: waits, sends, addresses
// [SECTION] the stream httplib reads from
// [SECTION] reading and checking a request header
// [SECTION] refusing
// [SECTION] workers started on demand
// [SECTION] LimitedServer
#include "server/http_limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>

#include "core/assert.h"
#include "server/log_fields.h"

namespace gk::server {
namespace {

// [SECTION] sockets: waits, sends, addresses --------------------------------------------------

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Waits up to timeout_ms for the socket to become ready for `events`; false on timeout or
// error. Polls in short slices so a stopping server is noticed.
bool WaitFor(int sock, short events, int64_t timeout_ms,
             const std::function<bool()>& stopping = nullptr) {
    const int64_t deadline = NowMs() + std::max<int64_t>(timeout_ms, 0);
    while (true) {
        if (stopping && stopping()) return false;
        const int64_t left = deadline - NowMs();
        if (left <= 0) return false;
        pollfd p{sock, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 100)));
        if (n > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
        if (n < 0 && errno != EINTR) return false;
    }
}

bool SendAll(int sock, std::string_view data, int timeout_ms) {
    while (!data.empty()) {
        if (!WaitFor(sock, POLLOUT, timeout_ms)) return false;
        const ssize_t n = ::send(sock, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

// The address text and port of a socket address (IPv4 or IPv6); "" and -1 for anything else.
std::string AddressText(const sockaddr_storage& addr, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    port = -1;
    if (addr.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
        inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
        port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
        inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        port = ntohs(a->sin6_port);
    }
    return text;
}

// [SECTION] the stream httplib reads from ------------------------------------------------------

// Bytes read from a connection and not yet consumed by httplib. Lives as long as the
// connection, so bytes of a pipelined next request are kept for it.
struct Inbox {
    std::string data;
    size_t pos = 0;

    size_t available() const { return data.size() - pos; }
    void Compact() {
        data.erase(0, pos);
        pos = 0;
    }
};

// The stream httplib reads a request from and writes its response to: first the bytes in the
// inbox, then the socket, each wait bounded by the I/O timeout.
class ConnectionStream : public httplib::Stream {
  public:
    ConnectionStream(int sock, Inbox& inbox, int timeout_ms, std::string peer, int peer_port)
        : sock_(sock),
          inbox_(inbox),
          timeout_ms_(timeout_ms),
          peer_(std::move(peer)),
          peer_port_(peer_port) {}

    bool is_readable() const override {
        return inbox_.available() > 0 || WaitFor(sock_, POLLIN, timeout_ms_);
    }
    bool is_writable() const override { return WaitFor(sock_, POLLOUT, timeout_ms_); }

    ssize_t read(char* ptr, size_t size) override {
        if (inbox_.available() > 0) {
            const size_t n = std::min(size, inbox_.available());
            std::copy_n(inbox_.data.data() + inbox_.pos, n, ptr);
            inbox_.pos += n;
            return static_cast<ssize_t>(n);
        }
        while (true) {
            if (!WaitFor(sock_, POLLIN, timeout_ms_)) return -1;
            const ssize_t n = ::recv(sock_, ptr, size, 0);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            return n;
        }
    }
    ssize_t write(const char* ptr, size_t size) override {
        while (true) {
            if (!WaitFor(sock_, POLLOUT, timeout_ms_)) return -1;
            const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            return n;
        }
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = peer_;
        port = peer_port_;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        ip.clear();
        port = -1;
        if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
            ip = AddressText(addr, port);
    }
    socket_t socket() const override { return sock_; }

  private:
    int sock_;
    Inbox& inbox_;
    int timeout_ms_;
    std::string peer_;
    int peer_port_;
};

// [SECTION] reading and checking a request header -------------------------------------------

enum class HeaderRead { kComplete, kClosed, kTooLarge, kTimeout };

// Reads until the inbox holds a whole request header ("\r\n\r\n") at most max_bytes long, all
// within the deadline. On kComplete, header_end is the offset just past the blank line.
HeaderRead ReadHeader(int sock, Inbox& in, size_t max_bytes, int64_t deadline_ms,
                      const std::function<bool()>& stopping, size_t& header_end) {
    size_t scanned = in.pos;
    char chunk[4096];
    while (true) {
        const size_t from = std::max(in.pos, scanned >= 3 ? scanned - 3 : 0);
        const size_t end = in.data.find("\r\n\r\n", from);
        if (end != std::string::npos && end + 4 - in.pos <= max_bytes) {
            header_end = end + 4;
            return HeaderRead::kComplete;
        }
        if (in.available() > max_bytes) return HeaderRead::kTooLarge;
        scanned = in.data.size();
        const int64_t left = deadline_ms - NowMs();
        if (left <= 0 || !WaitFor(sock, POLLIN, left, stopping)) {
            return stopping() ? HeaderRead::kClosed : HeaderRead::kTimeout;
        }
        // Never more than one byte past the limit: enough to know it was crossed.
        const size_t room = max_bytes + 1 - in.available();
        const ssize_t n = ::recv(sock, chunk, std::min(sizeof chunk, room), 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return HeaderRead::kClosed;
        in.data.append(chunk, static_cast<size_t>(n));
    }
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Why a request is refused before its body is read.
struct Refusal {
    int status = 0;  // 0: not refused
    std::string code;
    std::string message;
    int64_t declared_body = 0;  // the Content-Length the client announced, if any
};

// A refused client that announced a body is still sending it and reads the answer only when
// done; so up to this much of it is read and dropped (never kept) before closing, as httplib
// itself does for a body over the limit. Beyond it the connection is simply closed.
constexpr int64_t kMaxDrainBytes = 64 << 20;
constexpr int64_t kMaxDrainMs = 30'000;

// The Content-Length of a header that has one readable one, else 0.
int64_t DeclaredLength(std::string_view header) {
    while (!header.empty()) {
        const size_t eol = header.find("\r\n");
        const std::string_view line = header.substr(0, eol);
        header.remove_prefix(eol == std::string_view::npos ? header.size() : eol + 2);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        if (!EqualsNoCase(Trim(line.substr(0, colon)), "Content-Length")) continue;
        const std::string_view value = Trim(line.substr(colon + 1));
        if (value.empty() || value.size() > 18 ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return 0;
        return std::stoll(std::string(value));
    }
    return 0;
}

// Checks a complete header: the number of lines and the body's framing. The request line's
// path picks the error format.
Refusal CheckFields(std::string_view header, const HttpLimits& limits, std::string& path) {
    int lines = 0;
    bool first = true;
    bool has_length = false;
    while (!header.empty()) {
        const size_t eol = header.find("\r\n");
        const std::string_view line = header.substr(0, eol);
        header.remove_prefix(eol == std::string_view::npos ? header.size() : eol + 2);
        if (line.empty()) break;
        if (++lines > limits.max_header_lines)
            return {431, "header_too_large", "too many header fields"};
        if (first) {
            first = false;
            const size_t sp = line.find(' ');
            if (sp != std::string_view::npos) {
                const std::string_view target = line.substr(sp + 1);
                path = std::string(target.substr(0, target.find_first_of(" ?")));
            }
            continue;
        }
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;  // httplib decides about junk lines
        const std::string_view name = Trim(line.substr(0, colon));
        const std::string_view value = Trim(line.substr(colon + 1));
        if (EqualsNoCase(name, "Content-Encoding") && !value.empty() &&
            !EqualsNoCase(value, "identity")) {
            return {415, "unsupported_encoding", "compressed request bodies are not accepted"};
        }
        if (EqualsNoCase(name, "Transfer-Encoding")) {
            return {411, "length_required", "send the body with a Content-Length"};
        }
        if (EqualsNoCase(name, "Content-Length")) {
            if (has_length) return {400, "bad_request", "more than one Content-Length"};
            has_length = true;
            if (value.empty() || value.size() > 18 ||
                !std::all_of(value.begin(), value.end(),
                             [](char c) { return c >= '0' && c <= '9'; })) {
                return {400, "bad_request", "unreadable Content-Length"};
            }
            if (std::stoll(std::string(value)) > limits.max_body_bytes)
                return {413, "too_large", "request body too large"};
        }
    }
    return {};
}

Refusal CheckHeader(std::string_view header, const HttpLimits& limits, std::string& path) {
    Refusal r = CheckFields(header, limits, path);
    r.declared_body = DeclaredLength(header);
    return r;
}

// [SECTION] refusing ---------------------------------------------------------------------------

const char* ReasonPhrase(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 408:
            return "Request Timeout";
        case 411:
            return "Length Required";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 431:
            return "Request Header Fields Too Large";
        case 503:
            return "Service Unavailable";
        default:
            return "Error";
    }
}

// Answers with an error in the format of the path's API, then closes our side. What the client
// still sends is read and dropped for a moment (bounded), so that closing does not reset the
// connection before the client has read the answer.
void Refuse(int sock, const Refusal& r, const std::string& path, const std::string& peer,
            int timeout_ms) {
    using nlohmann::json;
    const json body = path.rfind("/open311/", 0) == 0
                          ? json::array({{{"code", r.status}, {"description", r.message}}})
                          : json{{"error", {{"code", r.code}, {"message", r.message}}}};
    const std::string text = body.dump();
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + ReasonPhrase(r.status) +
                       "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                       std::to_string(text.size()) + "\r\nConnection: close\r\n";
    if (r.status == 503) head += "Retry-After: 1\r\n";
    LogLine("http_refused")
        .Add("status", r.status)
        .Add("reason", r.code)
        .Add("remote", peer)
        .Warn();
    if (!SendAll(sock, head + "\r\n" + text, timeout_ms)) return;
    ::shutdown(sock, SHUT_WR);
    char sink[4096];
    const bool announced = r.declared_body > 0 && r.declared_body <= kMaxDrainBytes;
    const int64_t until = NowMs() + (announced ? kMaxDrainMs : 250);
    const int64_t limit = announced ? r.declared_body : (1 << 20);
    for (int64_t dropped = 0; dropped < limit;) {
        if (!WaitFor(sock, POLLIN, until - NowMs())) break;
        const ssize_t n = ::recv(sock, sink, sizeof sink, 0);
        if (n <= 0) break;
        dropped += n;
    }
}

// [SECTION] workers started on demand ---------------------------------------------------------

class OnDemandThreadPool : public httplib::TaskQueue {
  public:
    explicit OnDemandThreadPool(size_t max_threads) : max_threads_(max_threads) {
        GK_ASSERT(max_threads > 0 && "a pool needs at least one worker");
    }
    ~OnDemandThreadPool() override = default;

    void enqueue(std::function<void()> fn) override {
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(fn));
            if (jobs_.size() > idle_ && threads_.size() < max_threads_)
                threads_.emplace_back([this] { Work(); });
        }
        cond_.notify_one();
    }

    void shutdown() override {
        {
            std::lock_guard lock(mutex_);
            shutdown_ = true;
        }
        cond_.notify_all();
        // No enqueue comes after shutdown (httplib stops accepting first), so threads_ no
        // longer changes.
        for (auto& t : threads_) t.join();
    }

  private:
    void Work() {
        std::unique_lock lock(mutex_);
        while (true) {
            ++idle_;
            cond_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
            --idle_;
            if (jobs_.empty()) return;  // shutting down with nothing left
            std::function<void()> fn = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            fn();
            lock.lock();
        }
    }

    const size_t max_threads_;
    std::mutex mutex_;
    std::condition_variable cond_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> threads_;
    size_t idle_ = 0;
    bool shutdown_ = false;
};

}  // namespace

// [SECTION] LimitedServer ----------------------------------------------------------------------

LimitedServer::LimitedServer(HttpLimits limits) : limits_(std::move(limits)) {}

bool LimitedServer::RaiseListenBacklog() {
    const socket_t sock = svr_sock_;
    return sock != INVALID_SOCKET && ::listen(sock, limits_.listen_backlog) == 0;
}

bool LimitedServer::process_and_close_socket(socket_t sock) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    std::string peer = "?";
    int peer_port = -1;
    if (::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        peer = AddressText(addr, peer_port);
    auto ip = ParseIp(peer);
    if (ip) peer = ip->ToString();  // ::ffff:a.b.c.d → a.b.c.d
    const bool exempt = ip && InAnyRange(limits_.trusted_proxies, *ip);
    const std::string key = LimiterKey(peer);
    bool admitted = true;
    if (!exempt) {
        std::lock_guard lock(mutex_);
        int& open = open_[key];
        if (open >= limits_.max_connections_per_client)
            admitted = false;
        else
            ++open;
    }
    if (admitted) {
        Serve(sock, peer, peer_port);
        if (!exempt) {
            std::lock_guard lock(mutex_);
            if (--open_[key] <= 0) open_.erase(key);
        }
    } else {
        Refuse(sock, {503, "too_many_connections", "too many connections from this address"}, "",
               peer, limits_.io_timeout_ms);
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return true;
}

void LimitedServer::Serve(int sock, const std::string& peer, int peer_port) {
    const std::function<bool()> stopping = [this] { return svr_sock_ == INVALID_SOCKET; };
    Inbox in;
    for (size_t n = 0; n < limits_.max_requests_per_connection; ++n) {
        in.Compact();
        const int idle_ms = n == 0 ? limits_.first_request_timeout_ms : limits_.keep_alive_ms;
        if (in.available() == 0 && !WaitFor(sock, POLLIN, idle_ms, stopping)) return;
        size_t header_end = 0;
        const HeaderRead read =
            ReadHeader(sock, in, limits_.max_header_bytes, NowMs() + limits_.header_timeout_ms,
                       stopping, header_end);
        std::string path;
        Refusal refusal;
        switch (read) {
            case HeaderRead::kClosed:
                return;
            case HeaderRead::kTooLarge:
                refusal = {431, "header_too_large", "request header too large"};
                break;
            case HeaderRead::kTimeout:
                if (in.available() == 0) return;  // an idle connection, not a slow request
                refusal = {408, "timeout", "request header not received in time"};
                break;
            case HeaderRead::kComplete:
                refusal = CheckHeader(std::string_view(in.data).substr(in.pos, header_end - in.pos),
                                      limits_, path);
                break;
        }
        if (refusal.status != 0) {
            return Refuse(sock, refusal, path, peer, limits_.io_timeout_ms);
        }
        ConnectionStream stream(sock, in, limits_.io_timeout_ms, peer, peer_port);
        const bool last = n + 1 == limits_.max_requests_per_connection || stopping();
        bool closed = false;
        if (!process_request(stream, last, closed, nullptr) || closed) return;
    }
}

httplib::TaskQueue* NewOnDemandThreadPool(size_t max_threads) {
    return new OnDemandThreadPool(max_threads);
}

}  // namespace gk::server
