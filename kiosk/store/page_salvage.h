// Page-level reading of a damaged SQLite file, for when SQLite itself refuses it (a header
// overwritten, the file cut short, a WAL frame that fails its checksum). Debian's libsqlite3
// 3.40 is built without the recovery extension (sqlite3_recover_*), so this walks the file
// format (https://www.sqlite.org/fileformat2.html) directly: the schema table on page 1, each
// table's b-tree from its root, every table leaf page no tree reached, and the committed frames
// of the WAL. Everything is bounded and checked: garbage yields fewer rows, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gk {

struct PageValue {
    enum class Type { kNull, kInt, kReal, kText, kBlob };
    Type type = Type::kNull;
    int64_t integer = 0;
    double real = 0;
    std::string bytes;  // text (UTF-8) or blob
};

struct PageRow {
    int64_t rowid = 0;
    std::vector<PageValue> values;  // as stored: an INTEGER PRIMARY KEY column reads NULL
};

struct PageTable {
    std::string name;
    std::string sql;  // CREATE TABLE text as stored (may itself be damaged)
    uint32_t root = 0;
    std::vector<PageRow> rows;  // every row reached from the root
};

struct PageSalvage {
    uint32_t page_size = 0;  // 0: nothing looked like a database
    int user_version = -1;   // from the header when it is readable
    std::vector<PageTable> tables;
    std::vector<PageRow> orphans;  // rows on table leaf pages that no known tree reached
};

// Reads `db_path`, with the frames of `wal_path` (may be missing) laid over its pages: every
// frame carrying the WAL's salts up to the last commit frame, even past a checksum failure (a
// flipped bit costs one page, not every later commit). At most `max_bytes` of the file.
PageSalvage ReadPages(const std::string& db_path, const std::string& wal_path,
                      int64_t max_bytes = int64_t{1} << 30);

struct WalCheck {
    bool damaged = false;         // committed frames SQLite would not replay
    int64_t frames = 0;           // frames of this WAL generation (matching salts)
    int64_t frames_replayed = 0;  // up to the last commit whose checksums hold
    std::string detail;           // one line for the log and the staff screen
};

// What SQLite would do with this WAL: replay frames up to the last commit frame whose
// checksum chain holds. Damage is a failed frame followed by a later complete transaction
// whose checksums hold when chained from the failed frame's stored checksum (so the failed
// one had been synced), or a header that fails its checksum. A failure inside the last
// transaction is a torn, never-acknowledged commit and not damage: a flipped bit there goes
// unnoticed. A missing or empty WAL is fine.
WalCheck CheckWal(const std::string& wal_path);

}  // namespace gk
