// A fault-injecting HTTP/1.1 proxy for the sync tests. It listens on 127.0.0.1, reads each
// request whole, and then does what its plan says for that request: pass it to the server, lose
// the server's answer after the server committed, reset the connection, stall, cut the answer
// short, or answer by itself (a 500, a 429 with Retry-After, ...). Every request it saw is kept
// with the time it arrived, so tests can measure the waits between attempts.
//
// One request per connection: the proxy asks the server for "Connection: close" and closes the
// client's connection after each exchange, so a fault never leaks into the next request.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gk::synctest {

enum class FaultKind {
    kPass,               // forward, answer with the server's reply
    kLoseResponse,       // forward, read the server's reply, close without answering
    kStallAfterForward,  // forward, read the server's reply, never answer
    kTruncateResponse,   // forward, send the first half of the server's reply, close
    kReset,              // do not forward; close with RST
    kStall,              // do not forward; never answer
    kReply,              // do not forward; answer `status` with `headers` and `body`
};

struct Fault {
    FaultKind kind = FaultKind::kPass;
    int status = 0;                                            // kReply
    std::vector<std::pair<std::string, std::string>> headers;  // kReply
    std::string body;                                          // kReply
    int delay_ms = 0;  // kReply: wait this long before answering

    static Fault Pass() { return {}; }
    static Fault Of(FaultKind kind) {
        Fault f;
        f.kind = kind;
        return f;
    }
    static Fault Reply(int status, std::vector<std::pair<std::string, std::string>> headers = {},
                       std::string body = "{}", int delay_ms = 0) {
        return Fault{FaultKind::kReply, status, std::move(headers), std::move(body), delay_ms};
    }
};

const char* FaultName(FaultKind kind);

// One request as the proxy saw it.
struct SeenRequest {
    int64_t at_ms = 0;       // steady clock, ms since the proxy started: request complete
    int64_t at_wall_ms = 0;  // the same moment on the wall clock (Unix ms)
    std::string method;
    std::string path;  // with the query
    std::string body;  // the request body
    FaultKind fault = FaultKind::kPass;
    int upstream_status = 0;    // the server's status when forwarded and answered; else 0
    std::string upstream_body;  // the server's reply body
};

class FaultProxy {
  public:
    explicit FaultProxy(int upstream_port);
    ~FaultProxy();  // stops stalls, closes everything and joins every thread
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void set_upstream_port(int port) { upstream_port_ = port; }

    // Faults for requests whose path starts with `path_prefix`, used one per request in order;
    // when they run out, such requests pass. Replaces an earlier plan for the same prefix.
    void Plan(const std::string& path_prefix, std::vector<Fault> faults);
    size_t PendingFaults() const;

    // Called on the connection's thread after a request went to the server and before its
    // answer is read: the moment to kill the server in the middle of a batch.
    void OnForwarded(std::function<void(const SeenRequest&)> hook);

    std::vector<SeenRequest> Seen() const;
    std::vector<SeenRequest> SeenWithPrefix(const std::string& path_prefix) const;

  private:
    void AcceptLoop();
    void Serve(int client);
    Fault NextFault(const std::string& path);
    int64_t NowMs() const;

    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<int> upstream_port_;
    std::atomic<bool> stop_{false};
    int64_t start_ms_ = 0;  // steady clock, ms
    std::thread acceptor_;

    mutable std::mutex mutex_;
    std::map<std::string, std::deque<Fault>> plans_;
    std::vector<SeenRequest> seen_;
    std::vector<std::thread> connections_;
    std::function<void(const SeenRequest&)> on_forwarded_;
};

}  // namespace gk::synctest
