// Staff operations: input checks and the store calls behind the CLI and the admin API.
#include "server/staff.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "core/catalogue.h"
#include "core/receipt_code.h"
#include "core/request_json.h"
#include "core/utf8.h"
#include "server/secrets.h"

namespace gk::server {

using nlohmann::json;

Result<std::string> InitServer(Storage& storage) {
    if (sodium_init() < 0) return Error{"crypto", "libsodium failed to initialise"};
    ServerKeys keys;
    const std::string token = NewToken();
    keys.admin_token_hash = HashToken(token);
    keys.sign_public_key.resize(crypto_sign_PUBLICKEYBYTES);
    keys.sign_secret_key.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(keys.sign_public_key.data()),
                        reinterpret_cast<unsigned char*>(keys.sign_secret_key.data()));
    keys.receipt_secret = RandomBytes(kReceiptSecretBytes);
    if (auto st = storage.InitKeys(keys); !st) return st.error();
    return token;
}

bool IsValidGridPath(std::string_view path) {
    if (path.empty() || path.size() > 200 || !IsValidUtf8(path)) return false;
    int segments = 0;
    size_t start = 0;
    while (true) {
        const size_t slash = path.find('/', start);
        const std::string_view segment = path.substr(start, slash - start);
        if (segment.empty() || segment.find_first_of("\t\n\r") != std::string_view::npos)
            return false;
        ++segments;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return segments <= 8;
}

bool IsValidKioskId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

Result<std::string> CreateEnrollCode(Storage& storage, const std::string& kiosk_id,
                                     const std::string& grid_path, int ttl_hours, int64_t now) {
    if (!IsValidKioskId(kiosk_id))
        return Error{"bad_input", "kiosk id must be 1..64 of [A-Za-z0-9._-]"};
    if (!IsValidGridPath(grid_path)) {
        return Error{"bad_input", "grid path must be 1..8 non-empty segments joined by '/'"};
    }
    const std::string code = NewEnrollCode();
    auto st = storage.AddEnrollCode(HashToken(NormaliseEnrollCode(code)), kiosk_id, grid_path, now,
                                    now + int64_t{ttl_hours} * 3600);
    if (!st) return st.error();
    return code;
}

Result<std::string> CreateApiKey(Storage& storage, const std::string& name, int64_t now) {
    if (!IsValidKioskId(name))
        return Error{"bad_input", "key name must be 1..64 of [A-Za-z0-9._-]"};
    const std::string key = NewToken();
    if (auto st = storage.AddApiKey(name, HashToken(key), now); !st) return st.error();
    return key;
}

Result<int> LoadCatalogue(Storage& storage, const std::string& document, int64_t now) {
    if (!IsValidUtf8(document)) return Error{"bad_input", "catalogue is not valid UTF-8"};
    auto parsed = ParseCatalogueJson(document);
    if (!parsed) return Error{"bad_input", "catalogue: " + parsed.error().message};
    // Stored compact and canonical, so the same document loaded twice compares equal.
    json j = json::parse(document, nullptr, false);
    if (j.is_discarded()) return Error{"bad_input", "catalogue is not JSON"};
    if (auto st = storage.PutCatalogue(parsed->version, j.dump(), now); !st) return st.error();
    return parsed->version;
}

Result<StoredRequest> SetRequestStage(Storage& storage, const std::string& code,
                                      const std::string& stage_name, const std::string& note,
                                      const std::string& actor, int64_t now) {
    auto canonical = NormaliseReceiptCode(code);
    if (!canonical) return Error{"bad_input", "receipt code: " + canonical.error().message};
    auto stage = ParseStage(stage_name);
    if (!stage || *stage == Stage::kQueued) {
        return Error{"bad_input", "unknown stage \"" + stage_name +
                                      "\" (received dispatched in_progress resolved closed rated "
                                      "rejected duplicate transferred reopened)"};
    }
    if (!IsValidUtf8(note) || CountCodePoints(note) == 0 || CountCodePoints(note) > 500) {
        return Error{"bad_input", "note must be 1..500 characters of valid UTF-8"};
    }
    const std::string who = actor.empty() ? "staff" : actor;
    if (!IsValidUtf8(who) || CountCodePoints(who) > 40) {
        return Error{"bad_input", "actor must be at most 40 characters of valid UTF-8"};
    }
    return storage.SetStage(*canonical, *stage, note, who, now);
}

Result<std::vector<StoredRequest>> ListForStaff(Storage& storage, const StaffListQuery& q,
                                                int64_t now) {
    RequestFilter f;
    if (!q.grid_prefix.empty()) {
        if (!IsValidGridPath(q.grid_prefix)) return Error{"bad_input", "bad grid path"};
        f.grid_prefix = q.grid_prefix;
    }
    if (!q.stage.empty()) {
        auto stage = ParseStage(q.stage);
        if (!stage) return Error{"bad_input", "unknown stage \"" + q.stage + "\""};
        f.stage = *stage;
    }
    f.overdue_only = q.overdue_only;
    f.now = now;
    f.limit = std::clamp(q.limit, 1, 1000);
    f.offset = std::max(q.offset, 0);
    return storage.ListRequests(f);
}

bool IsOverdue(const StoredRequest& r, int64_t now) {
    return StageIsOpen(r.stage) && now > r.expected_at;
}

json StaffRequestJson(const StoredRequest& r, int64_t now) {
    json history = json::array();
    for (const auto& h : r.history) {
        history.push_back({{"stage", StageName(h.stage)},
                           {"note", h.note},
                           {"actor", h.actor},
                           {"at", FormatChinaTime(h.at)}});
    }
    return {{"server_id", std::to_string(r.id)},
            {"receipt_code", r.request.receipt_code},
            {"channel", r.channel},
            {"kiosk_id", r.kiosk_id},
            {"stage", StageName(r.stage)},
            {"overdue", IsOverdue(r, now)},
            {"received_at", FormatChinaTime(r.received_at)},
            {"updated_at", FormatChinaTime(r.updated_at)},
            {"expected_at", FormatChinaTime(r.expected_at)},
            {"request", RequestToJson(r.request)},
            {"history", history}};
}

}  // namespace gk::server
