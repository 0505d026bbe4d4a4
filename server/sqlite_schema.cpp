// Migrations of the server's SQLite schema. Append new ones; never edit an applied one.
//
// Uniqueness that must hold under any concurrency is in the schema, not only in code:
// requests.uuid and requests.receipt_code, records.uuid, terminals.terminal_number.
#include "server/sqlite_schema.h"

#include <array>
#include <string>
#include <vector>

#include "platform/database.h"
#include "platform/migrations.h"

namespace gk::server {
namespace {

constexpr std::array<const char*, 2> kMigrations = {
    // 1: the first schema.
    R"sql(
CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE catalogues(
  version   INTEGER PRIMARY KEY,
  document  TEXT NOT NULL,
  loaded_at INTEGER NOT NULL
);
CREATE TABLE terminals(
  id                INTEGER PRIMARY KEY,
  kiosk_id          TEXT NOT NULL,
  terminal_number   INTEGER NOT NULL UNIQUE CHECK (terminal_number BETWEEN 1 AND 1048575),
  grid_path         TEXT NOT NULL,
  token_hash        BLOB NOT NULL UNIQUE,
  enrolled_at       INTEGER NOT NULL,
  revoked_at        INTEGER,
  last_seen_at      INTEGER,
  last_heartbeat_at INTEGER,
  last_heartbeat    TEXT
);
CREATE INDEX terminals_kiosk ON terminals(kiosk_id);
CREATE TABLE enroll_codes(
  code_hash   BLOB PRIMARY KEY,
  kiosk_id    TEXT NOT NULL,
  grid_path   TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,
  terminal_id INTEGER REFERENCES terminals(id)
);
CREATE TABLE api_keys(
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  key_hash   BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE requests(
  id           INTEGER PRIMARY KEY,
  uuid         TEXT NOT NULL UNIQUE,
  receipt_code TEXT NOT NULL UNIQUE,
  channel      TEXT NOT NULL,
  terminal_id  INTEGER REFERENCES terminals(id),
  kiosk_id     TEXT NOT NULL DEFAULT '',
  service_code TEXT NOT NULL,
  grid_path    TEXT NOT NULL,
  stage        TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  expected_at  INTEGER NOT NULL,
  record       TEXT NOT NULL
);
CREATE INDEX requests_created ON requests(created_at);
CREATE INDEX requests_grid ON requests(grid_path, stage);
CREATE INDEX requests_expected ON requests(expected_at);
CREATE TABLE request_stages(
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  stage      TEXT NOT NULL,
  note       TEXT NOT NULL,
  actor      TEXT NOT NULL,
  at         INTEGER NOT NULL
);
CREATE INDEX request_stages_request ON request_stages(request_id, id);
CREATE TABLE records(
  uuid         TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  terminal_id  INTEGER NOT NULL,
  content_hash BLOB NOT NULL,
  request_id   INTEGER,
  receipt_code TEXT NOT NULL DEFAULT '',
  received_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE ratings(
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  terminal_id INTEGER NOT NULL,
  target      TEXT NOT NULL,
  target_id   TEXT NOT NULL,
  level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  created_at  INTEGER NOT NULL
);
CREATE TABLE heartbeats(
  uuid        TEXT PRIMARY KEY,
  terminal_id INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  body        TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE feed_events(
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL,
  audience   TEXT,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX feed_events_audience ON feed_events(audience, seq);
)sql",
    // 2: API key roles, the audit log of staff and admin writes, and the retention purge.
    R"sql(
ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'channel'
  CHECK (role IN ('reader', 'channel'));
CREATE TABLE audit_log(
  id     INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
ALTER TABLE requests ADD COLUMN purged_at INTEGER;
CREATE INDEX requests_updated ON requests(stage, updated_at) WHERE purged_at IS NULL;
)sql",
};

}  // namespace

Status MigrateSqliteSchema(Database& db) {
    // The runner both programs share: it refuses a file whose version cannot be read or is
    // newer than this build knows ("too_new"), instead of indexing past the list.
    static const std::vector<Migration> migrations = [] {
        std::vector<Migration> list;
        for (size_t i = 0; i < kMigrations.size(); ++i) {
            list.push_back({static_cast<int>(i + 1), kMigrations[i]});
        }
        return list;
    }();
    return RunMigrations(db, migrations);
}

}  // namespace gk::server
