// Submit → receipt latency (issue 3): gk::Store::Submit on a real SQLite file in a temp dir
// under /tmp (one transaction, WAL, synchronous=FULL, the counter mark file every
// kCounterReservationBlock submits), median and p99 over --submits calls. Baseline in the same
// run, on the same disk, interleaved with the submits: one write() + fsync() of as many bytes
// as the request's JSON payload, appended to a file in the same directory.
//
// Usage: submit_bench [--submits N] [--dir DIR] [Google Benchmark flags]
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bench/bench_report.h"
#include "bench/process_probe.h"
#include "kiosk/store/store.h"
#include "platform/clock.h"

namespace gk::bench {
namespace {

std::string g_parent_dir = "/tmp";  // where the temp dirs go
size_t g_payload_bytes = 0;         // the request's JSON payload, measured in main()

ServiceRequest SampleRequest(int i) {
    ServiceRequest r;
    r.grid_path =
        "西安市/碑林区/张家村街道/建东社区/第3网格";  // a terminal takes requests only with a grid
    r.service_code = "city.streetlight";
    r.description = "路灯不亮，晚上很黑，老人出门不方便。已经三天了，请尽快来看看。";
    r.location = {"3号楼", std::to_string(1 + i % 6) + "单元", "501"};
    r.contact.name = "张秀英";
    r.contact.phone = "13912345678";
    r.lang = "zh";
    return r;
}

std::string MakeDir(const char* stem) {
    std::string pattern = g_parent_dir + "/gk-bench-" + stem + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        std::fprintf(stderr, "submit_bench: cannot make a dir under %s\n", g_parent_dir.c_str());
        std::exit(2);
    }
    return pattern;
}

// "ext4 on /dev/vda (mounted at /)": the mount that holds `path`.
std::string FilesystemOf(const std::string& path) {
    std::ifstream mounts("/proc/self/mounts");
    std::string device, mount_point, type, best = "unknown";
    size_t best_len = 0;
    for (std::string rest; mounts >> device >> mount_point >> type && std::getline(mounts, rest);) {
        const bool under = path.compare(0, mount_point.size(), mount_point) == 0 &&
                           (mount_point == "/" || path.size() == mount_point.size() ||
                            path[mount_point.size()] == '/');
        if (under && mount_point.size() >= best_len) {
            best_len = mount_point.size();
            best = type + " on " + device + " (mounted at " + mount_point + ")";
        }
    }
    return best;
}

double MicrosSince(SteadyClock::time_point t0) {
    return std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count();
}

// One Store::Submit and one fsync'd write per iteration, alternating which goes first, so
// both series see the disk in the same state (this VM's fsync time drifts by 10x over
// minutes). The iteration time is the Submit's.
void BM_SubmitAndFsync(benchmark::State& state) {
    const std::string dir = MakeDir("submit");
    SystemClock clock;
    auto store = Store::Open(dir, clock);
    if (!store || !(*store)->set_terminal_number(7)) {
        state.SkipWithError("cannot open the store");
        return;
    }
    const int fd =
        ::open((dir + "/baseline.dat").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const std::string bytes(g_payload_bytes, 'x');
    std::vector<double> submit_us, fsync_us;
    submit_us.reserve(static_cast<size_t>(state.max_iterations));
    fsync_us.reserve(static_cast<size_t>(state.max_iterations));
    int i = 0;
    for (auto _ : state) {
        const bool fsync_first = i % 2 == 0;
        double submit_elapsed = 0;
        bool ok = true;
        for (int step = 0; step < 2; ++step) {
            if ((step == 0) == fsync_first) {
                const auto t0 = SteadyClock::now();
                ok =
                    ok &&
                    ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                    ::fsync(fd) == 0;
                fsync_us.push_back(MicrosSince(t0));
            } else {
                ServiceRequest request = SampleRequest(i);
                const auto t0 = SteadyClock::now();
                auto submitted = (*store)->Submit(std::move(request), 7);
                submit_elapsed = MicrosSince(t0);
                ok = ok && submitted.ok();
                if (submitted) benchmark::DoNotOptimize(submitted->request.receipt_code.data());
                submit_us.push_back(submit_elapsed);
            }
        }
        ++i;
        if (!ok) {
            state.SkipWithError("Submit, write or fsync failed");
            break;
        }
        state.SetIterationTime(submit_elapsed / 1e6);
    }
    ::close(fd);
    store->reset();
    std::filesystem::remove_all(dir);
    if (submit_us.empty() || fsync_us.empty()) return;
    state.counters["submit_p50_us"] = Median(submit_us);
    state.counters["submit_p99_us"] = Percentile(submit_us, 99);
    state.counters["submit_max_us"] = *std::max_element(submit_us.begin(), submit_us.end());
    state.counters["fsync_p50_us"] = Median(fsync_us);
    state.counters["fsync_p99_us"] = Percentile(fsync_us, 99);
    state.counters["fsync_max_us"] = *std::max_element(fsync_us.begin(), fsync_us.end());
}

// The JSON payload Submit stores for the sample request (its outbox record), in bytes.
size_t MeasurePayloadBytes() {
    const std::string dir = MakeDir("payload");
    SystemClock clock;
    size_t bytes = 0;
    if (auto store = Store::Open(dir, clock); store && (*store)->set_terminal_number(7)) {
        if ((*store)->Submit(SampleRequest(0), 7)) {
            if (auto batch = (*store)->NextBatch(1, clock.MonotonicMs());
                batch && !batch->empty()) {
                bytes = batch->front().payload.size();
            }
        }
    }
    std::filesystem::remove_all(dir);
    return bytes;
}

}  // namespace
}  // namespace gk::bench

int main(int argc, char** argv) {
    using namespace gk::bench;
    benchmark::Initialize(&argc, argv);
    int submits = 1000;
    CLI::App cli{"submit_bench: Store::Submit latency vs one fsync'd write"};
    cli.add_option("--submits", submits, "timed calls of each (>= 500 for the issue's figure)")
        ->check(CLI::Range(10, 100000));
    cli.add_option("--dir", g_parent_dir, "parent of the temp dirs (default /tmp)");
    CLI11_PARSE(cli, argc, argv);

    std::printf("submit_bench: %s\n", MachineLine().c_str());
    g_payload_bytes = MeasurePayloadBytes();
    if (g_payload_bytes == 0) {
        std::fprintf(stderr, "submit_bench: cannot submit the sample request\n");
        return 1;
    }
    std::printf("dir=%s filesystem: %s; payload=%zu bytes; %d calls each\n", g_parent_dir.c_str(),
                FilesystemOf(std::filesystem::canonical(g_parent_dir).string()).c_str(),
                g_payload_bytes, submits);

    benchmark::RegisterBenchmark("BM_SubmitAndFsync", BM_SubmitAndFsync)
        ->Iterations(submits)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    const auto* run = reporter.Find("BM_SubmitAndFsync");
    if (!run) return 1;
    std::printf("\n");
    for (const char* p : {"p50", "p99"}) {
        const double submit_ms =
            Counter(*run, (std::string("submit_") + p + "_us").c_str()) / 1000.0;
        const double fsync_ms = Counter(*run, (std::string("fsync_") + p + "_us").c_str()) / 1000.0;
        PrintFigure(std::string("Store::Submit -> receipt ") + p + " (ms)", submit_ms, "ms",
                    fsync_ms, "", "");
        PrintFigure(std::string("  baseline: write+fsync ") + std::to_string(g_payload_bytes) +
                        " B " + p + " (ms)",
                    fsync_ms, "ms", 0, "", "");
    }
    return 0;
}
