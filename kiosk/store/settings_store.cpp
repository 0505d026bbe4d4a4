// The terminal's identity (number, receipt secret, kiosk id, grid path), other small settings,
// and the event log the staff screen reads.
#include <sodium.h>

#include <charconv>

#include "kiosk/store/store.h"
#include "kiosk/store/store_internal.h"
#include "platform/log.h"

namespace gk {
namespace {

// Setting keys.
constexpr const char* kTerminalNumberKey = "terminal_number";
constexpr const char* kReceiptSecretKey = "receipt_secret";  // hex
constexpr const char* kKioskIdKey = "kiosk_id";
constexpr const char* kGridPathKey = "grid_path";

constexpr char kSelectSetting[] = "SELECT value FROM settings WHERE key = ?1";
constexpr char kUpsertSetting[] =
    "INSERT INTO settings (key, value) VALUES (?1, ?2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
constexpr char kRecentEvents[] =
    "SELECT id, at, kind, detail FROM events ORDER BY id DESC LIMIT ?1";

}  // namespace

const char kInsertEventSql[] = "INSERT INTO events (at, kind, detail) VALUES (?1, ?2, ?3)";

// =============================================================================================
// [SECTION] Identity and settings
// =============================================================================================

Status Store::LoadIdentity() {
    auto get = [this](const char* key) -> Result<std::optional<std::string>> {
        auto st = Prepared(kSelectSetting);
        if (!st) return st.error();
        Cached c(*st);
        c->Bind(1, key);
        auto row = c->Step();
        if (!row) return row.error();
        if (!*row) return std::optional<std::string>();
        return std::optional<std::string>(c->Text(0));
    };
    auto number = get(kTerminalNumberKey);
    if (!number) return number.error();
    terminal_number_ = 0;
    if (*number) {
        const std::string& text = **number;
        uint32_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value <= kMaxTerminalNumber) {
            terminal_number_ = value;
        } else {
            log::Warn("terminal_number setting is not a valid number; treated as unset");
        }
    }
    auto kiosk = get(kKioskIdKey);
    if (!kiosk) return kiosk.error();
    kiosk_id_ = kiosk->value_or("");
    auto grid = get(kGridPathKey);
    if (!grid) return grid.error();
    grid_path_ = grid->value_or("");

    auto secret = get(kReceiptSecretKey);
    if (!secret) return secret.error();
    size_t length = 0;
    if (!*secret ||
        sodium_hex2bin(secret_.data(), secret_.size(), (*secret)->c_str(), (*secret)->size(),
                       nullptr, &length, nullptr) != 0 ||
        length != secret_.size()) {
        // First open (or the secret was lost with a damaged file): a new one. Codes already
        // issued stay unique by (terminal, counter); only their tags no longer verify here.
        if (sodium_init() < 0) return Error{"open", "libsodium failed to initialise"};
        randombytes_buf(secret_.data(), secret_.size());
        std::string hex(secret_.size() * 2 + 1, '\0');
        sodium_bin2hex(hex.data(), hex.size(), secret_.data(), secret_.size());
        hex.pop_back();
        if (auto s = PutSetting(kReceiptSecretKey, hex); !s) return s;
    }
    return Ok{};
}

Status Store::PutSetting(std::string_view key, std::string_view value) {
    auto st = Prepared(kUpsertSetting);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, key).Bind(2, value);
    if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "setting");
    return Ok{};
}

uint32_t Store::terminal_number() const {
    std::lock_guard lock(mutex_);
    return terminal_number_;
}

Status Store::set_terminal_number(uint32_t number) {
    if (number > kMaxTerminalNumber) {
        return Error{"range", "terminal number above " + std::to_string(kMaxTerminalNumber)};
    }
    std::lock_guard lock(mutex_);
    if (auto s = PutSetting(kTerminalNumberKey, std::to_string(number)); !s) return s;
    terminal_number_ = number;
    return Ok{};
}

