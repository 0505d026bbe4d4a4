// The server binary as a child: fork/exec with GRIDKIOSK_ASSETS set, the "listening on" line,
// SIGTERM or SIGKILL, the CLI, HTTP enrollment, and a second connection to its database.
#include "tests/support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "platform/database.h"
#include "platform/http.h"

namespace gk::test {
namespace {

const std::string kBinary = std::string(GK_BINARY_DIR) + "/server/gridkiosk-server";

std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<char*> Argv(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kBinary.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    return argv;
}

// This process's environment with GRIDKIOSK_ASSETS set, so the server reads the i18n texts a
// test chose, whatever the caller's environment holds. Built before fork: the child only execs.
class ServerEnv {
  public:
    explicit ServerEnv(const std::string& assets_dir) {
        for (char** e = environ; *e; ++e) {
            if (std::string_view(*e).rfind("GRIDKIOSK_ASSETS=", 0) != 0) strings_.push_back(*e);
        }
        strings_.push_back("GRIDKIOSK_ASSETS=" +
                           (assets_dir.empty() ? std::string(GK_ASSETS_DIR) : assets_dir));
        for (auto& s : strings_) pointers_.push_back(s.data());
        pointers_.push_back(nullptr);
    }
    char** get() { return pointers_.data(); }

  private:
    std::vector<std::string> strings_;
    std::vector<char*> pointers_;
};

std::string MakeTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gk-server-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

// The text after `prefix` up to the end of its line.
std::string ValueAfter(const std::string& out, const std::string& prefix, const char* command) {
    const size_t at = out.find(prefix);
    if (at == std::string::npos)
        throw std::runtime_error(std::string(command) + ": no " + prefix + "in " + out);
    const size_t start = at + prefix.size();
    return out.substr(start, out.find('\n', start) - start);
}

std::unique_ptr<Database> OpenForChecks(const std::string& path) {
    Database::Options o;
    o.create = false;
    o.wal = false;  // leave the journal mode as the server set it (read-write only so that a
                    // WAL left by a killed server can be recovered)
    o.synchronous_full = false;
    auto db = Database::Open(path, o);
    if (!db) throw std::runtime_error("cannot open server db: " + db.error().message);
    return std::move(*db);
}

}  // namespace

CliResult RunServerCli(const std::vector<std::string>& args, const std::string& assets_dir) {
    const std::string dir = MakeTempDir();
    const std::string out_path = dir + "/out", err_path = dir + "/err";
    auto argv = Argv(args);
    ServerEnv env(assets_dir);
    const pid_t pid = fork();
    if (pid == 0) {
        const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(out, 1);
        dup2(err, 2);
        execve(kBinary.c_str(), argv.data(), env.get());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out_path);
    r.err = ReadAll(err_path);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return r;
}

Enrollment EnrollOverHttp(const std::string& server_url, const std::string& code) {
    HttpClient http;
    const HttpResponse res =
        http.PostJson(server_url + "/api/v1/enroll", nlohmann::json{{"code", code}}.dump());
    if (res.status != 200)
        throw std::runtime_error("enroll: HTTP " + std::to_string(res.status) + " " + res.error +
                                 " " + res.body);
    const auto j = nlohmann::json::parse(res.body);
    return {j.at("token").get<std::string>(), j.at("terminal_number").get<uint32_t>()};
}

ServerProcess::ServerProcess(const Options& options) : options_(options) {
    dir_ = MakeTempDir();
    db_ = dir_ + "/server.db";
    std::vector<std::string> init = {"init", "--db", db_};
    if (options.load_catalogue)
        init.insert(init.end(), {"--catalogue", std::string(GK_ASSETS_DIR) + "/catalogue.json"});
    const CliResult r = RunServerCli(init);
    if (r.exit_code != 0) throw std::runtime_error("server init failed: " + r.err);
    admin_token_ = ValueAfter(r.out, "admin-token: ", "init");
    if (!options.config_toml.empty()) {
        config_path_ = dir_ + "/server.toml";
        std::ofstream(config_path_) << options.config_toml;
    }
}

ServerProcess::~ServerProcess() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void ServerProcess::Start(int port) {
    if (pid_ > 0) throw std::runtime_error("server already running");
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:" + std::to_string(port),
                                     "--db", db_};
    if (!config_path_.empty()) args.insert(args.end(), {"--config", config_path_});
    auto argv = Argv(args);
    ServerEnv env(options_.assets_dir);
    const std::string log_path = dir_ + "/server.log";
    pid_ = fork();
    if (pid_ == 0) {
        dup2(fds[1], 1);
        const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(log, 2);
        close(fds[0]);
        execve(kBinary.c_str(), argv.data(), env.get());
        _exit(127);
    }
    close(fds[1]);
    // Read "listening on 127.0.0.1:PORT" within 10 s.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char buf[256];
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.rfind(prefix, 0) != 0) {
        Kill();
        throw std::runtime_error("server did not start on port " + std::to_string(port) + ": " +
                                 line + Log());
    }
    port_ = std::stoi(line.substr(prefix.size()));
}

void ServerProcess::Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

int ServerProcess::Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200; ++i) {  // 10 s
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Kill();
    return -1;
}

std::string ServerProcess::Log() const { return ReadAll(dir_ + "/server.log"); }

std::string ServerProcess::EnrollCode(const std::string& kiosk_id, const std::string& grid) {
    const CliResult r =
        RunServerCli({"enroll-code", "--db", db_, "--kiosk-id", kiosk_id, "--grid", grid});
    if (r.exit_code != 0) throw std::runtime_error("enroll-code failed: " + r.err);
    return r.out.substr(0, r.out.find('\n'));  // the code alone on stdout
}

std::string ServerProcess::ApiKey(const std::string& name) {
    const CliResult r = RunServerCli({"api-key", "create", "--db", db_, "--name", name});
    if (r.exit_code != 0) throw std::runtime_error("api-key failed: " + r.err);
    return ValueAfter(r.out, "api-key: ", "api-key");
}

Enrollment ServerProcess::Enroll(const std::string& kiosk_id, const std::string& grid) {
    return EnrollOverHttp(url(), EnrollCode(kiosk_id, grid));
}

ServerProcess::Counts ServerProcess::CountTerminalRequests() const {
    auto db = OpenForChecks(db_);
    Counts c;
    auto q = db->Prepare(
        "SELECT count(*), count(DISTINCT receipt_code), count(DISTINCT uuid) FROM requests "
        "WHERE channel = 'terminal'");
    if (!q) throw std::runtime_error(q.error().message);
    if (auto row = q->Step(); row.ok() && *row) {
        c.requests = q->Int(0);
        c.distinct_codes = q->Int(1);
        c.distinct_uuids = q->Int(2);
    }
    auto r = db->Prepare("SELECT count(*) FROM records WHERE kind = 'request'");
    if (!r) throw std::runtime_error(r.error().message);
    if (auto row = r->Step(); row.ok() && *row) c.records = r->Int(0);
    return c;
}

std::set<std::string> ServerProcess::TerminalReceiptCodes() const {
    auto db = OpenForChecks(db_);
    std::set<std::string> codes;
    auto q = db->Prepare("SELECT receipt_code FROM requests WHERE channel = 'terminal'");
    if (!q) throw std::runtime_error(q.error().message);
    for (;;) {
        auto row = q->Step();
        if (!row.ok() || !*row) break;
        codes.insert(q->Text(0));
    }
    return codes;
}

}  // namespace gk::test
