// A server that answers nonsense, from an in-process httplib::Server on 127.0.0.1: malformed,
// truncated, oversized (20 MB) and non-UTF-8 bodies, a 200 full of garbage, results for uuids
// nobody sent, fields of the wrong type; a feed with garbage items and bad cursors. The
// terminal must not crash, must never count a record as delivered on such an answer, and
// must not hammer a server that keeps answering nonsense.
//
// [SECTION] Fake server and fixture
// [SECTION] Uploads
// [SECTION] Whole-batch refusals
// [SECTION] Feed
// [SECTION] No hammering
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/request_json.h"
#include "core/uuid.h"
#include "platform/database.h"
#include "tests/sync/sync_fixture.h"

namespace gk::synctest {
namespace {

using nlohmann::json;
using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

constexpr int64_t kStartWallMs = 1795000000000;  // 2026-11-18
constexpr const char* kGrid = "西安市/碑林区/张家村街道/张家村社区/第3网格";

// ---------------------------------------------------------------------------------------------
// [SECTION] Fake server and fixture
// ---------------------------------------------------------------------------------------------

class FakeServer {
  public:
    FakeServer() {
        server_.Post("/api/v1/records",
                     [this](const httplib::Request& req, httplib::Response& res) {
                         ++record_hits;
                         Handler h;
                         {
                             std::lock_guard lock(mutex_);
                             h = records_;
                         }
                         if (h) h(req, res);
                     });
        server_.Get("/api/v1/feed", [this](const httplib::Request& req, httplib::Response& res) {
            ++feed_hits;
            Handler h;
            {
                std::lock_guard lock(mutex_);
                h = feed_;
            }
            if (h) h(req, res);
        });
        // Without TCP_NODELAY every answer on a kept-alive connection waits ~40 ms for a
        // delayed ACK, which would hide a worker that retries without pausing.
        server_.set_tcp_nodelay(true);
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        for (int i = 0; i < 200 && !server_.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ~FakeServer() {
        server_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void OnRecords(Handler h) {
        std::lock_guard lock(mutex_);
        records_ = std::move(h);
    }
    void OnFeed(Handler h) {
        std::lock_guard lock(mutex_);
        feed_ = std::move(h);
    }
    std::atomic<int> record_hits{0}, feed_hits{0};

  private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    Handler records_, feed_;
};

// The uuids of the request records in an upload body.
std::vector<std::string> UuidsIn(const std::string& body) {
    std::vector<std::string> out;
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("records")) return out;
    for (const auto& r : j["records"])
        if (r.value("kind", "") == "request") out.push_back(r.value("uuid", ""));
    return out;
}

// What a good server answers: every record accepted.
json AcceptAll(const std::string& body) {
    json results = json::array();
    for (const auto& u : UuidsIn(body)) results.push_back({{"uuid", u}, {"result", "accepted"}});
    return {{"results", results}, {"server_time", "2026-11-18T14:00:00+08:00"}};
}

class BadServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store_ = OpenTerminalStore(dir_.path(), clock_, 7, kGrid);
        ASSERT_NE(store_, nullptr);
        codes_ = SubmitMany(*store_, 5, &uuids_);
        ASSERT_EQ(uuids_.size(), 5u);
        options_ = QuickOptions(fake_.url(), "token");
        options_.http.total_timeout_ms = 3000;
    }

    // None of the records counts as delivered: all queued, none uploaded, contacts kept.
    void ExpectNothingDelivered(SyncWorker& worker, const std::string& what) {
        EXPECT_EQ(worker.status().delivered, 0) << what;
        EXPECT_EQ(QueueDepthOf(*store_), 5) << what;
        for (const auto& uuid : uuids_) {
            auto found = store_->FindByUuid(uuid);
            ASSERT_TRUE(found.ok() && found->has_value()) << what;
            EXPECT_FALSE((*found)->uploaded()) << what;
            EXPECT_EQ((*found)->stage, Stage::kQueued) << what;
            EXPECT_FALSE((*found)->request.contact.phone.empty()) << what;
        }
    }

