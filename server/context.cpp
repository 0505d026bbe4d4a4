// The shared server context and the catalogue cache.
#include "server/context.h"

#include "server/log_fields.h"

namespace gk::server {
namespace {

MissLimiter::Options ReceiptLimits(const ServerConfig& c) {
    MissLimiter::Options o;
    o.max_misses = c.tracking_max_misses;
    o.window_ms = int64_t{c.tracking_window_seconds} * 1000;
    o.block_ms = int64_t{c.tracking_block_seconds} * 1000;
    return o;
}

}  // namespace

Status CatalogueCache::Reload(Storage& storage) {
    auto text = storage.LatestCatalogue();
    if (!text) return text.error();
    {
        std::lock_guard lock(mutex_);
        if (*text == current_text_) return Ok{};
    }
    auto parsed = std::make_shared<Catalogue>();
    if (!text->empty()) {
        auto c = ParseCatalogueJson(*text);
        if (!c) return Error{"catalogue", "stored catalogue: " + c.error().message};
        *parsed = std::move(*c);
    }
    std::lock_guard lock(mutex_);
    current_ = std::move(parsed);
    current_text_ = std::move(*text);
    return Ok{};
}

void CatalogueCache::Refresh(Storage& storage, int64_t now_ms) {
    int64_t due = next_refresh_ms_.load();
    if (now_ms < due || !next_refresh_ms_.compare_exchange_strong(due, now_ms + 5000)) return;
    if (auto st = Reload(storage); !st) {
        LogLine("catalogue_reload_failed").Add("code", st.error().code).Error();
    }
}

ServerContext::ServerContext(const ServerConfig& config_in, Storage& storage_in, Clock& clock_in,
                             const ServerKeys& keys_in, Strings strings_in)
    : config(config_in),
      storage(storage_in),
      clock(clock_in),
      keys(keys_in),
      strings(std::move(strings_in)),
      receipt_misses(clock_in, ReceiptLimits(config_in)),
      enroll_misses(clock_in, ReceiptLimits(config_in)) {
    public_url = config.public_url;
    if (public_url.empty()) {
        public_url = "http://" + config.listen_host + ":" + std::to_string(config.listen_port);
    }
}

}  // namespace gk::server
