// The schema, as a list of numbered migrations, and the loop that applies them.
// Never edit a migration that has shipped: add a new one.
#include "kiosk/store/migrations.h"

#include <string>

namespace gk {
namespace {

// How a place name is compared (see PlaceKey in store_internal.h, which must agree): no ASCII
// spaces, tabs or ideographic spaces (U+3000), ASCII lower case.
std::string PlaceKeyExpr(const char* column) {
    const std::string c(column);
    return "lower(replace(replace(replace(" + c + ", ' ', ''), char(9), ''), char(12288), ''))";
}

const std::string kV1 = R"sql(
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
-- The last receipt counter handed out (one row).
CREATE TABLE counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO counter (id, value) VALUES (1, 0);
CREATE TABLE requests (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    receipt_code  TEXT NOT NULL UNIQUE,
    service_code  TEXT NOT NULL,
    description   TEXT NOT NULL,
    building      TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL DEFAULT '',
    room          TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',   -- purged once uploaded
    contact_phone TEXT NOT NULL DEFAULT '',   -- purged once uploaded
    by_proxy      INTEGER NOT NULL DEFAULT 0,
    relation      TEXT NOT NULL DEFAULT '',   -- purged once uploaded
    grid_path     TEXT NOT NULL DEFAULT '',
    lang          TEXT NOT NULL DEFAULT 'zh',
    created_at    INTEGER NOT NULL,           -- seconds, wall clock
    stage         TEXT NOT NULL,              -- latest stage by time
    stage_at      INTEGER NOT NULL,
    sla_due_at    INTEGER NOT NULL,
    uploaded_at   INTEGER NOT NULL DEFAULT 0, -- 0 while in the outbox
    payload       TEXT NOT NULL               -- the request's JSON (contact purged once uploaded)
);
CREATE INDEX requests_by_service ON requests (service_code, created_at);
CREATE TABLE stage_history (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    stage      TEXT NOT NULL,
    at         INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL DEFAULT '',
    UNIQUE (request_id, stage, at)            -- a change delivered twice is one row
);
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0, -- monotonic ms of the running process
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE catalogue (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL,
    document TEXT NOT NULL,
    saved_at INTEGER NOT NULL
);
CREATE TABLE events (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT NOT NULL
);
)sql";

// v2: normalised place keys for the duplicate hint, filled in for the rows already there.
const std::string kV2 =
    "ALTER TABLE requests ADD COLUMN building_key TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE requests ADD COLUMN unit_key TEXT NOT NULL DEFAULT '';\n"
    "UPDATE requests SET building_key = " +
    PlaceKeyExpr("building") + ", unit_key = " + PlaceKeyExpr("unit") +
    ";\n"
    "DROP INDEX requests_by_service;\n"
    "CREATE INDEX requests_by_place ON requests (service_code, building_key, created_at);\n";

// v3: the server's own times beside the terminal's (its receive time and its SLA date), so a
// terminal clock that is off does not decide what a receipt promises.
const std::string kV3 =
    "ALTER TABLE requests ADD COLUMN server_received_at INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE requests ADD COLUMN server_due_at INTEGER NOT NULL DEFAULT 0;\n";

}  // namespace

const std::string& BackfillPlaceKeysSql() {
    static const std::string sql =
        "UPDATE requests SET building_key = " + PlaceKeyExpr("building") +
        ", unit_key = " + PlaceKeyExpr("unit") + " WHERE building_key = '' AND unit_key = ''";
    return sql;
}

const std::vector<Migration>& StoreMigrations() {
    static const std::vector<Migration> migrations = {
        {1, kV1},
        {2, kV2},
        {3, kV3},
    };
    return migrations;
}

int LatestStoreVersion() { return StoreMigrations().back().version; }

Status MigrateStore(Database& db, int target_version) {
    return RunMigrations(db, StoreMigrations(), target_version);
}

}  // namespace gk