    FakeServer fake_;
    TempDir dir_;
    SimulatedClock clock_{kStartWallMs};
    std::unique_ptr<Store> store_;
    std::vector<std::string> codes_, uuids_;
    SyncOptions options_;
};

// ---------------------------------------------------------------------------------------------
// [SECTION] Uploads
// ---------------------------------------------------------------------------------------------

TEST_F(BadServerTest, NonsenseAnswersNeverDeliverAndNeverCrash) {
    const std::string first = uuids_[0];
    const std::string ours_accepted =
        "{\"results\":[{\"uuid\":\"" + first + "\",\"result\":\"accepted\"}";
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    std::mt19937 rng(1);
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(rng());

    struct Case {
        const char* name;
        Handler handler;
    };
    const auto fixed = [](int status, std::string body) {
        return [status, body](const httplib::Request&, httplib::Response& res) {
            res.status = status;
            res.set_content(body, "application/json");
        };
    };
    const std::vector<Case> cases = {
        {"malformed JSON", fixed(200, ours_accepted)},  // the array never closes
        {"empty 200", fixed(200, "")},
        {"HTML 200", fixed(200, "<html><body>欢迎</body></html>")},
        {"binary garbage 200", fixed(200, noise)},
        {"null", fixed(200, "null")},
        {"results not an array", fixed(200, "{\"results\":{\"" + first + "\":\"accepted\"}}")},
        {"results of wrong types",
         fixed(200,
               "{\"results\":[1,\"x\",null,[],{\"uuid\":5,\"result\":\"accepted\"},"
               "{\"uuid\":\"" +
                   first +
                   "\",\"result\":true},"
                   "{\"uuid\":[\"" +
                   first + "\"],\"result\":\"accepted\"}]}")},
        {"unknown words",
         fixed(200, "{\"results\":[{\"uuid\":\"" + first + "\",\"result\":\"ok\"}]}")},
        {"results for unknown uuids", fixed(200, "{\"results\":[{\"uuid\":\"" + NewUuid() +
                                                     "\",\"result\":\"accepted\"},"
                                                     "{\"uuid\":\"" +
                                                     NewUuid() + "\",\"result\":\"duplicate\"}]}")},
        {"our uuid in capitals",
         [&](const httplib::Request&, httplib::Response& res) {
             std::string upper = first;
             for (char& c : upper)
                 c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
             res.set_content("{\"results\":[{\"uuid\":\"" + upper + "\",\"result\":\"accepted\"}]}",
                             "application/json");
         }},
        {"invalid UTF-8",
         fixed(200, ours_accepted + ",{\"uuid\":\"x\",\"reason\":\"\xff\xfe\xc3\"}]}")},
        {"deep nesting", fixed(200, "{\"results\":" + deep + "}")},
        {"truncated body",
         [&](const httplib::Request&, httplib::Response& res) {
             const std::string full = ours_accepted + "]}";
             res.set_content_provider(full.size() + 5000, "application/json",
                                      [full](size_t, size_t, httplib::DataSink& sink) {
                                          sink.write(full.data(), full.size());
                                          return false;  // cut the connection short
                                      });
         }},
        {"oversized 20 MB",
         [&](const httplib::Request& req, httplib::Response& res) {
             // A good answer, but 20 MB long: the 8 MB cap must stop it before it counts.
             json reply = AcceptAll(req.body);
             reply["padding"] = std::string(20u << 20, 'x');
             res.set_content(reply.dump(), "application/json");
         }},
        {"accepted, but as a 500",
         [&](const httplib::Request& req, httplib::Response& res) {
             res.status = 500;
             res.set_content(AcceptAll(req.body).dump(), "application/json");
         }},
        {"accepted, but as a 302",
         [&](const httplib::Request& req, httplib::Response& res) {
             res.status = 302;
             res.set_header("Location", "http://127.0.0.1:1/elsewhere");
             res.set_content(AcceptAll(req.body).dump(), "application/json");
         }},
    };

    SyncWorker worker(options_, *store_, clock_, nullptr);
    for (const Case& c : cases) {
        fake_.OnRecords(c.handler);
        const PassResult r = worker.UploadOnce(/*with_heartbeat=*/false);
        EXPECT_FALSE(r.ok) << c.name;
        EXPECT_EQ(r.delivered, 0u) << c.name;
        EXPECT_FALSE(r.more) << c.name;
        EXPECT_FALSE(worker.status().last_error.empty()) << c.name;
        ExpectNothingDelivered(worker, c.name);
    }
    EXPECT_EQ(worker.status().consecutive_failures, static_cast<int>(cases.size()));

    // Still working: good answers deliver everything. The faults may have shrunk the batch (a
    // slow build turns the 20 MB answer into a timeout too), so follow `more` for a few passes.
    fake_.OnRecords([](const httplib::Request& req, httplib::Response& res) {
        res.set_content(AcceptAll(req.body).dump(), "application/json");
    });
    size_t delivered = 0;
    for (int pass = 0; pass < 8; ++pass) {
        const PassResult r = worker.UploadOnce(true);
        ASSERT_TRUE(r.ok) << "pass " << pass;
        delivered += r.delivered;
        if (!r.more) break;
    }
    EXPECT_EQ(delivered, 5u);
    EXPECT_EQ(QueueDepthOf(*store_), 0);
    EXPECT_EQ(worker.status().consecutive_failures, 0);
}

TEST_F(BadServerTest, RefusalWithAReasonOfTheWrongTypeIsARefusalNotACrash) {
    fake_.OnRecords([&](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"results\":[{\"uuid\":\"" + uuids_[0] +
                            "\",\"result\":\"rejected\",\"reason\":{\"no\":1}}]}",
                        "application/json");
    });
    SyncWorker worker(options_, *store_, clock_, nullptr);
    const PassResult r = worker.UploadOnce(false);
    EXPECT_EQ(r.delivered, 0u);
    EXPECT_EQ(r.rejected, 1u);
    ExpectNothingDelivered(worker, "rejected");
    // The refused record waits (an hour), the others are still due now.
    auto due = store_->NextBatch(10, clock_.MonotonicMs());
    ASSERT_TRUE(due.ok());
    EXPECT_EQ(due->size(), 4u);
}

TEST_F(BadServerTest, PartialAnswerDeliversOnlyWhatWasAnswered) {
    fake_.OnRecords([&](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"results\":[{\"uuid\":\"" + uuids_[1] + "\",\"result\":\"duplicate\"}," +
                            "{\"uuid\":\"" + uuids_[1] + "\",\"result\":\"accepted\"}]}",
                        "application/json");
    });
    SyncWorker worker(options_, *store_, clock_, nullptr);
    const PassResult r = worker.UploadOnce(false);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.delivered, 1u);  // once, though named twice
    EXPECT_EQ(QueueDepthOf(*store_), 4);
    auto found = store_->FindByUuid(uuids_[1]);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_TRUE((*found)->uploaded());
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Whole-batch refusals
// ---------------------------------------------------------------------------------------------

