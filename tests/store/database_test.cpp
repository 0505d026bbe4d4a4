// The SQLite seam (platform/database): pragmas at open, "not a database" at open, and the
// error codes the store relies on (constraint, disk_full), and Transaction's rollback.
#include "platform/database.h"

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace gk {
namespace {

using test::QueryInt;
using test::TempDir;

TEST(Database, OpenAppliesWalFullSyncAndForeignKeys) {
    TempDir dir;
    auto db = Database::Open(dir.db());
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto mode = (*db)->Prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    ASSERT_TRUE(*mode->Step());
    EXPECT_EQ(mode->Text(0), "wal");
    EXPECT_EQ(QueryInt(**db, "PRAGMA synchronous"), 2);  // FULL
    EXPECT_EQ(QueryInt(**db, "PRAGMA foreign_keys"), 1);
    EXPECT_EQ(QueryInt(**db, "PRAGMA busy_timeout"), 5000);
}

TEST(Database, GarbageFileIsNotADatabase) {
    TempDir dir;
    test::WriteFile(dir.db(), std::string(8192, '\x5A') + "this is not sqlite");
    auto db = Database::Open(dir.db());
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, "not_a_database");
}

TEST(Database, ConstraintViolationHasItsOwnCode) {
    TempDir dir;
    auto db = Database::Open(dir.db());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (k TEXT PRIMARY KEY)").ok());
    auto insert = (*db)->Prepare("INSERT INTO t (k) VALUES (?1)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert->Bind(1, "a").Run().ok());
    ASSERT_TRUE(insert->Reset().ok());
    auto again = insert->Bind(1, "a").Step();
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "constraint");
    // The statement is usable again after Reset.
    (void)insert->Reset();
    EXPECT_TRUE(insert->Bind(1, "b").Run().ok());
    EXPECT_EQ(QueryInt(**db, "SELECT count(*) FROM t"), 2);
}

TEST(Database, FullDatabaseSaysDiskFull) {
    TempDir dir;
    auto db = Database::Open(dir.db());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v BLOB); PRAGMA max_page_count = 8").ok());
    auto insert = (*db)->Prepare("INSERT INTO t (v) VALUES (zeroblob(2000))");
    ASSERT_TRUE(insert.ok());
    std::string code;
    for (int i = 0; i < 100 && code.empty(); ++i) {
        auto step = insert->Step();
        if (!step.ok()) code = step.error().code;
        (void)insert->Reset();
    }
    EXPECT_EQ(code, "disk_full");
}

TEST(Database, TransactionRollsBackUnlessCommitted) {
    TempDir dir;
    auto db = Database::Open(dir.db());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (v INTEGER)").ok());
    {
        Transaction tx(**db);
        ASSERT_TRUE(tx.began());
        ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (1)").ok());
        EXPECT_TRUE((*db)->InTransaction());
    }
    EXPECT_FALSE((*db)->InTransaction());
    EXPECT_EQ(QueryInt(**db, "SELECT count(*) FROM t"), 0);
    {
        Transaction tx(**db);
        ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (2)").ok());
        ASSERT_TRUE(tx.Commit().ok());
    }
    EXPECT_EQ(QueryInt(**db, "SELECT count(*) FROM t"), 1);
}

TEST(Database, UserVersionRoundTrips) {
    TempDir dir;
    auto db = Database::Open(dir.db());
    ASSERT_TRUE(db.ok());
    EXPECT_EQ((*db)->user_version(), 0);
    ASSERT_TRUE((*db)->set_user_version(42).ok());
    EXPECT_EQ((*db)->user_version(), 42);
    EXPECT_EQ((*db)->QuickCheck(), "ok");
}

}  // namespace
}  // namespace gk
