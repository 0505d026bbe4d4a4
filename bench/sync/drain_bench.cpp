// Drain benchmark: how fast a terminal's queue reaches the central server.
//
// The real gridkiosk-server binary on 127.0.0.1 with a fresh database under /tmp, a terminal
// Store on a real SQLite file (WAL, synchronous=FULL), the real SyncWorker over libcurl.
//   drain     N records queued while the worker was stopped, then Start(): seconds until the
//             last one is acknowledged (and its outbox row gone), and records/s.
//   baseline  the same N requests posted one by one to POST /open311/v2/requests.json over
//             one keep-alive connection, in the same run, to the same server.
// Target: drain ≥ 10× the baseline and ≥ 2,000 records/s. Afterwards the bench checks that
// the server holds every record exactly once.
//
// With --wrk (and wrk on the PATH): server ingest through Open311 POST and the tracking page
// GET /t/{code}, 50 connections, 2 threads, 10 s (wrk -c50 -t2 -d10s --latency).
//
// Usage: drain_bench [--records N] [--batch N] [--baseline-records N] [--profile] [--wrk]
//                    [--wrk-seconds S]
//
// [SECTION] Helpers
// [SECTION] Drain
// [SECTION] Baseline
// [SECTION] wrk
// [SECTION] main
#include <httplib.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "kiosk/store/store.h"
#include "kiosk/sync/sync_worker.h"
#include "platform/clock.h"
#include "platform/http.h"
#include "tests/support/server_process.h"

