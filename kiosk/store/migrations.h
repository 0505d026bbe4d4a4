// Numbered schema migrations of the terminal's database. PRAGMA user_version holds the last one
// applied; each runs in its own transaction, so a crash leaves the file at a whole version.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "platform/database.h"
#include "platform/migrations.h"

namespace gk {

const std::vector<Migration>& StoreMigrations();
int LatestStoreVersion();

// Applies the migrations above the file's user_version, up to `target_version` (tests stop
// early to make an "old" file), with the runner both programs share (platform/migrations.h).
// Error codes "migrate" (names the version that failed) and "too_new".
Status MigrateStore(Database& db, int target_version);

// Fills requests.building_key/unit_key from building/unit where they are empty: used by
// migration 2 and after rows were carried over from an older damaged file.
const std::string& BackfillPlaceKeysSql();

}  // namespace gk
