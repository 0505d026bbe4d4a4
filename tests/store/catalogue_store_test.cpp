// The cached catalogue and the small settings: validated on save, older versions refused,
// loaded back after a restart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store_test_util.h"

namespace gk {
namespace {

using test::TempDir;

std::string CatalogueWithVersion(int version) {
    auto doc =
        nlohmann::json::parse(test::ReadFile(std::string(GK_ASSETS_DIR) + "/catalogue.json"));
    doc["version"] = version;
    return doc.dump();
}

TEST(StoreCatalogue, SavedLoadedAndNeverRolledBack) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        EXPECT_FALSE(store->LoadCatalogue().has_value());
        EXPECT_FALSE(store->SaveCatalogue("{\"version\": 3}").ok());  // invalid: no groups
        EXPECT_FALSE(store->SaveCatalogue("not json").ok());
        ASSERT_TRUE(store->SaveCatalogue(CatalogueWithVersion(5)).ok());
        auto older = store->SaveCatalogue(CatalogueWithVersion(4));
        ASSERT_FALSE(older.ok());
        EXPECT_EQ(older.error().code, "stale");
        EXPECT_TRUE(store->SaveCatalogue(CatalogueWithVersion(5)).ok());  // same: fine
    }
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok());
    auto catalogue = (*store)->LoadCatalogue();
    ASSERT_TRUE(catalogue.has_value());
    EXPECT_EQ(catalogue->version, 5);
    EXPECT_GT(catalogue->ServiceCount(), 0u);
}

TEST(StoreSettings, KeptAcrossRestartsAndIdentityKeysGuarded) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        EXPECT_FALSE(store->GetSetting("feed_cursor")->has_value());
        ASSERT_TRUE(store->SetSetting("feed_cursor", "c-1234").ok());
        EXPECT_EQ(store->SetSetting("receipt_secret", "00").error().code, "reserved");
        ASSERT_TRUE(store->RecordEvent("sync_failed", "http 503 after 3 attempts").ok());
    }
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok());
    EXPECT_EQ((*store)->GetSetting("feed_cursor")->value_or(""), "c-1234");
    auto events = (*store)->RecentEvents(10);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ((*events)[0].kind, "sync_failed");
    EXPECT_EQ((*events)[0].at_unix, test::kStartWallMs / 1000);
}

}  // namespace
}  // namespace gk
