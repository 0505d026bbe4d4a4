// The one migration runner of both programs (the terminal's store and the server's): numbered
// schema migrations, PRAGMA user_version holding the last one applied, each applied in its own
// transaction together with its number, so a crash leaves the file at a whole version.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "platform/database.h"

namespace gk {

struct Migration {
    int version;      // 1, 2, ... in order, never renumbered once shipped
    std::string sql;  // one or more statements
};

// The newest version in `migrations` (0 when empty).
int LatestVersion(const std::vector<Migration>& migrations);

// Applies the migrations above the file's user_version, up to `target_version` (tests stop
// early to make an "old" file). Refuses, writing nothing:
//   "migrate"  user_version cannot be read, or a migration failed (the message names it);
//   "too_new"  the file is at a version above every migration here: made by a newer program,
//              whose schema this one does not know, so it is left untouched.
// `migrations` must be numbered 1, 2, 3 ... (a programmer error otherwise).
Status RunMigrations(Database& db, const std::vector<Migration>& migrations, int target_version);
inline Status RunMigrations(Database& db, const std::vector<Migration>& migrations) {
    return RunMigrations(db, migrations, LatestVersion(migrations));
}

}  // namespace gk
