// The fault proxy: plain POSIX sockets, one thread per client connection, every wait a poll()
// of at most 50 ms that also watches the stop flag, so the destructor never hangs.
//
// [SECTION] Socket helpers
// [SECTION] Life cycle and plan
// [SECTION] One exchange
#include "tests/sync/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace gk::synctest {
namespace {

// ---------------------------------------------------------------------------------------------
// [SECTION] Socket helpers
// ---------------------------------------------------------------------------------------------

constexpr int kTickMs = 50;
constexpr int64_t kMaxWaitMs = 60'000;  // no exchange or stall outlives this
constexpr size_t kMaxHeaderBytes = 1 << 20;
constexpr size_t kMaxBodyBytes = 64u << 20;

int64_t SteadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Waits until fd is readable (true), or the stop flag, the deadline or an error (false).
bool WaitReadable(int fd, const std::atomic<bool>& stop, int64_t deadline_ms) {
    while (!stop.load() && SteadyMs() < deadline_ms) {
        pollfd p{fd, POLLIN, 0};
        const int n = poll(&p, 1, kTickMs);
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
    return false;
}

void SendAll(int fd, const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<size_t>(n);
    }
}

void CloseWithReset(int fd) {
    linger l{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

struct ParsedRequest {
    std::string method, path, head, body;  // head: request line and headers, without the blank line
};

// Reads one whole request (Content-Length bodies only: what libcurl sends for POSTFIELDS).
bool ReadRequest(int fd, const std::atomic<bool>& stop, ParsedRequest& out) {
    std::string buf;
    const int64_t deadline = SteadyMs() + kMaxWaitMs;
    size_t header_end = std::string::npos;
    size_t content_length = 0;
    for (;;) {
        if (header_end == std::string::npos) {
            header_end = buf.find("\r\n\r\n");
            if (header_end != std::string::npos) {
                out.head = buf.substr(0, header_end);
                const std::string lower = Lower(out.head);
                const size_t cl = lower.find("\r\ncontent-length:");
                if (cl != std::string::npos) {
                    const size_t start = cl + 17;  // after "\r\ncontent-length:"
                    const size_t end = lower.find("\r\n", start);
                    const std::string value =
                        lower.substr(start, end == std::string::npos ? end : end - start);
                    content_length = std::strtoull(value.c_str(), nullptr, 10);
                }
                if (content_length > kMaxBodyBytes) return false;
                const size_t sp1 = out.head.find(' ');
                const size_t sp2 = out.head.find(' ', sp1 + 1);
                if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
                out.method = out.head.substr(0, sp1);
                out.path = out.head.substr(sp1 + 1, sp2 - sp1 - 1);
            } else if (buf.size() > kMaxHeaderBytes) {
                return false;
            }
        }
        if (header_end != std::string::npos && buf.size() >= header_end + 4 + content_length) {
            out.body = buf.substr(header_end + 4, content_length);
            return true;
        }
        if (!WaitReadable(fd, stop, deadline)) return false;
        char chunk[64 * 1024];
        const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buf.append(chunk, static_cast<size_t>(n));
    }
}

// The request as it goes to the server: the same, but asking it to close afterwards.
std::string UpstreamRequest(const ParsedRequest& r) {
    std::string out;
    size_t pos = 0;
    bool first = true;
    while (pos <= r.head.size()) {
        size_t end = r.head.find("\r\n", pos);
        if (end == std::string::npos) end = r.head.size();
        const std::string line = r.head.substr(pos, end - pos);
        if (first || Lower(line).rfind("connection:", 0) != 0) out += line + "\r\n";
        first = false;
        pos = end + 2;
    }
    return out + "Connection: close\r\n\r\n" + r.body;
}

// Reads until the server closes (it was asked to), or stop, or the deadline.
std::string ReadUntilClose(int fd, const std::atomic<bool>& stop) {
    std::string reply;
    const int64_t deadline = SteadyMs() + kMaxWaitMs;
    while (WaitReadable(fd, stop, deadline)) {
        char chunk[64 * 1024];
        const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        reply.append(chunk, static_cast<size_t>(n));
    }
    return reply;
}

// Holds the connection open, reading and dropping whatever comes, until the client gives up.
void StallUntilClientCloses(int fd, const std::atomic<bool>& stop) {
    const int64_t deadline = SteadyMs() + kMaxWaitMs;
    while (WaitReadable(fd, stop, deadline)) {
        char chunk[4096];
        if (recv(fd, chunk, sizeof chunk, 0) <= 0) return;
    }
}

const char* ReasonPhrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 404:
            return "Not Found";
        case 413:
            return "Payload Too Large";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
    }
}

}  // namespace

