// Keeps the runs Google Benchmark reports, for the figures printed after them.
#include "bench/bench_report.h"

#include <unistd.h>

namespace gk::bench {

CollectingReporter::CollectingReporter()
    : ConsoleReporter(::isatty(1) ? OO_ColorTabular : OO_Tabular) {}

void CollectingReporter::ReportRuns(const std::vector<Run>& runs) {
    runs_.insert(runs_.end(), runs.begin(), runs.end());
    ConsoleReporter::ReportRuns(runs);
}

const CollectingReporter::Run* CollectingReporter::Find(std::string_view name) const {
    const Run* found = nullptr;
    for (const Run& r : runs_) {
        if (r.run_name.function_name != name || r.error_occurred) continue;
        if (r.run_type == Run::RT_Aggregate) {
            if (r.aggregate_name == "median") return &r;
        } else {
            found = &r;
        }
    }
    return found;
}

namespace {

double MsPerUnit(const benchmark::BenchmarkReporter::Run& run) {
    double scale = 1.0;
    switch (run.time_unit) {
        case benchmark::kNanosecond:
            scale = 1e-6;
            break;
        case benchmark::kMicrosecond:
            scale = 1e-3;
            break;
        case benchmark::kMillisecond:
            scale = 1.0;
            break;
        case benchmark::kSecond:
            scale = 1e3;
            break;
    }
    return scale;
}

}  // namespace

double RealMs(const benchmark::BenchmarkReporter::Run& run) {
    return run.GetAdjustedRealTime() * MsPerUnit(run);
}

double CpuMs(const benchmark::BenchmarkReporter::Run& run) {
    return run.GetAdjustedCPUTime() * MsPerUnit(run);
}

double Counter(const benchmark::BenchmarkReporter::Run& run, const char* name) {
    const auto it = run.counters.find(name);
    return it == run.counters.end() ? 0.0 : it->second.value;
}

}  // namespace gk::bench
