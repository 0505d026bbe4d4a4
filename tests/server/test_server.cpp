// Runs the real server binary for tests: fork/exec, the "listening on" line, SIGTERM.
#include "tests/server/test_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

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
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gk-server-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
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
    std::filesystem::remove_all(dir);
    return r;
}

TestServer::TestServer(const Options& options) : options_(options) {
    dir_ = MakeTempDir();
    db_ = dir_ + "/server.db";
    std::vector<std::string> init = {"init", "--db", db_};
    if (options.load_catalogue) {
        init.push_back("--catalogue");
        init.push_back(std::string(GK_ASSETS_DIR) + "/catalogue.json");
    }
    CliResult r = RunServerCli(init);
    if (r.exit_code != 0) throw std::runtime_error("init failed: " + r.err);
    const std::string prefix = "admin-token: ";
    admin_token_ = r.out.substr(r.out.find(prefix) + prefix.size());
    admin_token_ = admin_token_.substr(0, admin_token_.find('\n'));
    if (!options.config_toml.empty()) {
        config_path_ = dir_ + "/server.toml";
        std::ofstream(config_path_) << options.config_toml;
    }
    if (options.start) Start();
}

void TestServer::Start() {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--db", db_};
    if (!config_path_.empty()) args.insert(args.end(), {"--config", config_path_});
    auto argv = Argv(args);
    ServerEnv env(options_.assets_dir);
    const std::string log_path = dir_ + "/server.log";
    pid_ = fork();
    if (pid_ == 0) {
        dup2(pipe_fds[1], 1);
        const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(log, 2);
        close(pipe_fds[0]);
        execve(kBinary.c_str(), argv.data(), env.get());
        _exit(127);
    }
    close(pipe_fds[1]);
    // Read "listening on 127.0.0.1:PORT" within 10 s.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{pipe_fds[0], POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char buf[256];
        const ssize_t n = read(pipe_fds[0], buf, sizeof buf);
        if (n <= 0) break;
        line.append(buf, static_cast<size_t>(n));
    }
    close(pipe_fds[0]);
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.rfind(prefix, 0) != 0)
        throw std::runtime_error("server did not start: " + line + ServerLog());
    port_ = std::stoi(line.substr(prefix.size()));
}

int TestServer::Stop() {
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
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
}

TestServer::~TestServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

httplib::Client TestServer::Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(20);
    c.set_write_timeout(20);
    return c;
}

std::string TestServer::ServerLog() const { return ReadAll(dir_ + "/server.log"); }

std::string TestServer::EnrollCode(const std::string& kiosk_id, const std::string& grid) {
    CliResult r =
        RunServerCli({"enroll-code", "--db", db_, "--kiosk-id", kiosk_id, "--grid", grid});
    if (r.exit_code != 0) throw std::runtime_error("enroll-code failed: " + r.err);
    return r.out.substr(0, r.out.find('\n'));
}

std::string TestServer::ApiKey(const std::string& name) {
    CliResult r = RunServerCli({"api-key", "create", "--db", db_, "--name", name});
    if (r.exit_code != 0) throw std::runtime_error("api-key failed: " + r.err);
    const std::string prefix = "api-key: ";
    return r.out.substr(prefix.size(), r.out.find('\n') - prefix.size());
}

TestServer::Enrolled TestServer::Enroll(const std::string& kiosk_id, const std::string& grid) {
    const std::string code = EnrollCode(kiosk_id, grid);
    auto res =
        Client().Post("/api/v1/enroll", nlohmann::json{{"code", code}}.dump(), "application/json");
    if (!res || res->status != 200) throw std::runtime_error("enroll failed");
    auto j = nlohmann::json::parse(res->body);
    return {j["token"].get<std::string>(), j["terminal_number"].get<uint32_t>()};
}

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace gk::test
