// What the terminal leaves on disk: its data dir 0700 and every file 0600 whatever the umask
// (also when an older version left them 0755/0644), and no resident's phone number anywhere in
// the data dir once the requests are uploaded, including the copy of a damaged file kept aside.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "store_test_util.h"

namespace gk {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

constexpr const char* kPlantedPhone = "13912345678";  // SampleRequest's

// Restores the test process's umask.
class Umask {
  public:
    explicit Umask(mode_t mask) : old_(::umask(mask)) {}
    ~Umask() { ::umask(old_); }

  private:
    mode_t old_;
};

mode_t Mode(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

void ExpectOwnerOnly(const std::string& dir) {
    EXPECT_EQ(Mode(dir), 0700u) << dir;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        ++files;
        EXPECT_EQ(Mode(entry.path()), 0600u) << entry.path();
    }
    EXPECT_GE(files, 3);  // at least the database, its WAL or -shm, the counter mark
}

TEST(StoreFilePrivacy, NewDataDirAndFilesAreOwnerOnlyWhateverTheUmask) {
    Umask lax(022);
    TempDir dir;
    const std::string data_dir = dir.path() + "/data";
    SimulatedClock clock(test::kStartWallMs);
    auto store = test::OpenStore(data_dir, clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Submit(test::SampleRequest(), 7).ok());
    ExpectOwnerOnly(data_dir);  // while open: -wal and -shm too
}

TEST(StoreFilePrivacy, OldWorldReadableDataDirIsMadeOwnerOnly) {
    Umask lax(022);
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->Submit(test::SampleRequest(), 7).ok());
    }
    // As an older version left it.
    fs::permissions(dir.path(), fs::perms(0755), fs::perm_options::replace);
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        fs::permissions(entry.path(), fs::perms(0644), fs::perm_options::replace);
    }
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ExpectOwnerOnly(dir.path());
}

TEST(StoreFilePrivacy, NoPhoneNumberLeftInAnyFileAfterSalvageAndUpload) {
    TempDir dir;
    SimulatedClock clock(test::kStartWallMs);
    {
        auto store = test::OpenStore(dir.path(), clock);
        ASSERT_TRUE(store);
        for (int i = 0; i < 60; ++i) {
            ServiceRequest r = test::SampleRequest();
            r.description = "request " + std::to_string(i) + " " + std::string(200, 'q');
            ASSERT_TRUE(store->Submit(r, 7).ok());
        }
    }
    // Damage: scribble over a page in the middle.
    std::string bytes = test::ReadFile(dir.db());
    ASSERT_NE(bytes.find(kPlantedPhone), std::string::npos);
    const size_t middle = (bytes.size() / 4096 / 2) * 4096;
    bytes.replace(middle, 4096, std::string(4096, '\x77'));
    test::WriteFile(dir.db(), bytes);
    {
        auto store = Store::Open(dir.path(), clock);
        ASSERT_TRUE(store.ok()) << store.error().message;
        ASSERT_FALSE((*store)->open_report().recovered_from.empty());
        auto batch = (*store)->NextBatch(1000, 0);
        ASSERT_TRUE(batch.ok());
        EXPECT_GT(batch->size(), 0u);
        std::vector<std::string> uuids;
        for (const OutboxRecord& r : *batch) uuids.push_back(r.uuid);
        ASSERT_TRUE((*store)->MarkDelivered(uuids, test::kStartWallMs / 1000).ok());
    }
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        if (!entry.is_regular_file()) continue;
        ++files;
        EXPECT_EQ(test::ReadFile(entry.path().string()).find(kPlantedPhone), std::string::npos)
            << "a phone number stays in " << entry.path().filename();
    }
    EXPECT_GE(files, 2);  // the database and the copy kept aside
}

}  // namespace
}  // namespace gk