TEST_F(BadServerTest, TooLargeBatchesAreHalvedUntilTheyFit) {
    std::atomic<int> most{0}, refused{0};
    fake_.OnRecords([&](const httplib::Request& req, httplib::Response& res) {
        const auto uuids = UuidsIn(req.body);
        if (uuids.size() > 2) {
            ++refused;
            res.status = 413;
            res.set_content("{\"error\":\"too_many_records\"}", "application/json");
            return;
        }
        most = std::max<int>(most, static_cast<int>(uuids.size()));
        res.set_content(AcceptAll(req.body).dump(), "application/json");
    });
    options_.batch_size = 5;
    SyncWorker worker(options_, *store_, clock_, nullptr);
    for (int i = 0; i < 20 && QueueDepthOf(*store_) > 0; ++i) {
        worker.UploadOnce(false);
        clock_.Advance(1000);
    }
    EXPECT_EQ(QueueDepthOf(*store_), 0);
    EXPECT_EQ(worker.status().delivered, 5);
    EXPECT_EQ(most.load(), 2);
    EXPECT_LE(refused.load(), 3) << "a refused size is not tried again and again";
}

TEST_F(BadServerTest, AfterA413TheBatchDoesNotGrowBackToTheRefusedSize) {
    // 150 records, a server that takes at most 7 per batch: after a few refusals (a halving
    // search) the worker settles below the limit instead of failing every other batch.
    ASSERT_EQ(SubmitMany(*store_, 145).size(), 145u);
    std::atomic<int> refused{0};
    fake_.OnRecords([&](const httplib::Request& req, httplib::Response& res) {
        if (UuidsIn(req.body).size() > 7) {
            ++refused;
            res.status = 413;
            return;
        }
        res.set_content(AcceptAll(req.body).dump(), "application/json");
    });
    options_.batch_size = 20;
    SyncWorker worker(options_, *store_, clock_, nullptr);
    for (int i = 0; i < 100 && QueueDepthOf(*store_) > 0; ++i) worker.UploadOnce(false);
    EXPECT_EQ(QueueDepthOf(*store_), 0);
    EXPECT_LE(refused.load(), 6);  // growing back to the refused size each time makes ~20
}

