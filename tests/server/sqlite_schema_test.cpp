// The server's schema migrations go through the runner both programs share
// (platform/migrations.h): a version that cannot be read and a schema newer than this build
// are refused, the file left as it was.
#include "server/sqlite_schema.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "platform/database.h"

namespace gk::server {
namespace {

class TempDb {
  public:
    TempDb() {
        char pattern[] = "/tmp/gk-schema-test-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        EXPECT_NE(made, nullptr);
        dir_ = made != nullptr ? made : "/tmp/gk-schema-test-failed";
    }
    ~TempDb() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::string path() const { return dir_ + "/server.db"; }

  private:
    std::string dir_;
};

std::unique_ptr<Database> OpenDb(const std::string& path, int busy_timeout_ms = 5000) {
    Database::Options options;
    options.wal = false;  // rollback journal: another connection's lock blocks every reader
    options.busy_timeout_ms = busy_timeout_ms;
    auto db = Database::Open(path, options);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(*db) : nullptr;
}

TEST(ServerSchema, FreshFileMigratesAndAReopenRunsNothing) {
    TempDb t;
    auto db = OpenDb(t.path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(MigrateSqliteSchema(*db).ok());
    const int version = db->user_version();
    EXPECT_GE(version, 1);
    ASSERT_TRUE(MigrateSqliteSchema(*db).ok());
    EXPECT_EQ(db->user_version(), version);
}

TEST(ServerSchema, NewerSchemaIsRefusedAndLeftUntouched) {
    TempDb t;
    auto db = OpenDb(t.path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->set_user_version(999).ok());
    auto migrated = MigrateSqliteSchema(*db);
    ASSERT_FALSE(migrated.ok()) << "accepted a schema newer than this build knows";
    EXPECT_EQ(migrated.error().code, "too_new");
    EXPECT_EQ(db->user_version(), 999);
    auto tables = db->Prepare("SELECT count(*) FROM sqlite_schema");
    ASSERT_TRUE(tables.ok());
    ASSERT_TRUE(*tables->Step());
    EXPECT_EQ(tables->Int(0), 0) << "migrations ran over a newer file";
}

TEST(ServerSchema, UnreadableVersionIsRefusedNotIndexedBelowTheList) {
    TempDb t;
    auto holder = OpenDb(t.path());
    auto db = OpenDb(t.path(), /*busy_timeout_ms=*/0);
    ASSERT_TRUE(holder && db);
    ASSERT_TRUE(holder->Exec("BEGIN EXCLUSIVE").ok());  // nobody else can read the header now
    ASSERT_EQ(db->user_version(), -1);
    auto migrated = MigrateSqliteSchema(*db);
    ASSERT_FALSE(migrated.ok());
    EXPECT_EQ(migrated.error().code, "migrate");
    ASSERT_TRUE(holder->Exec("ROLLBACK").ok());
}

}  // namespace
}  // namespace gk::server