const char* FaultName(FaultKind kind) {
    switch (kind) {
        case FaultKind::kPass:
            return "pass";
        case FaultKind::kLoseResponse:
            return "lose_response";
        case FaultKind::kStallAfterForward:
            return "stall_after_forward";
        case FaultKind::kTruncateResponse:
            return "truncate_response";
        case FaultKind::kReset:
            return "reset";
        case FaultKind::kStall:
            return "stall";
        case FaultKind::kReply:
            return "reply";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Life cycle and plan
// ---------------------------------------------------------------------------------------------

FaultProxy::FaultProxy(int upstream_port) : upstream_port_(upstream_port), start_ms_(SteadyMs()) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("proxy: socket failed");
    const int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listen_fd_, 64) != 0) {
        close(listen_fd_);
        throw std::runtime_error("proxy: bind/listen failed");
    }
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
    stop_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    close(listen_fd_);
    std::vector<std::thread> connections;
    {
        std::lock_guard lock(mutex_);
        connections.swap(connections_);
    }
    for (auto& t : connections) t.join();
}

int64_t FaultProxy::NowMs() const { return SteadyMs() - start_ms_; }

void FaultProxy::Plan(const std::string& path_prefix, std::vector<Fault> faults) {
    std::lock_guard lock(mutex_);
    plans_[path_prefix] = std::deque<Fault>(faults.begin(), faults.end());
}

size_t FaultProxy::PendingFaults() const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& [prefix, faults] : plans_) n += faults.size();
    return n;
}

void FaultProxy::OnForwarded(std::function<void(const SeenRequest&)> hook) {
    std::lock_guard lock(mutex_);
    on_forwarded_ = std::move(hook);
}

std::vector<SeenRequest> FaultProxy::Seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
}

std::vector<SeenRequest> FaultProxy::SeenWithPrefix(const std::string& path_prefix) const {
    std::vector<SeenRequest> out;
    for (auto& s : Seen())
        if (s.path.rfind(path_prefix, 0) == 0) out.push_back(std::move(s));
    return out;
}

Fault FaultProxy::NextFault(const std::string& path) {
    for (auto& [prefix, faults] : plans_) {
        if (path.rfind(prefix, 0) != 0 || faults.empty()) continue;
        Fault f = std::move(faults.front());
        faults.pop_front();
        return f;
    }
    return Fault::Pass();
}

void FaultProxy::AcceptLoop() {
    while (!stop_.load()) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, kTickMs) <= 0) continue;
        const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        std::lock_guard lock(mutex_);
        connections_.emplace_back([this, client] { Serve(client); });
    }
}

// ---------------------------------------------------------------------------------------------
// [SECTION] One exchange
// ---------------------------------------------------------------------------------------------

void FaultProxy::Serve(int client) {
    ParsedRequest req;
    if (!ReadRequest(client, stop_, req)) {
        close(client);
        return;
    }
    Fault fault;
    size_t index = 0;
    std::function<void(const SeenRequest&)> hook;
    SeenRequest seen;
    {
        std::lock_guard lock(mutex_);
        fault = NextFault(req.path);
        seen.at_ms = NowMs();
        seen.at_wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        seen.method = req.method;
        seen.path = req.path;
        seen.body = req.body;
        seen.fault = fault.kind;
        index = seen_.size();
        seen_.push_back(seen);
        hook = on_forwarded_;
    }

    switch (fault.kind) {
        case FaultKind::kReset:
            CloseWithReset(client);
            return;
        case FaultKind::kStall:
            StallUntilClientCloses(client, stop_);
            close(client);
            return;
        case FaultKind::kReply: {
            if (fault.delay_ms > 0) {
                const int64_t until = SteadyMs() + fault.delay_ms;
                while (!stop_.load() && SteadyMs() < until)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            std::string out = "HTTP/1.1 " + std::to_string(fault.status) + " " +
                              ReasonPhrase(fault.status) + "\r\n";
            for (const auto& [name, value] : fault.headers) out += name + ": " + value + "\r\n";
            out += "Content-Type: application/json\r\nContent-Length: " +
                   std::to_string(fault.body.size()) + "\r\nConnection: close\r\n\r\n" + fault.body;
            SendAll(client, out);
            close(client);
            return;
        }
        default:
            break;
    }

    // Forwarding faults.
    const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(upstream_port_.load()));
    if (upstream < 0 || connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (upstream >= 0) close(upstream);
        CloseWithReset(client);  // the server is down: the client sees a reset
        return;
    }
    SendAll(upstream, UpstreamRequest(req));
    if (hook) hook(seen);
    const std::string reply = ReadUntilClose(upstream, stop_);
    close(upstream);
    {
        std::lock_guard lock(mutex_);
        SeenRequest& s = seen_[index];
        if (reply.rfind("HTTP/1.", 0) == 0 && reply.size() > 12)
            s.upstream_status = std::atoi(reply.c_str() + 9);
        const size_t body_at = reply.find("\r\n\r\n");
        if (body_at != std::string::npos) s.upstream_body = reply.substr(body_at + 4);
    }
    switch (fault.kind) {
        case FaultKind::kPass:
            if (reply.empty()) {
                CloseWithReset(client);
            } else {
                SendAll(client, reply);
                close(client);
            }
            return;
        case FaultKind::kLoseResponse:
            close(client);
            return;
        case FaultKind::kStallAfterForward:
            StallUntilClientCloses(client, stop_);
            close(client);
            return;
        case FaultKind::kTruncateResponse:
            SendAll(client, reply.substr(0, reply.size() / 2));
            close(client);
            return;
        default:
            close(client);
            return;
    }
}

}  // namespace gk::synctest