TEST_F(BadServerTest, OneRecordTheServerCannotReadDoesNotHoldBackTheOthers) {
    // A server that refuses any batch holding one particular record with a 400 (as it does
    // for a body it cannot read): halving isolates it, the rest go, it waits.
    const std::string poison = uuids_[2];
    fake_.OnRecords([&](const httplib::Request& req, httplib::Response& res) {
        const auto uuids = UuidsIn(req.body);
        if (std::find(uuids.begin(), uuids.end(), poison) != uuids.end()) {
            res.status = 400;
            res.set_content("{\"error\":\"bad_request\"}", "application/json");
            return;
        }
        res.set_content(AcceptAll(req.body).dump(), "application/json");
    });
    SyncWorker worker(options_, *store_, clock_, nullptr);
    for (int i = 0; i < 30 && QueueDepthOf(*store_) > 1; ++i) {
        worker.UploadOnce(false);
        clock_.Advance(1000);
    }
    EXPECT_EQ(QueueDepthOf(*store_), 1);
    EXPECT_EQ(worker.status().delivered, 4);
    auto found = store_->FindByUuid(poison);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_FALSE((*found)->uploaded());
}

TEST_F(BadServerTest, StoredPayloadThatIsNotJsonIsHeldBackAlone) {
    {
        Database::Options o;
        o.create = false;
        auto raw = Database::Open(store_->database_path(), o);
        ASSERT_TRUE(raw.ok());
        auto st = (*raw)->Prepare("UPDATE outbox SET payload = '{\"uuid\":' WHERE uuid = ?");
        ASSERT_TRUE(st.ok());
        ASSERT_TRUE(st->Bind(1, uuids_[3]).Run().ok());
    }
    std::atomic<int> bad_bodies{0};
    fake_.OnRecords([&](const httplib::Request& req, httplib::Response& res) {
        if (!json::accept(req.body)) {
            ++bad_bodies;
            res.status = 400;
            return;
        }
        res.set_content(AcceptAll(req.body).dump(), "application/json");
    });
    SyncWorker worker(options_, *store_, clock_, nullptr);
    const PassResult r = worker.UploadOnce(false);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.delivered, 4u);
    EXPECT_EQ(bad_bodies.load(), 0);
    EXPECT_EQ(QueueDepthOf(*store_), 1);  // kept, never dropped
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Feed
// ---------------------------------------------------------------------------------------------

