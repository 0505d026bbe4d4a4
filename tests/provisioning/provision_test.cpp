// gridkiosk-provision as staff run it: enrollment against the real server (which hands over its
// public URL), bad replies from a fake server (exit 2 with a one-line reason, nothing written),
// and the https-unless-loopback rule for --server.
#include <gtest/gtest.h>
#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "kiosk/store/store.h"
#include "platform/clock.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace gk::test {
namespace {

using nlohmann::json;

const std::string kProvision = std::string(GK_BINARY_DIR) + "/provisioning/gridkiosk-provision";

struct ToolRun {
    int exit_code = -1;
    std::string out, err;
};

std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs gridkiosk-provision with args; stdout and stderr through files in `dir`.
ToolRun Provision(const std::string& dir, const std::vector<std::string>& args) {
    const std::string out_path = dir + "/provision.out", err_path = dir + "/provision.err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    std::vector<std::string> argv_s = {kProvision};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    ToolRun run;
    if (posix_spawn(&pid, kProvision.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return run;
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    run.out = ReadAll(out_path);
    run.err = ReadAll(err_path);
    return run;
}

class TempDir : public support::TempDir {
  public:
    TempDir() : support::TempDir("gk-provision-test") {}
};

json Status(const std::string& data_dir) {
    const ToolRun r = Provision(data_dir, {"status", "--data-dir", data_dir});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
}

bool HasWarning(const json& status, const std::string& word) {
    if (!status.contains("warnings")) return false;
    for (const auto& w : status["warnings"])
        if (w.is_string() && w.get<std::string>().rfind(word, 0) == 0) return true;
    return false;
}

// An in-process server on 127.0.0.1 that answers /api/v1/enroll with a canned body.
class FakeEnrollServer {
  public:
    FakeEnrollServer() {
        server_.Post("/api/v1/enroll", [this](const httplib::Request&, httplib::Response& res) {
            std::lock_guard lock(mutex_);
            res.status = 200;
            res.set_content(body_, "application/json");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        for (int i = 0; i < 200 && !server_.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ~FakeEnrollServer() {
        server_.stop();
        thread_.join();
    }
    void Reply(const std::string& body) {
        std::lock_guard lock(mutex_);
        body_ = body;
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    httplib::Server server_;
    std::mutex mutex_;
    std::string body_;
    int port_ = 0;
    std::thread thread_;
};

json GoodReply() {
    return {{"terminal_id", "1"},
            {"kiosk_id", "hall-01"},
            {"terminal_number", 12},
            {"grid_path", ServerProcess::kGrid},
            {"token", "tok_0123456789abcdef0123456789"},
            {"server_public_key", std::string(64, 'a')},
            {"public_url", "https://track.example.cn"},
            {"server_time", "2026-12-03T10:00:00+08:00"}};
}

TEST(ProvisionEnroll, RealServerHandsOverItsPublicUrlAndStatusShowsIt) {
    ServerProcess::Options options;
    options.config_toml = "[server]\npublic_url = \"https://track.example.cn/\"\n";
    ServerProcess server(options);
    server.Start();
    TempDir dir;
    const std::string code = server.EnrollCode("hall-01");
    const ToolRun r = Provision(
        dir.path(), {"enroll", "--data-dir", dir.path(), "--server", server.url(), "--code", code});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json status = Status(dir.path());
    EXPECT_EQ(status["public_url"], "https://track.example.cn");
    EXPECT_EQ(status["grid_path"], ServerProcess::kGrid);
    EXPECT_EQ(status["terminal_number"], 1);
    EXPECT_FALSE(HasWarning(status, "no_public_url")) << status.dump();
}

TEST(ProvisionEnroll, ServerWithoutPublicUrlLeavesItEmptyAndStatusWarns) {
    ServerProcess server;
    server.Start();
    TempDir dir;
    const std::string code = server.EnrollCode("hall-02");
    const ToolRun r = Provision(
        dir.path(), {"enroll", "--data-dir", dir.path(), "--server", server.url(), "--code", code});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("no public URL"), std::string::npos) << r.out;
    const json status = Status(dir.path());
    EXPECT_EQ(status["public_url"], "") << "never a demo or localhost value";
    EXPECT_TRUE(HasWarning(status, "no_public_url")) << status.dump();
}

// Each reply is wrong in one way; none may leave anything behind, and none may crash the tool.
TEST(ProvisionEnroll, MalformedRepliesExit2WithOneLineAndWriteNothing) {
    FakeEnrollServer fake;
    std::vector<std::pair<std::string, std::string>> cases;  // (what, body)
    cases.push_back({"not json", "<html>oops</html>"});
    cases.push_back({"array", "[1,2,3]"});
    cases.push_back({"empty object", "{}"});
    const auto with = [](const char* key, json value) {
        json j = GoodReply();
        if (value.is_discarded())
            j.erase(key);
        else
            j[key] = std::move(value);
        return j.dump();
    };
    const json missing = json(json::value_t::discarded);
    cases.push_back({"kiosk_id a number", with("kiosk_id", 5)});
    cases.push_back({"grid_path a number", with("grid_path", 7)});
    cases.push_back({"grid_path empty", with("grid_path", "")});
    cases.push_back({"terminal_number text", with("terminal_number", "12")});
    cases.push_back({"terminal_number 0", with("terminal_number", 0)});
    cases.push_back({"terminal_number too big", with("terminal_number", 1 << 21)});
    cases.push_back({"token missing", with("token", missing)});
    cases.push_back({"token empty", with("token", "")});
    cases.push_back({"key short", with("server_public_key", "abcd")});
    cases.push_back({"public_url a number", with("public_url", 3)});
    cases.push_back({"public_url plain http", with("public_url", "http://track.example.cn")});
    cases.push_back({"public_url ftp", with("public_url", "ftp://track.example.cn")});
    for (const auto& [what, body] : cases) {
        TempDir dir;
        fake.Reply(body);
        const ToolRun r = Provision(dir.path(), {"enroll", "--data-dir", dir.path(), "--server",
                                                 fake.url(), "--code", "AAAA-BBBB-CCCC-DDDD"});
        EXPECT_EQ(r.exit_code, 2) << what << ": " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << ": " << r.err;
        EXPECT_NE(r.err.find("enrollment reply"), std::string::npos) << what << ": " << r.err;
        const json status = Status(dir.path());
        EXPECT_EQ(status["terminal_number"], 0) << what;
        EXPECT_EQ(status["server"], "") << what;
        EXPECT_EQ(status["kiosk_id"], "") << what;
        for (const auto& e : status["events"]) EXPECT_NE(e["kind"], "enrolled") << what;
    }
    // And the same fake with a good reply enrolls, so the cases above failed for their fault.
    TempDir dir;
    fake.Reply(GoodReply().dump());
    const ToolRun r = Provision(dir.path(), {"enroll", "--data-dir", dir.path(), "--server",
                                             fake.url(), "--code", "AAAA-BBBB-CCCC-DDDD"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json status = Status(dir.path());
    EXPECT_EQ(status["terminal_number"], 12);
    EXPECT_EQ(status["public_url"], "https://track.example.cn");
}

TEST(ProvisionEnroll, PlainHttpOffLoopbackIsRefusedBeforeAnyRequest) {
    TempDir dir;
    const ToolRun r =
        Provision(dir.path(), {"enroll", "--data-dir", dir.path(), "--server",
                               "http://grid.example.cn", "--code", "AAAA-BBBB-CCCC-DDDD"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--server"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("https://"), std::string::npos) << r.err;
}

TEST(ProvisionStatus, WarnsOfInsecureHttpAllowedByConfigAndOfNoGrid) {
    TempDir dir;
    std::ofstream(dir.path() + "/gridkiosk.toml")
        << "[terminal]\nnumber = 7\n[server]\nallow_insecure_http = true\n"
           "url = \"http://grid.example.cn\"\n";
    const json status = Status(dir.path());
    EXPECT_TRUE(HasWarning(status, "insecure_http")) << status.dump();
    EXPECT_TRUE(HasWarning(status, "no_grid_path")) << status.dump();
    EXPECT_TRUE(HasWarning(status, "no_public_url")) << status.dump();
    EXPECT_EQ(status["terminal_number"], 7);
}

}  // namespace
}  // namespace gk::test
