// Damage SQLite itself refuses or hides: a file one page short, cut in half or with its header
// overwritten, one byte changed in a stored CREATE TABLE, a flipped bit in the WAL. Each time
// the store must start with every receipted request it can still find (so it still uploads),
// its terminal number and its counter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string_view>

#include "core/receipt_code.h"
#include "kiosk/store/page_salvage.h"
#include "kiosk/store/recovery.h"
#include "store_test_util.h"

namespace gk {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

constexpr int kRequests = 120;

struct Submitted {
    std::vector<std::string> codes;
    uint32_t highest_counter = 0;
};

// A terminal with `kRequests` unsent requests, closed cleanly (everything in the main file).
Submitted FillStore(const std::string& dir, Clock& clock) {
    Submitted out;
    auto store = test::OpenStore(dir, clock);
    EXPECT_TRUE(store);
    if (!store) return out;
    EXPECT_TRUE(store->set_kiosk_id("kiosk-beilin-007").ok());
    for (int i = 0; i < kRequests; ++i) {
        ServiceRequest r = test::SampleRequest();
        r.description = "request " + std::to_string(i) + " " + std::string(200, 'a' + i % 26);
        auto submitted = store->Submit(r, 7);
        EXPECT_TRUE(submitted.ok());
        if (!submitted.ok()) continue;
        out.codes.push_back(submitted->request.receipt_code);
        out.highest_counter = std::max(out.highest_counter,
                                       DecodeReceiptCode(submitted->request.receipt_code)->counter);
    }
    return out;
}

// Receipt codes that a page-level reader can find in `damaged`: those whose text lies on a page
// that is a table b-tree leaf (type byte 13). A crude, independent reader (no cell parsing):
// the sqlite3 shell's `.recover` cannot serve, as Debian's 3.40 shell fails with "SQL logic
// error" on any file (its libsqlite3 lacks the sqlite_dbpage table). Rows here are far below
// the overflow threshold, so a row on a leaf is whole there.
std::set<std::string> CodesOnLeafPages(const std::string& damaged,
                                       const std::vector<std::string>& codes) {
    constexpr size_t kPage = 4096;
    const std::string bytes = test::ReadFile(damaged);
    std::set<std::string> found;
    for (size_t off = 0; off + kPage <= bytes.size(); off += kPage) {
        const size_t header = off == 0 ? 100 : 0;
        if (static_cast<unsigned char>(bytes[off + header]) != 13) continue;
        const std::string_view page(bytes.data() + off, kPage);
        for (const std::string& code : codes) {
            if (page.find(code) != std::string_view::npos) found.insert(code);
        }
    }
    return found;
}

// Opens the damaged store and checks what a resident and the sync worker would see.
void ExpectSalvaged(const TempDir& dir, Clock& clock, const Submitted& before,
                    const std::set<std::string>& must_find) {
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok()) << store.error().code << ": " << store.error().message;
    const OpenReport& report = (*store)->open_report();
    EXPECT_FALSE(report.recovered_from.empty()) << "damage not noticed";
    EXPECT_EQ((*store)->terminal_number(), test::kTerminal) << "terminal lost its number";
    EXPECT_EQ((*store)->kiosk_id(), "kiosk-beilin-007");

    std::set<std::string> queued_uuids;
    auto batch = (*store)->NextBatch(10000, 0);
    ASSERT_TRUE(batch.ok());
    for (const OutboxRecord& r : *batch) queued_uuids.insert(r.uuid);
    size_t found = 0;
    for (const std::string& code : before.codes) {
        auto row = (*store)->FindByReceipt(code);
        ASSERT_TRUE(row.ok());
        if (!row->has_value()) {
            EXPECT_EQ(must_find.count(code), 0u) << code << " readable but not salvaged";
            continue;
        }
        ++found;
        EXPECT_EQ(queued_uuids.count((*row)->request.uuid), 1u) << code << " will not upload";
    }
    EXPECT_GE(found, must_find.size());
    std::printf("salvaged %zu of %zu requests (must find %zu); %s\n", found, before.codes.size(),
                must_find.size(), report.damage.c_str());

    // The counter never goes back: no receipt code is issued twice.
    auto next = (*store)->Submit(test::SampleRequest(), 7);
    ASSERT_TRUE(next.ok()) << next.error().message;
    EXPECT_GT(DecodeReceiptCode(next->request.receipt_code)->counter, before.highest_counter);
}

std::set<std::string> All(const Submitted& s) { return {s.codes.begin(), s.codes.end()}; }

TEST(StoreSalvage, FileOnePageShortKeepsEveryRequest) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    const Submitted before = FillStore(dir.path(), clock);
    ASSERT_EQ(before.codes.size(), static_cast<size_t>(kRequests));
    fs::resize_file(dir.db(), fs::file_size(dir.db()) - 4096);
    // A request's row and its outbox record live on different pages: one page costs neither.
    ExpectSalvaged(dir, clock, before, All(before));
}

TEST(StoreSalvage, FileCutInHalfKeepsEveryRowAPageReaderFinds) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    const Submitted before = FillStore(dir.path(), clock);
    ASSERT_EQ(before.codes.size(), static_cast<size_t>(kRequests));
    fs::resize_file(dir.db(), fs::file_size(dir.db()) / 2);
    const std::set<std::string> must_find = CodesOnLeafPages(dir.db(), before.codes);
    ASSERT_GT(must_find.size(), 0u) << "the oracle found nothing: the test would prove nothing";
    ASSERT_LT(must_find.size(), before.codes.size());
    ExpectSalvaged(dir, clock, before, must_find);
}

