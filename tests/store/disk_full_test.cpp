// A nearly full disk, on a real small file system (a tmpfs mounted for the test; skipped with
// a reason where mounting is not permitted): the terminal still starts, refuses new requests
// with "disk_full", and its queue still drains.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "store_test_util.h"

namespace gk {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

constexpr int kQueued = 30;
constexpr int64_t kReserveBytes = 1024 * 1024;

// A tmpfs of `size_kib` mounted on a fresh directory, unmounted at the end.
class SmallFileSystem {
  public:
    explicit SmallFileSystem(int size_kib) {
        const std::string options = "size=" + std::to_string(size_kib) + "k,mode=0700";
        mounted_ = ::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0;
        if (!mounted_) error_ = std::strerror(errno);
    }
    ~SmallFileSystem() {
        if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }
    std::string path() const { return dir_.path(); }

  private:
    TempDir dir_;
    bool mounted_ = false;
    std::string error_;
};

int64_t FreeBytes(const std::string& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0) return -1;
    return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

// Fills the file system until at most `leave` bytes are free.
void FillLeaving(const std::string& dir, int64_t leave) {
    std::ofstream filler(dir + "/filler", std::ios::binary);
    const std::string block(4096, 'f');
    while (FreeBytes(dir) > leave + 4096 && filler.write(block.data(), block.size())) {
        filler.flush();
    }
    ASSERT_LE(FreeBytes(dir), leave + 4096);
}

// A store with `kQueued` requests waiting for upload, closed.
std::vector<std::string> QueueRequests(const std::string& data_dir, Clock& clock, bool reserve) {
    StoreOptions options;
    options.space_reserve_bytes = reserve ? kReserveBytes : 0;
    std::vector<std::string> uuids;
    auto store = test::OpenStore(data_dir, clock, options);
    EXPECT_TRUE(store);
    if (!store) return uuids;
    for (int i = 0; i < kQueued; ++i) {
        auto r = store->Submit(test::SampleRequest(), 7);
        EXPECT_TRUE(r.ok()) << r.error().message;
        if (r.ok()) uuids.push_back(r->request.uuid);
    }
    return uuids;
}

TEST(StoreDiskFull, StartsRefusesNewRequestsAndStillUploadsItsQueue) {
    SmallFileSystem fs_small(8 * 1024);
    if (!fs_small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << fs_small.error();
    const std::string data_dir = fs_small.path() + "/data";
    SimulatedClock clock(test::kStartWallMs);
    const auto uuids = QueueRequests(data_dir, clock, /*reserve=*/true);
    ASSERT_EQ(uuids.size(), static_cast<size_t>(kQueued));
    EXPECT_TRUE(fs::exists(data_dir + "/gridkiosk.reserve"));
    FillLeaving(fs_small.path(), 8 * 1024);

    StoreOptions options;
    options.space_reserve_bytes = kReserveBytes;
    auto store = Store::Open(data_dir, clock, options);
    ASSERT_TRUE(store.ok()) << "a full disk stopped the start: " << store.error().message;
    EXPECT_TRUE((*store)->open_report().low_space);
    auto refused = (*store)->Submit(test::SampleRequest(), 7);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "disk_full");  // the resident sees error.disk_full

    // The sync worker's part: read the queue, record the deliveries.
    auto batch = (*store)->NextBatch(100, 0);
    ASSERT_TRUE(batch.ok());
    ASSERT_EQ(batch->size(), static_cast<size_t>(kQueued));
    std::vector<std::string> delivered;
    for (const OutboxRecord& r : *batch) delivered.push_back(r.uuid);
    auto marked = (*store)->MarkDelivered(delivered, test::kStartWallMs / 1000);
    ASSERT_TRUE(marked.ok()) << marked.error().message;
    EXPECT_EQ(*(*store)->QueueDepth(), 0);
    // Still refused: the disk is as full as before.
    EXPECT_FALSE((*store)->Submit(test::SampleRequest(), 7).ok());
}

// A terminal that never had a reserve (an older version filled the disk): no room even for the
// -shm. It starts without shared memory and refuses new requests.
TEST(StoreDiskFull, StartsWithoutRoomForSharedMemory) {
    SmallFileSystem fs_small(4 * 1024);
    if (!fs_small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << fs_small.error();
    const std::string data_dir = fs_small.path() + "/data";
    SimulatedClock clock(test::kStartWallMs);
    const auto uuids = QueueRequests(data_dir, clock, /*reserve=*/false);
    ASSERT_EQ(uuids.size(), static_cast<size_t>(kQueued));
    FillLeaving(fs_small.path(), 8 * 1024);
    for (int start = 0; start < 3; ++start) {
        auto store = Store::Open(data_dir, clock);
        ASSERT_TRUE(store.ok()) << "start " << start << ": " << store.error().message;
        EXPECT_FALSE((*store)->open_report().shared_memory);
        EXPECT_EQ((*store)->terminal_number(), test::kTerminal);
        EXPECT_EQ(*(*store)->QueueDepth(), kQueued);
        auto refused = (*store)->Submit(test::SampleRequest(), 7);
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().code, "disk_full");
    }
}

}  // namespace
}  // namespace gk
