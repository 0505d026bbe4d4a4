// What every HTTP handler shares: configuration, store, clock, keys, the i18n strings, the
// current catalogue and the miss limiters. Built once by RunServer; handlers only read it (the
// parts that change have their own locks).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "core/catalogue.h"
#include "core/i18n.h"
#include "platform/clock.h"
#include "server/config.h"
#include "server/rate_limit.h"
#include "server/storage.h"

namespace gk::server {

// The newest catalogue, parsed once and swapped whole when staff load a new one.
class CatalogueCache {
  public:
    // Error when the stored document does not parse (it was checked when loaded, so this means
    // a damaged store).
    Status Reload(Storage& storage);
    // Reloads at most every few seconds (monotonic ms), so a catalogue loaded with the command
    // line while the server runs is picked up. Errors are logged; the last good one stays.
    void Refresh(Storage& storage, int64_t now_ms);
    std::shared_ptr<const Catalogue> Get() const {
        std::lock_guard lock(mutex_);
        return current_;
    }

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Catalogue> current_ = std::make_shared<Catalogue>();
    std::string current_text_;
    std::atomic<int64_t> next_refresh_ms_{0};
};

struct ServerContext {
    ServerContext(const ServerConfig& config_in, Storage& storage_in, Clock& clock_in,
                  const ServerKeys& keys_in, Strings strings_in);

    int64_t NowSeconds() const { return clock.WallUnixMs() / 1000; }
    // Where tracking links point: the configured public URL, or this server's own address.
    std::string TrackingUrl(const std::string& receipt_code) const {
        return public_url + "/t/" + receipt_code;
    }

    ServerConfig config;
    Storage& storage;
    Clock& clock;
    ServerKeys keys;
    std::string public_url;  // no trailing slash
    // Every text the server shows people (assets/i18n), loaded at start and never changed, so
    // handler threads read it without a lock. The keys handlers ask for were checked at start
    // (LoadServerTexts in http_server.cpp), so Get never takes its fallback, which writes.
    const Strings strings;
    CatalogueCache catalogue;
    MissLimiter receipt_misses;  // tracking page and Open311 lookups by receipt code
    MissLimiter enroll_misses;   // wrong enrollment codes
};

}  // namespace gk::server
