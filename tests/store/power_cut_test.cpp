// Power-loss durability: receipts are submitted through a VFS that loses unsynced writes at a
// cut (tests/support/powercut_vfs.h), the power is cut at a random write or sync — inside
// Submit, a checkpoint, a start — and the store is reopened. No request that got a receipt
// may be missing. The control run loses every fsync (what synchronous=OFF amounts to) and
// must show losses, or this test could not see them.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "store_test_util.h"
#include "tests/support/powercut_vfs.h"

namespace gk {
namespace {

using test::PowerCutVfs;
using test::TempDir;

struct Outcome {
    int cuts = 0;
    int receipts = 0;
    int lost = 0;        // receipted requests missing after a cut
    int recovered = 0;   // starts that found a damaged file
    std::string damage;  // the first damage found, for the failure message
};

Outcome RunCuts(uint64_t seed, int rounds, bool syncs_lost) {
    TempDir dir;
    PowerCutVfs vfs(seed);
    vfs.set_syncs_lost(syncs_lost);
    std::mt19937_64 rng(seed);
    SimulatedClock clock(test::kStartWallMs);
    std::set<std::string> receipted;
    Outcome out;
    for (int round = 0; round < rounds; ++round) {
        clock.Advance(1000);
        const bool cut_during_open = rng() % 4 == 0;
        if (cut_during_open) vfs.CutAfter(static_cast<int64_t>(rng() % 12 + 1));
        {
            auto store = Store::Open(dir.path(), clock);
            if (!store.ok()) {
                EXPECT_TRUE(vfs.cut()) << "open failed without a cut: " << store.error().message;
                vfs.Restore();
                ++out.cuts;
                continue;
            }
            Store& s = **store;
            if (!s.open_report().recovered_from.empty()) {
                ++out.recovered;
                if (out.damage.empty()) out.damage = s.open_report().damage;
            }
            // Every receipt given so far must be here.
            std::set<std::string> missing;
            for (const std::string& code : receipted) {
                auto found = s.FindByReceipt(code);
                if (!found.ok() || !found->has_value()) missing.insert(code);
            }
            out.lost += static_cast<int>(missing.size());
            for (const std::string& code : missing) receipted.erase(code);
            if (s.terminal_number() == 0 && !s.set_terminal_number(test::kTerminal).ok()) {
                vfs.Restore();
                continue;
            }
            if (!cut_during_open) vfs.CutAfter(static_cast<int64_t>(rng() % 60 + 1));
            for (int i = 0; i < 20; ++i) {
                auto submitted = s.Submit(test::SampleRequest(), 7);
                if (!submitted.ok()) break;  // the power is gone: no receipt shown
                receipted.insert(submitted->request.receipt_code);
                ++out.receipts;
            }
        }  // closed after the cut: a checkpoint at close fails like any write
        vfs.Restore();
        ++out.cuts;
    }
    // The last cut too.
    vfs.CutAfter(-1);
    auto store = Store::Open(dir.path(), clock);
    EXPECT_TRUE(store.ok());
    if (store.ok()) {
        for (const std::string& code : receipted) {
            auto found = (*store)->FindByReceipt(code);
            if (!found.ok() || !found->has_value()) ++out.lost;
        }
    }
    return out;
}

TEST(StorePowerCut, NoReceiptedRequestLostAtRandomCutsWithSynchronousFull) {
    const Outcome out = RunCuts(20261203, 150, /*syncs_lost=*/false);
    std::printf("synchronous=FULL: %d cuts, %d receipts, %d lost, %d damaged starts\n", out.cuts,
                out.receipts, out.lost, out.recovered);
    EXPECT_GT(out.receipts, 50);  // the cuts did not land before every Submit
    EXPECT_EQ(out.lost, 0);
    EXPECT_EQ(out.recovered, 0) << "a cut left a damaged file behind: " << out.damage;
}

TEST(StorePowerCut, ControlWithoutFsyncLosesReceiptedRequests) {
    const Outcome out = RunCuts(20261203, 100, /*syncs_lost=*/true);
    std::printf("fsync lost: %d cuts, %d receipts, %d lost, %d damaged starts\n", out.cuts,
                out.receipts, out.lost, out.recovered);
    EXPECT_GT(out.lost, 0) << "the power-cut model cannot see a store that never fsyncs";
}

}  // namespace
}  // namespace gk