namespace gk::bench {
namespace {

// A benchmark stops at the first failure of its own set-up: a figure from a broken run is no
// figure.
template <class T>
void Must(const Result<T>& result, const char* what) {
    if (!result) {
        std::fprintf(stderr, "drain_bench: %s: %s\n", what, result.error().message.c_str());
        std::exit(3);
    }
}

using test::ServerProcess;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------

constexpr const char* kService = "governance.grid_report";

ServiceRequest SampleRequest(int i) {
    ServiceRequest r;
    r.service_code = kService;
    r.description =
        "楼道灯坏了，晚上很黑，老人出门不方便。已经三天了，请尽快来看看。#" + std::to_string(i);
    r.location = {"3号楼", std::to_string(1 + i % 6) + "单元", "501"};
    r.contact.name = "张秀英";
    r.contact.phone = "13912345678";
    r.lang = "zh";
    return r;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

std::string MakeDir(const char* stem) {
    std::string pattern = std::string("/tmp/gk-bench-") + stem + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        std::fprintf(stderr, "drain_bench: mkdtemp failed\n");
        std::exit(2);
    }
    return pattern;
}

// FIGURE|name|value|unit|baseline|ratio|target|verdict, as bench/process_probe.h prints them.
void Figure(const std::string& name, double value, const std::string& unit, double baseline,
            const std::string& target, const std::string& verdict) {
    char b[32] = "-", r[32] = "-";
    if (baseline > 0) {
        std::snprintf(b, sizeof b, "%.1f", baseline);
        std::snprintf(r, sizeof r, "%.1f", value / baseline);
    }
    std::printf("FIGURE|%s|%.1f|%s|%s|%s|%s|%s\n", name.c_str(), value, unit.c_str(), b, r,
                target.empty() ? "-" : target.c_str(), verdict.empty() ? "-" : verdict.c_str());
    std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Drain
// ---------------------------------------------------------------------------------------------

struct DrainResult {
    double fill_seconds = 0;  // Submit × N (not part of the figure)
    double drain_seconds = 0;
    int64_t delivered = 0;
    std::vector<std::string> codes;
};

DrainResult Drain(ServerProcess& server, int records, size_t batch) {
    const auto enrolled = test::EnrollOverHttp(server.url(), server.EnrollCode("bench-hall"));
    const std::string dir = MakeDir("drain");
    SystemClock clock;
    StoreOptions store_options;
    store_options.max_queue = records + 1;
    auto opened = Store::Open(dir, clock, store_options);
    if (!opened) {
        std::fprintf(stderr, "drain_bench: store: %s\n", opened.error().message.c_str());
        std::exit(3);
    }
    Store& store = **opened;
    Must(store.set_terminal_number(enrolled.terminal_number), "terminal number");
    Must(store.set_grid_path(ServerProcess::kGrid), "grid path");
    Must(store.set_kiosk_id("bench-hall"), "kiosk id");

    DrainResult result;
    const auto fill_start = Clock::now();
    for (int i = 0; i < records; ++i) {
        auto stored = store.Submit(SampleRequest(i), 7);
        if (!stored) {
            std::fprintf(stderr, "drain_bench: submit: %s\n", stored.error().message.c_str());
            std::exit(3);
        }
        result.codes.push_back(stored->request.receipt_code);
    }
    result.fill_seconds = Seconds(fill_start, Clock::now());

    SyncOptions options;  // the terminal's defaults, but for the batch size under test
    options.server_url = server.url();
    options.token = enrolled.token;
    options.batch_size = batch;
    std::mutex mutex;
    std::condition_variable changed;
    SyncWorker* worker_ptr = nullptr;
    SyncWorker worker(options, store, clock, [&] {
        std::lock_guard lock(mutex);
        changed.notify_all();
    });
    worker_ptr = &worker;
    const auto start = Clock::now();
    worker.Start();
    {
        std::unique_lock lock(mutex);
        changed.wait_for(lock, std::chrono::minutes(10),
                         [&] { return worker_ptr->status().delivered >= records; });
    }
    result.drain_seconds = Seconds(start, Clock::now());
    result.delivered = worker.status().delivered;
    worker.Stop();
    auto depth = store.QueueDepth();
    if (!depth || *depth != 0) std::fprintf(stderr, "drain_bench: queue not empty after drain\n");
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return result;
}

// Where a drain's time goes: the worker's steps for one batch, done by hand with a timer
// around each (the same Store and HttpClient calls, in the same order, as UploadOnce).
void ProfileDrain(ServerProcess& server, int records, size_t batch) {
    const auto enrolled = test::EnrollOverHttp(server.url(), server.EnrollCode("bench-profile"));
    const std::string dir = MakeDir("profile");
    SystemClock clock;
    StoreOptions store_options;
    store_options.max_queue = records + 1;
    auto opened = Store::Open(dir, clock, store_options);
    if (!opened) std::exit(3);
    Store& store = **opened;
    Must(store.set_terminal_number(enrolled.terminal_number), "terminal number");
    Must(store.set_grid_path(ServerProcess::kGrid), "grid path");
    for (int i = 0; i < records; ++i)
        if (!store.Submit(SampleRequest(i), 7)) std::exit(3);

    HttpClient http;
    double next_batch = 0, body = 0, post = 0, stage = 0, delivered = 0;
    const auto all_start = Clock::now();
    for (;;) {
        auto t0 = Clock::now();
        auto rows = store.NextBatch(batch, clock.MonotonicMs());
        auto t1 = Clock::now();
        if (!rows || rows->empty()) break;
        std::string text = "{\"records\":[";
        for (size_t i = 0; i < rows->size(); ++i) {
            const auto& r = (*rows)[i];
            if (!nlohmann::json::accept(r.payload)) std::exit(4);
            text += (i ? "," : "") + std::string("{\"uuid\":\"") + r.uuid + "\",\"kind\":\"" +
                    r.kind + "\",\"data\":" + r.payload + "}";
        }
        text += "]}";
        auto t2 = Clock::now();
        const HttpResponse res =
            http.PostJson(server.url() + "/api/v1/records", text, enrolled.token);
        auto t3 = Clock::now();
        const auto reply = nlohmann::json::parse(res.body, nullptr, false);
        std::vector<std::string> uuids;
        for (const auto& item : reply["results"]) {
            uuids.push_back(item["uuid"].get<std::string>());
            Must(store.ApplyStageChange(uuids.back(), Stage::kReceived, clock.WallUnixMs() / 1000,
                                        "", "server"),
                 "stage change");
        }
        auto t4 = Clock::now();
        Must(store.MarkDelivered(uuids), "mark delivered");
        auto t5 = Clock::now();
        next_batch += Seconds(t0, t1);
        body += Seconds(t1, t2);
        post += Seconds(t2, t3);
        stage += Seconds(t3, t4);
        delivered += Seconds(t4, t5);
    }
    const double total = Seconds(all_start, Clock::now());
    std::printf("\nprofile, %d records in batches of %zu: %.2f s (%.0f records/s)\n", records,
                batch, total, records / total);
    const auto line = [&](const char* what, double s) {
        std::printf("  %-58s %7.2f s  %5.1f %%\n", what, s, 100 * s / total);
    };
    line("Store::NextBatch", next_batch);
    line("request body (JSON check + concatenation)", body);
    line("POST /api/v1/records (curl + server: parse, checks, insert, fsync)", post);
    line("Store::ApplyStageChange per record (one transaction each)", stage);
    line("Store::MarkDelivered (purge, secure_delete, WAL checkpoint)", delivered);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Baseline
// ---------------------------------------------------------------------------------------------

// The Open311 form of SampleRequest(i); without the description when `with_description` is
// false (wrk's script appends its own, numbered).
std::string FormBody(const std::string& api_key, int i, bool with_description = true) {
    const ServiceRequest r = SampleRequest(i);
    httplib::Params params = {{"api_key", api_key},
                              {"service_code", r.service_code},
                              {"attribute[grid_path]", ServerProcess::kGrid},
                              {"attribute[building]", r.location.building},
                              {"attribute[unit]", r.location.unit},
                              {"attribute[room]", r.location.room},
                              {"phone", r.contact.phone},
                              {"last_name", "张"},
                              {"first_name", "秀英"}};
    if (with_description) params.emplace("description", r.description);
    return httplib::detail::params_to_query_str(params);
}

// Seconds for `records` Open311 POSTs one after the other; -1 when one failed.
double PostOneByOne(ServerProcess& server, const std::string& api_key, int records) {
    httplib::Client client("127.0.0.1", server.port());
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);  // as libcurl does; without it Nagle and delayed ACKs add 40 ms
    client.set_read_timeout(30, 0);
    const auto start = Clock::now();
    for (int i = 0; i < records; ++i) {
        auto res = client.Post("/open311/v2/requests.json", FormBody(api_key, i),
                               "application/x-www-form-urlencoded");
        if (!res || res->status != 200) {
            std::fprintf(stderr, "drain_bench: open311 POST %d failed: %d %s\n", i,
                         res ? res->status : 0, res ? res->body.c_str() : "no response");
            return -1;
        }
    }
    return Seconds(start, Clock::now());
}

// ---------------------------------------------------------------------------------------------
// [SECTION] wrk
// ---------------------------------------------------------------------------------------------

struct WrkFigures {
    double requests_per_s = 0;
    double p50_ms = 0, p99_ms = 0;
    int64_t non_2xx = 0;
    std::string raw;
};

double LatencyMs(const std::string& value, const std::string& unit) {
    const double v = std::stod(value);
    if (unit == "us") return v / 1000;
    if (unit == "s") return v * 1000;
    return v;
}

WrkFigures RunWrk(const std::string& script, const std::string& url, int seconds) {
    const std::string out_path = script + ".out";
    const std::string command = "wrk -c50 -t2 -d" + std::to_string(seconds) + "s --latency -s " +
                                script + " " + url + " > " + out_path + " 2>&1";
    WrkFigures f;
    if (std::system(command.c_str()) != 0) std::fprintf(stderr, "drain_bench: wrk failed\n");
    std::ifstream in(out_path);
    f.raw.assign(std::istreambuf_iterator<char>(in), {});
    std::smatch m;
    if (std::regex_search(f.raw, m, std::regex(R"(Requests/sec:\s+([0-9.]+))")))
        f.requests_per_s = std::stod(m[1]);
    if (std::regex_search(f.raw, m, std::regex(R"(\s50%\s+([0-9.]+)(us|ms|s)\b)")))
        f.p50_ms = LatencyMs(m[1], m[2]);
    if (std::regex_search(f.raw, m, std::regex(R"(\s99%\s+([0-9.]+)(us|ms|s)\b)")))
        f.p99_ms = LatencyMs(m[1], m[2]);
    if (std::regex_search(f.raw, m, std::regex(R"(Non-2xx or 3xx responses:\s+(\d+))")))
        f.non_2xx = std::stoll(m[1]);
    return f;
}

void WrkFiguresFor(ServerProcess& server, const std::string& api_key,
                   const std::vector<std::string>& codes, int seconds) {
    const std::string dir = MakeDir("wrk");
    // Ingest: every request a new Open311 request (a counter in the description).
    {
        const std::string script = dir + "/post.lua";
        std::ofstream lua(script);
        lua << "local n = 0\n"
               "local base = \""
            << FormBody(api_key, 0, false)
            << "&description=" << httplib::detail::encode_query_param(SampleRequest(0).description)
            << "\"\n"
               "wrk.method = \"POST\"\n"
               "wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n"
               "request = function()\n"
               "  n = n + 1\n"
               "  return wrk.format(nil, \"/open311/v2/requests.json\", nil, base .. \"%20w\" .. "
               "n)\n"
               "end\n";
        lua.close();
        const WrkFigures f = RunWrk(script, server.url(), seconds);
        std::printf("\nwrk POST /open311/v2/requests.json:\n%s\n", f.raw.c_str());
        Figure("server_ingest_open311_50c", f.requests_per_s, "records/s", 0, "", "");
        Figure("server_ingest_open311_50c_p50", f.p50_ms, "ms", 0, "", "");
        Figure("server_ingest_open311_50c_p99", f.p99_ms, "ms", 0, "", "");
        if (f.non_2xx > 0)
            std::printf("non-2xx responses: %lld\n", static_cast<long long>(f.non_2xx));
    }
    // Tracking page: codes of the drained records, taken in turn.
    {
        const std::string script = dir + "/track.lua";
        std::ofstream lua(script);
        lua << "local codes = {";
        for (size_t i = 0; i < codes.size() && i < 2000; ++i)
            lua << (i ? "," : "") << '"' << codes[i] << '"';
        lua << "}\nlocal i = 0\n"
               "request = function()\n"
               "  i = i % #codes + 1\n"
               "  return wrk.format(\"GET\", \"/t/\" .. codes[i])\n"
               "end\n";
        lua.close();
        const WrkFigures f = RunWrk(script, server.url(), seconds);
        std::printf("\nwrk GET /t/{code}:\n%s\n", f.raw.c_str());
        Figure("tracking_page_50c_rps", f.requests_per_s, "req/s", 0, "", "");
        Figure("tracking_page_50c_p50", f.p50_ms, "ms", 0, "", "");
        Figure("tracking_page_50c_p99", f.p99_ms, "ms", 0, "", "");
        if (f.non_2xx > 0)
            std::printf("non-2xx responses: %lld\n", static_cast<long long>(f.non_2xx));
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace gk::bench

// ---------------------------------------------------------------------------------------------
// [SECTION] main
// ---------------------------------------------------------------------------------------------

int main(int argc, char** argv) {
    using namespace gk::bench;
    CLI::App app{"drain_bench: terminal queue → central server, against Open311 one by one"};
    int records = 10000;
    size_t batch = gk::SyncOptions{}.batch_size;
    int baseline_records = 0;  // 0: the same number as drained
    bool wrk = false, profile = false;
    int wrk_seconds = 10;
    app.add_option("--records", records, "records to queue and drain")
        ->check(CLI::Range(1, 100000));
    app.add_option("--batch", batch, "records per upload (the terminal's default)")
        ->check(CLI::Range(1, 500));
    app.add_option("--baseline-records", baseline_records,
                   "Open311 POSTs for the baseline rate (default: --records)")
        ->check(CLI::Range(1, 100000));
    app.add_flag("--wrk", wrk, "also run wrk against the server (ingest, tracking page)");
    app.add_option("--wrk-seconds", wrk_seconds, "duration of each wrk run");
    app.add_flag("--profile", profile, "also time the steps of a drain (2,000 records)");
    CLI11_PARSE(app, argc, argv);

    gk::test::ServerProcess server;
    server.Start();
    const std::string api_key = server.ApiKey("bench");

    std::printf("drain_bench: %d records, batch %zu, server %s\n", records, batch,
                server.url().c_str());
    const DrainResult drain = Drain(server, records, batch);
    const auto counts = server.CountTerminalRequests();
    std::printf("queue filled by Submit in %.1f s (%.0f submits/s, not part of the figure)\n",
                drain.fill_seconds, records / drain.fill_seconds);
    std::printf(
        "drain: %lld delivered in %.2f s; server holds %lld requests, %lld distinct codes\n",
        static_cast<long long>(drain.delivered), drain.drain_seconds,
        static_cast<long long>(counts.requests), static_cast<long long>(counts.distinct_codes));
    const bool exact = drain.delivered == records && counts.requests == records &&
                       counts.distinct_codes == records;

    if (baseline_records == 0) baseline_records = records;
    const double baseline_seconds = PostOneByOne(server, api_key, baseline_records);
    const double drain_rate = records / drain.drain_seconds;
    const double baseline_rate = baseline_seconds > 0 ? baseline_records / baseline_seconds : 0;
    std::printf("baseline: %d Open311 POSTs one by one in %.2f s (%.1f/s)\n", baseline_records,
                baseline_seconds, baseline_rate);

    const bool fast = drain_rate >= 2000 && baseline_rate > 0 && drain_rate >= 10 * baseline_rate;
    Figure("sync_drain_seconds", drain.drain_seconds, "s",
           baseline_rate > 0 ? records / baseline_rate : 0, "", "");
    Figure("sync_drain_rate", drain_rate, "records/s", baseline_rate, ">=10x and >=2000/s",
           !exact ? "WRONG"
           : fast ? "PASS"
                  : "MISS");
    if (profile) ProfileDrain(server, std::min(records, 2000), batch);
    if (wrk) WrkFiguresFor(server, api_key, drain.codes, wrk_seconds);
    return exact ? 0 : 1;
}
