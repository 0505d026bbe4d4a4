// The cached service catalogue: the last good document and its version, refused when older
// than what is already here.
#include "kiosk/store/store.h"
#include "kiosk/store/store_internal.h"
#include "platform/log.h"

namespace gk {
namespace {

constexpr char kSelectVersion[] = "SELECT version FROM catalogue WHERE id = 1";
constexpr char kSelectDocument[] = "SELECT document FROM catalogue WHERE id = 1";
constexpr char kReplace[] =
    "INSERT OR REPLACE INTO catalogue (id, version, document, saved_at) VALUES (1, ?1, ?2, ?3)";

}  // namespace

Status Store::SaveCatalogue(std::string_view json_text) {
    auto parsed = ParseCatalogueJson(json_text);
    if (!parsed) return parsed.error();
    std::lock_guard lock(mutex_);
    Transaction tx(*db_);
    if (!tx.began()) return Error{"write", "begin: " + db_->LastErrorMessage()};
    {
        auto st = Prepared(kSelectVersion);
        if (!st) return st.error();
        Cached c(*st);
        auto row = c->Step();
        if (!row) return row.error();
        if (*row && c->Int(0) > parsed->version) {
            return Error{"stale", "catalogue version " + std::to_string(parsed->version) +
                                      " is older than the stored " + std::to_string(c->Int(0))};
        }
    }
    {
        auto st = Prepared(kReplace);
        if (!st) return st.error();
        Cached c(*st);
        c->Bind(1, parsed->version).Bind(2, json_text).Bind(3, NowUnix());
        if (auto s = c->Run(); !s) return WriteError(s.error(), "write", "catalogue");
    }
    if (auto s = tx.Commit(); !s) return WriteError(s.error(), "write", "commit");
    return Ok{};
}

std::optional<int> Store::CatalogueVersion() {
    std::lock_guard lock(mutex_);
    auto st = Prepared(kSelectVersion);
    if (!st) return std::nullopt;
    Cached c(*st);
    auto row = c->Step();
    if (!row || !*row) return std::nullopt;
    return static_cast<int>(c->Int(0));
}

std::optional<Catalogue> Store::LoadCatalogue() {
    std::string document;
    {
        std::lock_guard lock(mutex_);
        auto st = Prepared(kSelectDocument);
        if (!st) return std::nullopt;
        Cached c(*st);
        auto row = c->Step();
        if (!row || !*row) return std::nullopt;
        document = c->Text(0);
    }
    auto parsed = ParseCatalogueJson(document);
    if (!parsed) {
        log::Warn("stored catalogue no longer parses: " + parsed.error().message);
        return std::nullopt;
    }
    return std::move(*parsed);
}

}  // namespace gk
