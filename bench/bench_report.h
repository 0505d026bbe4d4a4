// The Google Benchmark side of the summary: a console reporter that also keeps every run, so a
// benchmark's main() can print its figures (FIGURE lines, see process_probe.h) with the ratio
// to the baseline that ran in the same process.
#pragma once

#include <benchmark/benchmark.h>

#include <string_view>
#include <vector>

namespace gk::bench {

class CollectingReporter : public benchmark::ConsoleReporter {
  public:
    CollectingReporter();  // colours only on a terminal
    void ReportRuns(const std::vector<Run>& runs) override;
    // The run of the benchmark function `name`: its median when repeated; nullptr if absent.
    const Run* Find(std::string_view name) const;

  private:
    std::vector<Run> runs_;
};

// A run's real time and CPU time per iteration, in milliseconds. Where other processes share
// the CPUs, real time grows with their load and CPU time does not: print both.
double RealMs(const benchmark::BenchmarkReporter::Run& run);
double CpuMs(const benchmark::BenchmarkReporter::Run& run);
// A user counter of the run, or 0.
double Counter(const benchmark::BenchmarkReporter::Run& run, const char* name);

}  // namespace gk::bench