TEST_F(BadServerTest, FeedWithGarbageItemsIsSurvivedAndTheGoodOnesApplied) {
    const json good = {{"type", "request_stage"},
                       {"uuid", uuids_[0]},
                       {"stage", "dispatched"},
                       {"note", "已派单"},
                       {"at", "2026-11-18T20:00:00+08:00"}};
    json items = json::array(
        {1,
         "x",
         nullptr,
         json::array(),
         json::object(),
         {{"type", 5}},
         {{"type", "request_stage"}, {"stage", 7}, {"uuid", json::array()}, {"at", json::object()}},
         {{"type", "request_stage"},
          {"stage", "bogus"},
          {"uuid", uuids_[1]},
          {"at", "2026-11-18T20:00:00+08:00"}},
         {{"type", "request_stage"}, {"stage", "closed"}, {"uuid", uuids_[1]}, {"at", "yesterday"}},
         {{"type", "request_stage"},
          {"stage", "closed"},
          {"uuid", NewUuid()},
          {"at", "2026-11-18T20:00:00+08:00"}},
         {{"type", "request_stage"},
          {"stage", "closed"},
          {"uuid", uuids_[1]},
          {"at", "2026-11-18T20:00:00+08:00"},
          {"note", 42}},
         {{"type", "catalogue"}, {"catalogue", "not an object"}},
         {{"type", "catalogue"}, {"catalogue", {{"version", "x"}, {"groups", 3}}}},
         {{"type", "something_new"}, {"whatever", true}},
         good});
    fake_.OnFeed([&](const httplib::Request&, httplib::Response& res) {
        res.set_content(json{{"cursor", "17"}, {"more", "yes"}, {"items", items}}.dump(),
                        "application/json");
    });
    SyncWorker worker(options_, *store_, clock_, nullptr);
    const PassResult r = worker.PullFeedOnce();
    EXPECT_TRUE(r.ok);
    EXPECT_TRUE(r.changed);
    EXPECT_FALSE(r.more);  // "yes" is not true
    EXPECT_EQ(worker.status().feed_cursor, 17);
    auto first = store_->FindByUuid(uuids_[0]);
    ASSERT_TRUE(first.ok() && first->has_value());
    EXPECT_EQ((*first)->stage, Stage::kDispatched);
    EXPECT_FALSE((*first)->uploaded()) << "a stage from the feed is not a delivery";
    // uuids_[1] got "closed" once, from the item whose note was a number (the note is dropped).
    EXPECT_EQ(QueueDepthOf(*store_), 5);
    EXPECT_EQ(worker.status().delivered, 0);
}

TEST_F(BadServerTest, BadCursorsAndBrokenFeedBodiesLeaveTheCursorAlone) {
    SyncWorker worker(options_, *store_, clock_, nullptr);
    fake_.OnFeed([](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"cursor\":\"42\",\"more\":false,\"items\":[]}", "application/json");
    });
    ASSERT_TRUE(worker.PullFeedOnce().ok);
    ASSERT_EQ(worker.status().feed_cursor, 42);

    const std::vector<std::string> bodies = {
        "{\"items\":[]}",
        "{\"cursor\":43,\"items\":[]}",
        "{\"cursor\":\"-1\",\"items\":[]}",
        "{\"cursor\":\"abc\",\"items\":[]}",
        "{\"cursor\":\"1e5\",\"items\":[]}",
        "{\"cursor\":\"\",\"items\":[]}",
        "{\"cursor\":\"1234567890123456789\",\"items\":[]}",
        "{\"cursor\":null,\"items\":[]}",
        "{\"cursor\":\"43\",\"items\":{}}",
        "{\"cursor\":\"43\"}",
        "[\"cursor\",\"43\"]",
        "{\"cursor\":\"43\",\"items\":[",
        "{\"cursor\":\"4\xff\",\"items\":[]}",
        "",
        std::string("\x00\x01\x02", 3),
    };
    for (const auto& body : bodies) {
        fake_.OnFeed([body](const httplib::Request&, httplib::Response& res) {
            res.set_content(body, "application/json");
        });
        const PassResult r = worker.PullFeedOnce();
        EXPECT_FALSE(r.ok) << body;
        EXPECT_EQ(worker.status().feed_cursor, 42) << body;
    }
    // 20 MB of items: over the cap, refused whole.
    fake_.OnFeed([](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"cursor\":\"99\",\"items\":[{\"type\":\"noise\",\"pad\":\"" +
                            std::string(20u << 20, 'x') + "\"}]}",
                        "application/json");
    });
    EXPECT_FALSE(worker.PullFeedOnce().ok);
    EXPECT_EQ(worker.status().feed_cursor, 42);
    EXPECT_EQ(worker.status().last_error, "too_large");

    // The cursor survives a restart of the worker.
    SyncWorker again(options_, *store_, clock_, nullptr);
    EXPECT_EQ(again.status().feed_cursor, 42);
}

