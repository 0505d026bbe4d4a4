// The server's configuration: a TOML file (--config) whose values the command line overrides.
//
//   [server]
//   listen = "0.0.0.0:8080"
//   db = "/var/lib/gridkiosk/server.db"
//   public_url = "https://gk.example.cn"     # base of tracking links in receipts and Open311
//   threads = 32
//   max_body_bytes = 2097152
//   keep_alive_seconds = 3
//   trust_forwarded_for = false              # behind a reverse proxy: use X-Forwarded-For
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
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace gk::server {

struct ServerConfig {
    std::string listen_host = "127.0.0.1";
    int listen_port = 8080;  // 0: any free port (printed at start)
    std::string db_path;
    std::string public_url;  // no trailing slash; empty: http://HOST:PORT
    int threads = 32;        // each kept-alive connection holds one while it is open
    int64_t max_body_bytes = 2 * 1024 * 1024;
    int keep_alive_seconds = 3;  // also bounds how long shutdown waits for idle clients
    bool trust_forwarded_for = false;
    int tracking_max_misses = 5;
    int tracking_window_seconds = 60;
    int tracking_block_seconds = 60;
    int max_batch_records = 500;
    int max_feed_items = 200;
    int enroll_code_ttl_hours = 168;
    int terminal_burst = 300;       // sync API requests a terminal may send at once
    int terminal_per_minute = 600;  // and sustained, per terminal token (429 beyond)
};

// Reads a TOML file over the defaults in `config`. Errors name the file and key.
Status LoadConfigFile(const std::string& path, ServerConfig& config);

// "HOST:PORT" → host and port (0..65535). "[::1]:80" for IPv6.
Status ParseListen(const std::string& text, ServerConfig& config);

}  // namespace gk::server
