// Staff operations: input checks and the store calls behind the CLI and the admin API.
#include "server/staff.h"

#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/catalogue.h"
#include "core/json_limits.h"
#include "core/phone.h"
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

Result<std::string> CreateApiKey(Storage& storage, const std::string& name, const std::string& role,
                                 int64_t now) {
    if (!IsValidKioskId(name))
        return Error{"bad_input", "key name must be 1..64 of [A-Za-z0-9._-]"};
    if (role != "channel" && role != "reader")
        return Error{"bad_input", "role must be channel or reader"};
    const std::string key = NewToken();
    if (auto st = storage.AddApiKey(name, HashToken(key), role, now); !st) return st.error();
    return key;
}

Status RevokeApiKey(Storage& storage, const std::string& name, int64_t now) {
    if (!IsValidKioskId(name))
        return Error{"bad_input", "key name must be 1..64 of [A-Za-z0-9._-]"};
    return storage.RevokeApiKey(name, now);
}

Result<int> RevokeKiosk(Storage& storage, const std::string& kiosk_id, int64_t now) {
    if (!IsValidKioskId(kiosk_id))
        return Error{"bad_input", "kiosk id must be 1..64 of [A-Za-z0-9._-]"};
    return storage.RevokeKiosk(kiosk_id, now);
}

Result<std::string> RotateAdminToken(Storage& storage) {
    const std::string token = NewToken();
    if (auto st = storage.SetAdminTokenHash(HashToken(token)); !st) return st.error();
    return token;
}

Status Audit(Storage& storage, const std::string& actor, const std::string& action,
             const std::string& detail, int64_t now) {
    return storage.AddAudit(actor, action, detail, now);
}

std::string CliActor() {
    if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo)
        return std::string("cli:") + sudo;
    if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name)
        return std::string("cli:") + pw->pw_name;
    return "cli:uid" + std::to_string(::getuid());
}

Result<PurgeOutcome> PurgeExpired(Storage& storage, int retention_days, int64_t now) {
    if (retention_days < 0) return Error{"bad_input", "retention days must be 0 or more"};
    return storage.PurgePersonalData(now - int64_t{retention_days} * 86400, now);
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// 18 digits, or 17 and a check character X.
bool LooksLikeIdNumber(std::string_view digits_x) {
    if (digits_x.size() != 18) return false;
    for (size_t i = 0; i < 17; ++i)
        if (!IsDigit(digits_x[i])) return false;
    return IsDigit(digits_x[17]) || digits_x[17] == 'X' || digits_x[17] == 'x';
}

bool LooksLikePhoneOrId(std::string_view run) {
    while (!run.empty() && !IsDigit(run.back()) && run.back() != 'X' && run.back() != 'x' &&
           run.back() != ')')
        run.remove_suffix(1);
    if (run.empty()) return false;
    std::string compact;  // digits and a trailing X, separators dropped
    for (char c : run)
        if (IsDigit(c) || c == 'X' || c == 'x') compact += c;
    if (LooksLikeIdNumber(compact)) return true;
    if (compact.find_first_of("Xx") != std::string::npos) return false;
    if (NormalisePhone(run)) return true;
    // An 11-digit mobile number inside a longer run of digits and separators.
    std::string digits;
    for (char c : run)
        if (IsDigit(c)) digits += c;
    for (size_t i = 0; i + 11 <= digits.size(); ++i)
        if (digits[i] == '1' && NormalisePhone(digits.substr(i, 11))) return true;
    return false;
}

// Full-width digits, X, +, -, parentheses and the ideographic space (what a Chinese input
// method types) as their ASCII forms; everything else unchanged.
std::string AsciiDigits(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
        if (i + 2 < text.size() && b(0) == 0xEF && b(1) == 0xBC) {
            const unsigned c = b(2);  // U+FF00 + (c - 0x80) for c in 0x80..0xBF
            if ((c >= 0x90 && c <= 0x99) || c == 0x8B || c == 0x8D || c == 0x88 || c == 0x89 ||
                c == 0xB8) {
                out += static_cast<char>(c - 0x80 + 0x20);
                i += 2;
                continue;
            }
        }
        if (i + 2 < text.size() && b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) {
            out += ' ';
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

}  // namespace

bool NoteHasPersonalNumber(std::string_view typed) {
    // Runs of digits with the separators people type inside numbers: spaces, dashes,
    // parentheses, a leading +. Each run, and each of its space-separated parts, is checked.
    const std::string ascii = AsciiDigits(typed);
    const std::string_view note = ascii;
    size_t i = 0;
    while (i < note.size()) {
        if (!IsDigit(note[i]) && note[i] != '+' && note[i] != '(') {
            ++i;
            continue;
        }
        const size_t start = i;
        while (i < note.size() && (IsDigit(note[i]) || note[i] == ' ' || note[i] == '-' ||
                                   note[i] == '(' || note[i] == ')' || note[i] == '+' ||
                                   ((note[i] == 'X' || note[i] == 'x') && i > start)))
            ++i;
        const std::string_view run = note.substr(start, i - start);
        if (LooksLikePhoneOrId(run)) return true;
        size_t p = 0;
        while (p < run.size()) {
            const size_t space = std::min(run.find(' ', p), run.size());
            if (space > p && LooksLikePhoneOrId(run.substr(p, space - p))) return true;
            p = space + 1;
        }
        if (i == start) ++i;
    }
    return false;
}

Result<int> LoadCatalogue(Storage& storage, const std::string& document, int64_t now) {
    if (!IsValidUtf8(document)) return Error{"bad_input", "catalogue is not valid UTF-8"};
    auto parsed = ParseCatalogueJson(document);
    if (!parsed) return Error{"bad_input", "catalogue: " + parsed.error().message};
    // Stored compact and canonical, so the same document loaded twice compares equal.
    json j = ParseUntrustedJsonOrDiscarded(document);
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
    if (NoteHasPersonalNumber(note)) {
        return Error{"bad_input",
                     "note looks like it holds a phone or ID number; notes are public — "
                     "keep contact details out of them"};
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
