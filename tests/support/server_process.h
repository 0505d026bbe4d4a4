// The real gridkiosk-server binary as a child process, for the server tests, the sync tests and
// the drain benchmark: a fresh database in a temporary directory (init, with the default
// catalogue unless told otherwise), `serve` on 127.0.0.1 on a free or a given port, restart on
// the same database and port, SIGTERM or SIGKILL, the CLI, and a second connection to its
// database for the checks.
// No GoogleTest here (the benchmark links it too): failures to set up throw std::runtime_error.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace gk::test {

// Runs the server binary with args and waits; stdout and stderr captured.
struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};
// assets_dir becomes GRIDKIOSK_ASSETS (empty: the source tree's assets/), whatever the
// caller's environment holds.
CliResult RunServerCli(const std::vector<std::string>& args, const std::string& assets_dir = "");

// A terminal enrolled over HTTP.
struct Enrollment {
    std::string token;
    uint32_t terminal_number = 0;
};
// Enrolls a terminal over HTTP with a one-time code.
Enrollment EnrollOverHttp(const std::string& server_url, const std::string& code);

class ServerProcess {
  public:
    static constexpr const char* kGrid = "西安市/碑林区/张家村街道/张家村社区/第3网格";

    struct Options {
        std::string config_toml;     // written to a file and passed as --config when not empty
        bool load_catalogue = true;  // init --catalogue assets/catalogue.json
        std::string assets_dir;      // GRIDKIOSK_ASSETS for serve; empty: the source tree's assets/
    };

    // Makes the directory and the database; does not start serving.
    ServerProcess() : ServerProcess(Options{}) {}
    explicit ServerProcess(const Options& options);
    ~ServerProcess();  // Stop() if still running, then removes the directory
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // `serve` on 127.0.0.1:port (0: any free port the first time, then the same one again),
    // back when it printed "listening on ...". Throws when it does not start within 10 s.
    void Start(int port = 0);
    void Restart() { Start(port_); }
    void Kill();  // SIGKILL and reap: no clean shutdown, transactions in flight are cut
    int Stop();   // SIGTERM and reap; the exit status, or -1 when it had to be killed
    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::string& db() const { return db_; }
    const std::string& dir() const { return dir_; }
    const std::string& admin_token() const { return admin_token_; }  // printed by init
    std::string Log() const;  // the server's stderr, across restarts

    // CLI helpers against this server's database.
    std::string EnrollCode(const std::string& kiosk_id, const std::string& grid = kGrid);
    std::string ApiKey(const std::string& name);
    // EnrollCode, then EnrollOverHttp against the running server.
    Enrollment Enroll(const std::string& kiosk_id, const std::string& grid = kGrid);

    // From the server's database, read through a second connection.
    struct Counts {
        int64_t requests = 0;        // rows in requests from terminals
        int64_t distinct_codes = 0;  // distinct receipt codes among them
        int64_t distinct_uuids = 0;
        int64_t records = 0;  // rows in records of kind "request"
    };
    Counts CountTerminalRequests() const;
    std::set<std::string> TerminalReceiptCodes() const;

  private:
    Options options_;
    std::string dir_;
    std::string db_;
    std::string config_path_;  // empty: no --config
    std::string admin_token_;
    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace gk::test
