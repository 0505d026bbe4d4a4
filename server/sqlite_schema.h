// The SQLite store's schema as numbered migrations, run at start (STYLE.md: schema changes are
// numbered migrations). PRAGMA user_version holds the number of the last one applied.
#pragma once

#include "core/result.h"

namespace gk {
class Database;
}

namespace gk::server {

Status MigrateSqliteSchema(Database& db);

}  // namespace gk::server
