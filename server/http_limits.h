// The HTTP layer's bounds, applied before cpp-httplib reads anything of a request.
//
// Debian's cpp-httplib 0.11.4 is a compiled library: its CPPHTTPLIB_* limits are fixed at
// Debian's build, and with them it reads a header line of any length, inflates gzip bodies
// without a bound, reads chunked bodies past set_payload_max_length, listens with a backlog of
// 5 and holds a worker thread for as long as a client trickles its header. So LimitedServer
// takes each connection itself (process_and_close_socket) and, for every request on it:
//   - reads the request line and headers into its own buffer, at most max_header_bytes and
//     max_header_lines, and all of it within header_timeout_ms (one deadline for the whole
//     header: a slow trickle does not renew it) — else 431 / 408 and the connection closes;
//   - refuses before any body byte is read: Content-Encoding other than identity (415), any
//     Transfer-Encoding (411: every client of ours sends Content-Length), a Content-Length
//     over max_body_bytes (413) or unreadable (400);
//   - only then hands the buffered bytes and the socket to httplib's process_request.
// Each client address (IPv6: its /64) holds at most max_connections_per_client connections at
// once (trusted proxies exempt); more get 503 at once. Workers are started as connections need
// them, up to max_threads, so idle connections cannot starve everybody's requests.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/client_address.h"

namespace gk::server {

struct HttpLimits {
    size_t max_header_bytes = 16 * 1024;  // request line and all headers
    int max_header_lines = 100;
    int64_t max_body_bytes = 2 * 1024 * 1024;
    int header_timeout_ms = 5'000;         // from a request's first byte to its blank line
    int first_request_timeout_ms = 5'000;  // from accept to the first byte
    int keep_alive_ms = 3'000;             // idle wait for the next request on a connection
    int io_timeout_ms = 10'000;            // each body read or response write
    size_t max_requests_per_connection = 1000;
    int max_connections_per_client = 64;
    int listen_backlog = 1024;
    std::vector<IpRange> trusted_proxies;
};

class LimitedServer : public httplib::Server {
  public:
    explicit LimitedServer(HttpLimits limits);

    // After bind_to_port: listen again with limits.listen_backlog (Linux updates the backlog
    // of a listening socket). False when there is no bound socket.
    bool RaiseListenBacklog();

  private:
    bool process_and_close_socket(socket_t sock) override;
    void Serve(int sock, const std::string& peer, int peer_port);

    HttpLimits limits_;
    std::mutex mutex_;
    std::map<std::string, int> open_;  // client key → connections open
};

// A task queue that starts a worker only when none is idle, up to max_threads; jobs beyond
// wait. Workers stay until shutdown.
httplib::TaskQueue* NewOnDemandThreadPool(size_t max_threads);

}  // namespace gk::server