ReceiptSecret Store::receipt_secret() const {
    std::lock_guard lock(mutex_);
    return secret_;
}

std::string Store::kiosk_id() const {
    std::lock_guard lock(mutex_);
    return kiosk_id_;
}

Status Store::set_kiosk_id(std::string_view kiosk_id) {
    std::lock_guard lock(mutex_);
    if (auto s = PutSetting(kKioskIdKey, kiosk_id); !s) return s;
    kiosk_id_ = std::string(kiosk_id);
    return Ok{};
}

std::string Store::grid_path() const {
    std::lock_guard lock(mutex_);
    return grid_path_;
}

Status Store::set_grid_path(std::string_view grid_path) {
    std::lock_guard lock(mutex_);
    if (auto s = PutSetting(kGridPathKey, grid_path); !s) return s;
    grid_path_ = std::string(grid_path);
    return Ok{};
}

Status Store::ApplyEnrollment(const TerminalEnrollment& e) {
    if (e.terminal_number == 0 || e.terminal_number > kMaxTerminalNumber) {
        return Error{"range", "terminal number outside 1.." + std::to_string(kMaxTerminalNumber)};
    }
    std::lock_guard lock(mutex_);
    Transaction tx(*db_);
    if (!tx.began()) return Error{"write", "begin: " + db_->LastErrorMessage()};
    const std::string number_text = std::to_string(e.terminal_number);
    const std::pair<const char*, std::string_view> values[] = {
        {kTerminalNumberKey, number_text}, {kKioskIdKey, e.kiosk_id},
        {kGridPathKey, e.grid_path},       {"server_url", e.server_url},
        {"sync_token", e.token},           {"server_public_key", e.server_public_key},
        {"public_url", e.public_url},
    };
    for (const auto& [key, value] : values) {
        if (auto s = PutSetting(key, value); !s) return s;
    }
    if (auto s = RecordEventLocked("enrolled",
                                   "terminal number " + number_text + ", kiosk " + e.kiosk_id);
        !s) {
        return s;
    }
    if (auto s = tx.Commit(); !s) return WriteError(s.error(), "write", "commit");
    terminal_number_ = e.terminal_number;
    kiosk_id_ = e.kiosk_id;
    grid_path_ = e.grid_path;
    return Ok{};
}

Result<std::optional<std::string>> Store::GetSetting(std::string_view key) {
    std::lock_guard lock(mutex_);
    auto st = Prepared(kSelectSetting);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, key);
    auto row = c->Step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(c->Text(0));
}

Status Store::SetSetting(std::string_view key, std::string_view value) {
    if (key == kTerminalNumberKey || key == kReceiptSecretKey || key == kKioskIdKey ||
        key == kGridPathKey) {
        return Error{"reserved", "identity keys have their own setters"};
    }
    std::lock_guard lock(mutex_);
    return PutSetting(key, value);
}

// =============================================================================================
// [SECTION] Events
// =============================================================================================

Status Store::RecordEventLocked(std::string_view kind, std::string_view detail) {
    auto st = Prepared(kInsertEventSql);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, NowUnix()).Bind(2, kind).Bind(3, detail);
    if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "event");
    return Ok{};
}

Status Store::RecordEvent(std::string_view kind, std::string_view detail) {
    std::lock_guard lock(mutex_);
    return RecordEventLocked(kind, detail);
}

Result<std::vector<EventRecord>> Store::RecentEvents(size_t limit) {
    std::lock_guard lock(mutex_);
    auto st = Prepared(kRecentEvents);
    if (!st) return st.error();
    Cached c(*st);
    c->Bind(1, static_cast<int64_t>(limit));
    std::vector<EventRecord> events;
    for (;;) {
        auto row = c->Step();
        if (!row) return row.error();
        if (!*row) break;
        events.push_back({c->Int(0), c->Int(1), c->Text(2), c->Text(3)});
    }
    return events;
}

}  // namespace gk