TEST_F(BadServerTest, CursorAheadRestartsTheFeedOnceNotForever) {
    SyncWorker worker(options_, *store_, clock_, nullptr);
    fake_.OnFeed([](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"cursor\":\"42\",\"more\":false,\"items\":[]}", "application/json");
    });
    ASSERT_TRUE(worker.PullFeedOnce().ok);
    fake_.OnFeed([](const httplib::Request&, httplib::Response& res) {
        res.status = 409;
        res.set_content("{\"error\":\"cursor_ahead\"}", "application/json");
    });
    PassResult r = worker.PullFeedOnce();
    EXPECT_TRUE(r.ok);
    EXPECT_TRUE(r.more);  // start again at once, from 0
    EXPECT_EQ(worker.status().feed_cursor, 0);
    SyncWorker restarted(options_, *store_, clock_, nullptr);
    EXPECT_EQ(restarted.status().feed_cursor, 0) << "the reset is kept";
    r = worker.PullFeedOnce();  // 409 at 0: the server is out of order, not ahead of us
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.more);
}

TEST_F(BadServerTest, MoreWithoutProgressIsNotFollowedAtOnce) {
    SyncWorker worker(options_, *store_, clock_, nullptr);
    fake_.OnFeed([](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"cursor\":\"5\",\"more\":true,\"items\":[]}", "application/json");
    });
    EXPECT_TRUE(worker.PullFeedOnce().more);   // 0 → 5: progress
    EXPECT_FALSE(worker.PullFeedOnce().more);  // 5 → 5: none
    fake_.OnFeed([](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"cursor\":\"2\",\"more\":true,\"items\":[]}", "application/json");
    });
    EXPECT_FALSE(worker.PullFeedOnce().more);  // backwards
}

// ---------------------------------------------------------------------------------------------
// [SECTION] No hammering
// ---------------------------------------------------------------------------------------------

// The worker thread on real time against a server that answers 200 with nothing useful, a feed
// that always says "more" without moving, or 409 at cursor 0: it backs off instead of looping.
TEST(BadServerLoopTest, NonsenseIsNotAnsweredWithATightLoop) {
    FakeServer fake;
    TempDir dir;
    SystemClock clock;
    auto store = OpenTerminalStore(dir.path(), clock, 7, kGrid);
    ASSERT_NE(store, nullptr);
    ASSERT_EQ(SubmitMany(*store, 40).size(), 40u);
    fake.OnRecords([](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"results\":[]}", "application/json");
    });
    int feed_calls = 0;
    std::mutex feed_mutex;
    fake.OnFeed([&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard lock(feed_mutex);
        if (++feed_calls % 2 == 0) {
            res.status = 409;
            return;
        }
        res.set_content("{\"cursor\":\"0\",\"more\":true,\"items\":[]}", "application/json");
    });
    SyncOptions options = QuickOptions(fake.url(), "token");
    options.batch_size = 10;
    options.feed_interval_ms = 60'000;
    options.backoff.base_ms = 50;
    options.backoff.cap_ms = 200;
    SyncWorker worker(options, *store, clock, nullptr);
    worker.Start();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    worker.Stop();
    // Backing off from 50 ms up to 200 ms, 1.5 s allows about 15 attempts of each; a loop
    // without a pause makes hundreds.
    EXPECT_GE(fake.record_hits.load(), 2);
    EXPECT_LT(fake.record_hits.load(), 40);
    EXPECT_LT(fake.feed_hits.load(), 40);
    EXPECT_EQ(QueueDepthOf(*store), 40);
    EXPECT_EQ(worker.status().delivered, 0);
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Times
// ---------------------------------------------------------------------------------------------

