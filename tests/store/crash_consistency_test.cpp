// Crash consistency: a process killed right after Submit returned loses nothing and leaves a
// file that opens without repair. Each child opens the store, submits, reports the receipt code
// through a pipe and kills itself with SIGKILL before any clean shutdown.
//
// What this cannot show: power-loss durability. The OS page cache survives a killed process,
// so this passes even with synchronous=OFF; power_cut_test.cpp covers lost unsynced writes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "store_test_util.h"

namespace gk {
namespace {

using test::TempDir;

// Runs in the child: never returns.
[[noreturn]] void SubmitAndDie(const std::string& data_dir, int write_fd, int index) {
    SimulatedClock clock(test::kStartWallMs + index * 1000);
    auto store = Store::Open(data_dir, clock);
    std::string code;
    if (store.ok() && (*store)->set_terminal_number(test::kTerminal).ok()) {
        auto submitted = (*store)->Submit(test::SampleRequest(), 7);
        if (submitted.ok()) code = submitted->request.receipt_code;
    }
    code += '\n';
    if (::write(write_fd, code.data(), code.size()) < 0) _exit(2);
    ::kill(::getpid(), SIGKILL);
    _exit(1);  // not reached
}

std::string ReadLine(int fd) {
    std::string line;
    char c = 0;
    while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
    return line;
}

TEST(StoreCrashConsistency, ReceiptSurvivesSigkillRightAfterSubmit) {
    TempDir dir;
    std::vector<std::string> codes;
    for (int i = 0; i < 5; ++i) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::close(fds[0]);
            SubmitAndDie(dir.path(), fds[1], i);
        }
        ::close(fds[1]);
        const std::string code = ReadLine(fds[0]);
        ::close(fds[0]);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status));
        EXPECT_EQ(WTERMSIG(status), SIGKILL);
        ASSERT_EQ(code.size(), 16u) << "child did not get a receipt";
        codes.push_back(code);
        // The killed process never checkpointed: its commit lives in the WAL.
        EXPECT_GT(std::filesystem::file_size(dir.db() + "-wal"), 0u);
    }

    SimulatedClock clock(test::kStartWallMs + 3600 * 1000);
    auto store = Store::Open(dir.path(), clock);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_TRUE((*store)->open_report().recovered_from.empty());
    for (const std::string& code : codes) {
        auto found = (*store)->FindByReceipt(code);
        ASSERT_TRUE(found.ok());
        EXPECT_TRUE(found->has_value()) << "lost a request that got a receipt";
    }
    EXPECT_EQ(*(*store)->QueueDepth(), 5);
}

}  // namespace
}  // namespace gk