TEST(StoreSalvage, HeaderOverwrittenKeepsEveryRequest) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    const Submitted before = FillStore(dir.path(), clock);
    ASSERT_EQ(before.codes.size(), static_cast<size_t>(kRequests));
    std::string bytes = test::ReadFile(dir.db());
    bytes.replace(0, 16, std::string(16, '\x5a'));
    test::WriteFile(dir.db(), bytes);
    ExpectSalvaged(dir, clock, before, All(before));
}

TEST(StoreSalvage, OneByteOfSchemaDamageIsRepairedNotFatal) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    const Submitted before = FillStore(dir.path(), clock);
    ASSERT_EQ(before.codes.size(), static_cast<size_t>(kRequests));
    std::string bytes = test::ReadFile(dir.db());
    const size_t at = bytes.find("CREATE TABLE events");
    ASSERT_NE(at, std::string::npos);
    bytes[at] = 'X';  // "XREATE TABLE events": every statement now fails to prepare
    test::WriteFile(dir.db(), bytes);
    ExpectSalvaged(dir, clock, before, All(before));
}

// The WAL's frames as a test sees them: header 32 bytes, then (24-byte header + page) each.
TEST(StoreSalvage, FlippedBitInWalIsKeptAsideAndItsRequestsSalvaged) {
    TempDir dir;
    TempDir crashed;
    SimulatedClock clock(test::kStartWallMs);
    Submitted before;
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->set_kiosk_id("kiosk-beilin-007").ok());
        for (int i = 0; i < 10; ++i) {
            auto submitted = store->Submit(test::SampleRequest(), 7);
            ASSERT_TRUE(submitted.ok());
            before.codes.push_back(submitted->request.receipt_code);
            before.highest_counter =
                std::max(before.highest_counter,
                         DecodeReceiptCode(submitted->request.receipt_code)->counter);
        }
        // The state a power cut leaves: every commit in the WAL, none checkpointed.
        for (const char* suffix : {"", "-wal"}) {
            fs::copy_file(dir.db() + suffix, crashed.db() + suffix);
        }
    }
    fs::copy_file(dir.path() + "/gridkiosk.counter", crashed.path() + "/gridkiosk.counter");
    std::string wal = test::ReadFile(crashed.db() + "-wal");
    constexpr size_t kFrame = 24 + 4096;
    ASSERT_GT(wal.size(), 32 + 8 * kFrame) << "expected the commits in the WAL";
    wal[32 + 3 * kFrame + 17] ^= 0x10;  // frame 4's checksum: SQLite stops replaying there
    test::WriteFile(crashed.db() + "-wal", wal);

    ExpectSalvaged(crashed, clock, before, All(before));
    auto store = Store::Open(crashed.path(), clock);
    ASSERT_TRUE(store.ok());
    const std::string aside = crashed.db() + ".corrupt-20261118T190640";
    // Kept, with only the contact details overwritten (file_privacy_test.cpp).
    const std::string kept = test::ReadFile(aside + "-wal");
    EXPECT_EQ(kept.size(), wal.size()) << "the damaged WAL was not kept";
    EXPECT_TRUE(kept.size() == wal.size() &&
                kept[32 + 3 * kFrame + 17] == wal[32 + 3 * kFrame + 17]);
    auto events = (*store)->RecentEvents(20);
    ASSERT_TRUE(events.ok());
    const bool told = std::any_of(events->begin(), events->end(), [](const EventRecord& e) {
        return e.kind == "db_recovered" && e.detail.find("wal") != std::string::npos;
    });
    EXPECT_TRUE(told) << "no staff event names the WAL";
}

// The page reader on hundreds of randomly damaged files (bytes changed, files cut, WAL
// frames scrambled): it must return, never crash or loop (ASan/UBSan runs make this strict).
TEST(StoreSalvage, PageReaderSurvivesRandomDamage) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    std::string wal;
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        for (int i = 0; i < 40; ++i) ASSERT_TRUE(store->Submit(test::SampleRequest(), 7).ok());
        wal = test::ReadFile(dir.db() + "-wal");
    }
    const std::string clean = test::ReadFile(dir.db());
    ASSERT_GT(wal.size(), 32u);
    // GK_SALVAGE_SEED / GK_SALVAGE_ROUNDS widen the search by hand (CI runs the default).
    const char* seed_env = std::getenv("GK_SALVAGE_SEED");
    const char* rounds_env = std::getenv("GK_SALVAGE_ROUNDS");
    std::mt19937 rng(seed_env ? static_cast<unsigned>(std::atoi(seed_env)) : 7u);
    const int rounds = rounds_env ? std::atoi(rounds_env) : 150;
    const std::string damaged = dir.path() + "/damaged.db";
    for (int round = 0; round < rounds; ++round) {
        std::string bytes = clean;
        std::string log = wal;
        const int changes = 1 + static_cast<int>(rng() % 200);
        for (int i = 0; i < changes; ++i) bytes[rng() % bytes.size()] = static_cast<char>(rng());
        for (int i = 0; i < changes / 4; ++i) log[rng() % log.size()] = static_cast<char>(rng());
        if (rng() % 3 == 0) bytes.resize(rng() % bytes.size());
        test::WriteFile(damaged, bytes);
        test::WriteFile(damaged + "-wal", log);
        const PageSalvage pages = ReadPages(damaged, damaged + "-wal");
        size_t rows = pages.orphans.size();
        for (const PageTable& t : pages.tables) rows += t.rows.size();
        EXPECT_LT(rows, 100000u);
        (void)CheckWal(damaged + "-wal");  // only that it returns
    }
}

}  // namespace
}  // namespace gk
