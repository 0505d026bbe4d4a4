// The server's configuration: a TOML file (--config) whose values the command line overrides.
//
//   [server]
//   listen = "0.0.0.0:8080"
//   db = "/var/lib/gridkiosk/server.db"
//   public_url = "https://gk.example.cn"     # base of tracking links in receipts and Open311
//   threads = 256                            # most connections served at once
//   max_connections_per_client = 64          # per address (IPv6: per /64); proxies exempt;
//                                            # terminals behind one NAT share it
//   max_body_bytes = 2097152
//   keep_alive_seconds = 3
//   trusted_proxies = ["10.0.0.5", "fd00::/64"]  # behind a reverse proxy: whose
//                                            # X-Forwarded-For to believe (default: nobody's)
//   [tracking]                               # slowing down walks through receipt codes
//   max_misses = 5                           # misses per window before an address is blocked
//   window_seconds = 60
//   block_seconds = 60                       # first block; doubles with each repeat, ≤ 1 h
//   [sync]
//   max_batch_records = 500
//   max_feed_items = 200
//   enroll_code_ttl_hours = 168
//   terminal_burst = 300                     # per terminal token: requests at once ...
//   terminal_per_minute = 600                # ... and sustained (429 with Retry-After beyond)
//   [privacy]
//   retention_days = 180                     # days after a request closes before its
//                                            # personal fields are purged (daily, by serve)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "server/client_address.h"

namespace gk::server {

struct ServerConfig {
    std::string listen_host = "127.0.0.1";
    int listen_port = 8080;  // 0: any free port (printed at start)
    std::string db_path;
    std::string public_url;  // no trailing slash; empty: http://HOST:PORT
    int threads = 256;       // at most; each open connection holds one, started as needed
    int max_connections_per_client = 64;  // beyond it a client's new connections get 503
    int64_t max_body_bytes = 2 * 1024 * 1024;
    int keep_alive_seconds = 3;  // also bounds how long shutdown waits for idle clients
    // Proxies whose X-Forwarded-For is believed; they are also exempt from the per-client
    // connection bound (all their clients share their address).
    std::vector<IpRange> trusted_proxies;
    int tracking_max_misses = 5;
    int tracking_window_seconds = 60;
    int tracking_block_seconds = 60;
    int max_batch_records = 500;
    int max_feed_items = 200;
    int enroll_code_ttl_hours = 168;
    int terminal_burst = 300;       // sync API requests a terminal may send at once
    int terminal_per_minute = 600;  // and sustained, per terminal token (429 beyond)
    int retention_days = 180;  // after a request is closed; then `purge` removes personal fields
};

// Reads a TOML file over the defaults in `config`. Errors name the file and key.
Status LoadConfigFile(const std::string& path, ServerConfig& config);

// "HOST:PORT" → host and port (0..65535). "[::1]:80" for IPv6.
Status ParseListen(const std::string& text, ServerConfig& config);

}  // namespace gk::server
