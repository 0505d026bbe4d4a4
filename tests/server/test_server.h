// Test helpers that run the real gridkiosk-server binary: a fresh database in a temporary
// directory (init + the default catalogue), `serve` on 127.0.0.1 with port 0, and the CLI.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gk::test {

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the server binary with args; captures stdout and stderr. assets_dir becomes
// GRIDKIOSK_ASSETS (empty: the source tree's assets/).
CliResult RunServerCli(const std::vector<std::string>& args, const std::string& assets_dir = "");

class TestServer {
  public:
    struct Options {
        std::string config_toml;     // written to a file and passed as --config when not empty
        bool load_catalogue = true;  // init --catalogue assets/catalogue.json
        bool start = true;
        std::string assets_dir;  // GRIDKIOSK_ASSETS for serve; empty: the source tree's assets/
    };
    TestServer() : TestServer(Options{}) {}
    explicit TestServer(const Options& options);
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    void Start();
    // SIGTERM; returns the exit status (or -1 when it did not exit in time).
    int Stop();
    pid_t pid() const { return pid_; }

    httplib::Client Client() const;
    std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    const std::string& db() const { return db_; }
    const std::string& dir() const { return dir_; }
    const std::string& admin_token() const { return admin_token_; }
    std::string ServerLog() const;

    // CLI helpers against this server's database.
    std::string EnrollCode(const std::string& kiosk_id, const std::string& grid);
    std::string ApiKey(const std::string& name);

    struct Enrolled {
        std::string token;
        uint32_t terminal_number = 0;
    };
    // Enrolls through the HTTP API with a fresh code.
    Enrolled Enroll(const std::string& kiosk_id, const std::string& grid = kGrid);

    static constexpr const char* kGrid = "西安市/碑林区/张家村街道/张家村社区/第3网格";

  private:
    Options options_;
    std::string dir_;
    std::string db_;
    std::string config_path_;
    std::string admin_token_;
    pid_t pid_ = -1;
    int port_ = 0;
};

// Default headers for a terminal or admin.
httplib::Headers Bearer(const std::string& token);

}  // namespace gk::test