// The server's Date says 10:00:00 and its Retry-After names 10:00:05: five seconds, on the
// server's clock, whether the terminal's clock is a year behind (which read it as a year: an
// hour's stall after clamping) or a year ahead (which read it as nothing: a retry at once).
TEST_F(BadServerTest, RetryAfterDateIsMeasuredAgainstTheServersDate) {
    const auto busy = [](const httplib::Request&, httplib::Response& res) {
        res.status = 503;
        res.set_header("Date", "Tue, 01 Dec 2026 10:00:00 GMT");
        res.set_header("Retry-After", "Tue, 01 Dec 2026 10:00:05 GMT");
        res.set_content("{}", "application/json");
    };
    fake_.OnRecords(busy);
    fake_.OnFeed(busy);
    constexpr int64_t kServerNowMs = 1796119200000;  // 2026-12-01T10:00:00Z
    constexpr int64_t kYearMs = 365LL * 86400 * 1000;
    for (const int64_t offset : {-kYearMs, kYearMs, int64_t{0}}) {
        SimulatedClock terminal_clock(kServerNowMs + offset);
        SyncWorker worker(options_, *store_, terminal_clock, nullptr);
        const PassResult upload = worker.UploadOnce(false);
        EXPECT_FALSE(upload.ok);
        EXPECT_EQ(upload.retry_after_s, 5) << "terminal clock off by " << offset << " ms";
        const PassResult feed = worker.PullFeedOnce();
        EXPECT_FALSE(feed.ok);
        EXPECT_EQ(feed.retry_after_s, 5) << "terminal clock off by " << offset << " ms";
    }
}

// The upload reply's own times for each record are kept beside the terminal's: the receipt
// shows the server's SLA date, and "received" carries the server's time.
TEST_F(BadServerTest, ServersTimesFromTheUploadReplyAreKept) {
    fake_.OnRecords([](const httplib::Request& req, httplib::Response& res) {
        json results = json::array();
        for (const auto& u : UuidsIn(req.body)) {
            results.push_back({{"uuid", u},
                               {"result", "accepted"},
                               {"received_at", "2026-12-01T18:00:00+08:00"},
                               {"expected_at", "2026-12-08T18:00:00+08:00"}});
        }
        res.set_content(
            json{{"results", results}, {"server_time", "2026-12-01T18:00:01+08:00"}}.dump(),
            "application/json");
    });
    SyncWorker worker(options_, *store_, clock_, nullptr);
    ASSERT_EQ(worker.UploadOnce(false).delivered, 5u);
    int64_t received = 0, expected = 0;
    ASSERT_TRUE(ParseIsoTime("2026-12-01T18:00:00+08:00", received));
    ASSERT_TRUE(ParseIsoTime("2026-12-08T18:00:00+08:00", expected));
    auto found = store_->FindByUuid(uuids_[0]);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->server_received_at_unix, received);
    EXPECT_EQ((*found)->server_due_at_unix, expected);
    EXPECT_EQ((*found)->sla_due_at_unix, expected);
    EXPECT_EQ((*found)->terminal_due_at_unix, kStartWallMs / 1000 + kSlaDays * 86400);
    EXPECT_EQ((*found)->stage, Stage::kReceived);
    EXPECT_EQ((*found)->history.back().at_unix, received);
}

}  // namespace
}  // namespace gk::synctest
