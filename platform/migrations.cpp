// The migration runner (see migrations.h).
#include "platform/migrations.h"

#include "core/assert.h"

namespace gk {

int LatestVersion(const std::vector<Migration>& migrations) {
    return migrations.empty() ? 0 : migrations.back().version;
}

Status RunMigrations(Database& db, const std::vector<Migration>& migrations, int target_version) {
    for (size_t i = 0; i < migrations.size(); ++i) {
        GK_ASSERT(migrations[i].version == static_cast<int>(i + 1) &&
                  "migrations are numbered 1, 2, 3 ... without gaps");
    }
    const int current = db.user_version();
    if (current < 0) return Error{"migrate", "cannot read user_version: " + db.LastErrorMessage()};
    const int latest = LatestVersion(migrations);
    if (current > latest) {
        return Error{"too_new", "database is at schema " + std::to_string(current) +
                                    ", this program knows up to " + std::to_string(latest)};
    }
    for (const Migration& m : migrations) {
        if (m.version <= current) continue;
        if (m.version > target_version) break;
        const std::string where = "migration " + std::to_string(m.version) + ": ";
        Transaction tx(db);
        if (!tx.began()) return Error{"migrate", where + "begin: " + db.LastErrorMessage()};
        if (auto s = db.Exec(m.sql); !s) return Error{"migrate", where + s.error().message};
        if (auto s = db.set_user_version(m.version); !s) {
            return Error{"migrate", where + s.error().message};
        }
        if (auto s = tx.Commit(); !s) return Error{"migrate", where + s.error().message};
    }
    return Ok{};
}

}  // namespace gk
