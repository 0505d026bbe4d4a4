// Shared pieces of the sync tests: a terminal data directory under /tmp with a real Store
// provisioned as an enrollment would leave it, valid requests to submit, small timings for the
// worker, and a bounded wait on real time.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/request.h"
#include "kiosk/store/store.h"
#include "kiosk/sync/sync_worker.h"
#include "platform/clock.h"
#include "tests/support/temp_dir.h"

namespace gk::synctest {

constexpr const char* kService = "governance.grid_report";  // in assets/catalogue.json
constexpr int kSlaDays = 7;

// A fresh directory, removed with everything in it when the test ends.
class TempDir : public support::TempDir {
  public:
    TempDir() : support::TempDir("gk-sync-test") {}
};

inline ServiceRequest ValidRequest(int i) {
    ServiceRequest r;
    r.service_code = kService;
    r.description = "楼道灯坏了 #" + std::to_string(i);
    r.location = {"3号楼", "2单元", "501"};
    r.contact.name = "张秀英";
    r.contact.phone = "13912345678";
    r.lang = "zh";
    return r;
}

// The terminal's store, provisioned with a terminal number and grid as enrollment does.
inline std::unique_ptr<Store> OpenTerminalStore(const std::string& dir, Clock& clock,
                                                uint32_t terminal_number, const std::string& grid,
                                                const std::string& kiosk_id = "hall-1") {
    StoreOptions options;
    options.max_queue = 20000;
    auto store = Store::Open(dir, clock, options);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    if (!store.ok()) return nullptr;
    EXPECT_TRUE((*store)->set_terminal_number(terminal_number).ok());
    EXPECT_TRUE((*store)->set_grid_path(grid).ok());
    EXPECT_TRUE((*store)->set_kiosk_id(kiosk_id).ok());
    return std::move(*store);
}

// Submits n valid requests; returns their receipt codes (canonical), in order.
inline std::vector<std::string> SubmitMany(Store& store, int n,
                                           std::vector<std::string>* uuids = nullptr) {
    std::vector<std::string> codes;
    codes.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        auto stored = store.Submit(ValidRequest(i), kSlaDays);
        EXPECT_TRUE(stored.ok()) << (stored.ok() ? "" : stored.error().message);
        if (!stored.ok()) break;
        codes.push_back(stored->request.receipt_code);
        if (uuids) uuids->push_back(stored->request.uuid);
    }
    return codes;
}

inline int64_t QueueDepthOf(Store& store) {
    auto d = store.QueueDepth();
    return d.ok() ? *d : -1;
}

// Worker options for tests: quick backoff, short timeouts, no feed or heartbeat in the way.
inline SyncOptions QuickOptions(const std::string& url, const std::string& token) {
    SyncOptions o;
    o.server_url = url;
    o.token = token;
    o.batch_size = 100;
    o.feed_interval_ms = 60 * 60'000;
    o.heartbeat_interval_ms = 60 * 60'000;
    o.backoff.base_ms = 20;
    o.backoff.cap_ms = 200;
    o.backoff.retry_after_min_ms = 100;
    o.backoff.retry_after_max_ms = 2000;
    o.http.connect_timeout_ms = 1000;
    o.http.total_timeout_ms = 5000;
    o.http.low_speed_timeout_s = 5;
    return o;
}

// Polls `done` every 20 ms of real time until it holds or `limit_ms` passed.
inline bool WaitFor(const std::function<bool()>& done, int64_t limit_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

}  // namespace gk::synctest
