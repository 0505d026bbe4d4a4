// Runs the real gridkiosk binary the way an operator's automation does (DESIGN.md §3.2): a
// fresh data folder, a script file, the SDL dummy video driver, then the exit code, stderr,
// the last layout dump, screenshots (stb_image) and read-only looks at the SQLite database.
// Shared by tests/ui and tests/e2e; header-only so each test binary just includes it.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_env.h"

namespace gk::uitest {

namespace fs = std::filesystem;
using Json = nlohmann::json;

inline std::string KioskBinary() { return GK_BINARY_DIR "/kiosk/gridkiosk"; }
inline std::string AssetsDir() { return GK_ASSETS_DIR; }

inline std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void WriteFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

inline std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

// A folder under /tmp, removed at the end unless the test failed (then its path is printed so
// the screenshots and database can be looked at).
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "gk-ui-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        if (::testing::Test::HasFailure() || std::getenv("GK_KEEP_TEST_DIRS")) {
            std::fprintf(stderr, "[ kept     ] %s\n", path_.c_str());
            return;
        }
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

// Environment changes for a child: a value sets the variable, nullopt removes it.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

// A child process with stdout and stderr sent to files. Killed (SIGKILL) if still running
// when destroyed, so a failing test never leaves one behind.
class Process {
  public:
    Process(const std::vector<std::string>& argv, const EnvChanges& env, const fs::path& out_file,
            const fs::path& err_file) {
        std::vector<std::string> env_strings = test::ChildEnvironment(env);
        std::vector<char*> envp = test::CStringArray(env_strings);
        std::vector<std::string> argv_copy = argv;
        std::vector<char*> args = test::CStringArray(argv_copy);
        const std::string out = out_file.string(), err = err_file.string();
        pid_ = ::fork();
        if (pid_ == 0) {
            const int in_fd = ::open("/dev/null", O_RDONLY);
            const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(126);
            ::dup2(in_fd, 0);
            ::dup2(out_fd, 1);
            ::dup2(err_fd, 2);
            ::setpgid(0, 0);  // its own group, so a timeout kill reaches anything it started
            ::execve(args[0], args.data(), envp.data());
            ::_exit(127);
        }
    }
    ~Process() {
        if (running()) {
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    bool started() const { return pid_ > 0; }
    bool running() {
        if (pid_ <= 0 || exited_) return false;
        int st = 0;
        const pid_t r = ::waitpid(pid_, &st, WNOHANG);
        if (r == pid_) Record(st);
        return !exited_;
    }
    void Signal(int sig) {
        if (running()) ::kill(pid_, sig);
    }
    // The exit code, 128+signal if killed by one, or nullopt if still running after `timeout`
    // (the process is then killed).
    std::optional<int> Wait(std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (running()) {
            if (std::chrono::steady_clock::now() > until) {
                ::kill(-pid_, SIGKILL);
                ::kill(pid_, SIGKILL);
                int st = 0;
                ::waitpid(pid_, &st, 0);
                exited_ = true;
                timed_out_ = true;
                return std::nullopt;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return code_;
    }
    bool timed_out() const { return timed_out_; }

  private:
    void Record(int st) {
        exited_ = true;
        code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    }
    pid_t pid_ = -1;
    bool exited_ = false;
    bool timed_out_ = false;
    int code_ = -1;
};

// Runs a command line through the shell and returns its stdout (for zbarimg and the X tools).
inline std::string Capture(const std::string& command, int* status = nullptr) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int st = ::pclose(p);
    if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

inline std::string TrimRight(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// ---------------------------------------------------------------------------------------------
// The layout dump
// ---------------------------------------------------------------------------------------------

struct Box {
    double x = 0, y = 0, w = 0, h = 0;
    double cx() const { return x + w / 2; }
    double cy() const { return y + h / 2; }
    bool Overlaps(const Box& o) const {
        return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
    }
};

inline Box BoxOf(const Json& widget) {
    return {widget.at("x").get<double>(), widget.at("y").get<double>(),
            widget.at("w").get<double>(), widget.at("h").get<double>()};
}

// The widget with this id in a layout dump, or nullptr.
inline const Json* FindWidget(const Json& layout, const std::string& id) {
    if (!layout.is_object() || !layout.contains("widgets")) return nullptr;
    for (const Json& w : layout["widgets"]) {
        if (w.value("id", "") == id) return &w;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// One run of the terminal
// ---------------------------------------------------------------------------------------------

struct KioskRun {
    std::optional<int> exit_code;  // nullopt: timed out and killed
    std::string stderr_text;
    Json layout;  // the last frame's dump; null when none was written

    std::vector<std::string> stderr_lines() const { return Lines(stderr_text); }
    std::string screen() const { return layout.is_object() ? layout.value("screen", "") : ""; }
    const Json* widget(const std::string& id) const { return FindWidget(layout, id); }
    // For assertion messages.
    std::string Describe() const {
        return "exit=" + (exit_code ? std::to_string(*exit_code) : std::string("timeout")) +
               " screen=" + screen() + " stderr:\n" + stderr_text;
    }
};

struct RunOptions {
    std::string windowed = "1920x1080";
    std::string lang;  // --lang, empty: from config
    std::vector<std::string> extra_args;
    bool layout_dump = true;
    bool screenshots = true;
    std::chrono::seconds timeout{120};

    // Chained setters: RunOptions().Window("1280x720").NoScreenshots().
    RunOptions& Window(std::string size) {
        windowed = std::move(size);
        return *this;
    }
    RunOptions& Lang(std::string code) {
        lang = std::move(code);
        return *this;
    }
    RunOptions& NoLayoutDump() {
        layout_dump = false;
        return *this;
    }
    RunOptions& NoScreenshots() {
        screenshots = false;
        return *this;
    }
};

// What the default config says: terminal 7 in a test grid, tracking links to a local server.
// (The terminal's own defaults carry no grid and no public URL: they are test values here.)
inline const std::string kTestTerminalToml =
    "[terminal]\nnumber = 7\ngrid_path = \"西安市/碑林区/长安路街道/书院门社区/第三网格\"\n";
inline const std::string kTestServerToml = "[server]\npublic_url = \"http://127.0.0.1:8080\"\n";

// A terminal with its own data folder. The default config provisions it as terminal 7.
class Kiosk {
  public:
    Kiosk() : data_dir_(dir_.path() / "data"), shots_dir_(dir_.path() / "shots") {
        fs::create_directories(data_dir_);
        WriteConfig(kTestTerminalToml + kTestServerToml);
    }

    const fs::path& root() const { return dir_.path(); }
    const fs::path& data_dir() const { return data_dir_; }
    fs::path db_path() const { return data_dir_ / "gridkiosk.db"; }
    fs::path layout_path() const { return dir_.path() / "layout.json"; }
    fs::path shot(const std::string& name) const { return shots_dir_ / (name + ".png"); }
    void WriteConfig(const std::string& toml) const {
        WriteFile(data_dir_ / "gridkiosk.toml", toml);
    }

    // The command line for a scripted run (without the SDL_VIDEODRIVER environment).
    std::vector<std::string> Args(const fs::path& script, const RunOptions& o) const {
        std::vector<std::string> argv = {KioskBinary(), "--data-dir", data_dir_.string()};
        if (!o.windowed.empty()) argv.insert(argv.end(), {"--windowed", o.windowed});
        if (!o.lang.empty()) argv.insert(argv.end(), {"--lang", o.lang});
        if (!script.empty()) argv.insert(argv.end(), {"--script", script.string()});
        if (o.screenshots) argv.insert(argv.end(), {"--screenshot-dir", shots_dir_.string()});
        if (o.layout_dump) argv.insert(argv.end(), {"--layout-dump", layout_path().string()});
        argv.insert(argv.end(), o.extra_args.begin(), o.extra_args.end());
        return argv;
    }

    // Writes the script and runs the terminal headless until it exits.
    KioskRun Run(const std::string& script, const RunOptions& o = {}) {
        const fs::path script_path = dir_.path() / ("script" + std::to_string(++runs_) + ".txt");
        WriteFile(script_path, script);
        std::error_code ec;
        fs::remove(layout_path(), ec);
        const fs::path err = dir_.path() / ("stderr" + std::to_string(runs_) + ".txt");
        Process p(Args(script_path, o), {{"SDL_VIDEODRIVER", "dummy"}}, dir_.path() / "stdout.txt",
                  err);
        KioskRun run;
        run.exit_code = p.Wait(o.timeout);
        run.stderr_text = ReadFile(err);
        if (fs::exists(layout_path()))
            run.layout = Json::parse(ReadFile(layout_path()), nullptr, false);
        return run;
    }

  private:
    TempDir dir_;
    fs::path data_dir_, shots_dir_;
    int runs_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------------------------

// One script step per element: Steps({"tap attract.start", "expect_screen home"}).
inline std::string Steps(std::initializer_list<std::string> lines) {
    std::string s;
    for (const std::string& line : lines) s += line + "\n";
    return s;
}

// What a resident enters in the request wizard.
struct WizardInput {
    std::string group = "repair";
    std::string service = "repair.streetlight";
    std::string description = "路灯不亮 near gate 2";
    std::string building = "3号楼";
    std::string unit = "2单元";
    std::string phone = "13800138000";  // empty: stay anonymous
    bool submit = true;                 // false: stop on the review step after ticking consent
};

// Steps from the home screen to the receipt (or to the review step).
inline std::string WizardSteps(const WizardInput& in) {
    std::string s = Steps({
        "tap home.request",
        "expect_screen request.group",
        "tap request.group." + in.group,
        "expect_screen request.service",
        "tap request.service." + in.service,
        "expect_screen request.details",
        "type " + in.description,
        "tap request.next",
        "expect_screen request.location",
    });
    if (!in.building.empty()) s += Steps({"type " + in.building});
    if (!in.unit.empty()) s += Steps({"tap request.location.field.unit", "type " + in.unit});
    s += Steps({"tap request.next", "expect_screen request.contact"});
    s += Steps({in.phone.empty() ? "tap request.contact_anonymous" : "type " + in.phone});
    s += Steps({"tap request.next", "expect_screen request.review", "tap request.consent"});
    if (in.submit) s += Steps({"tap request.submit", "expect_screen receipt"});
    return s;
}

// From the attract screen to home.
inline const std::string kStart = Steps({"tap attract.start", "expect_screen home"});

// ---------------------------------------------------------------------------------------------
// Strings (assets/i18n), receipt codes
// ---------------------------------------------------------------------------------------------

inline const Json& I18nCatalogue(const std::string& lang) {
    static std::map<std::string, Json> cache;
    auto it = cache.find(lang);
    if (it == cache.end()) {
        it = cache.emplace(lang, Json::parse(ReadFile(AssetsDir() + "/i18n/" + lang + ".json")))
                 .first;
    }
    return it->second;
}

// The UI string `key` in `lang` ("zh" or "en"), with {name} placeholders filled in.
inline std::string Text(const std::string& lang, const std::string& key,
                        const std::map<std::string, std::string>& args = {}) {
    const Json& cat = I18nCatalogue(lang);
    if (!cat.contains(key)) throw std::runtime_error("no i18n key " + key);
    std::string s = cat[key].get<std::string>();
    for (const auto& [name, value] : args) {
        const std::string ph = "{" + name + "}";
        for (size_t p = s.find(ph); p != std::string::npos; p = s.find(ph, p + value.size())) {
            s.replace(p, ph.size(), value);
        }
    }
    return s;
}

// "ABCD EFGH JKMN PQRS".
inline std::string GroupsOfFour(const std::string& code) {
    std::string out;
    for (size_t i = 0; i < code.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += ' ';
        out += code[i];
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The database (read-only)
// ---------------------------------------------------------------------------------------------

class Db {
  public:
    explicit Db(const fs::path& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            error_ = db_ ? sqlite3_errmsg(db_) : "cannot open";
        }
    }
    ~Db() { sqlite3_close(db_); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    // Every row, every column as text (NULL as "").
    std::vector<std::vector<std::string>> Rows(const std::string& sql) {
        std::vector<std::vector<std::string>> rows;
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            error_ = sqlite3_errmsg(db_);
            return rows;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_blob(st, i));
                row.emplace_back(text ? std::string(text, sqlite3_column_bytes(st, i))
                                      : std::string());
            }
            rows.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        return rows;
    }
    std::string Text(const std::string& sql) {
        const auto rows = Rows(sql);
        return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
    }
    long long Int(const std::string& sql) {
        const std::string t = Text(sql);
        return t.empty() ? -1 : std::stoll(t);
    }

  private:
    sqlite3* db_ = nullptr;
    std::string error_;
};

// ---------------------------------------------------------------------------------------------
// Screenshots
// ---------------------------------------------------------------------------------------------

struct Rgb {
    int r = 0, g = 0, b = 0;
    bool Near(Rgb o, int tol = 4) const {
        return std::abs(r - o.r) <= tol && std::abs(g - o.g) <= tol && std::abs(b - o.b) <= tol;
    }
    int Luma() const { return (r * 299 + g * 587 + b * 114) / 1000; }
};

inline Rgb Hex(unsigned v) { return {int(v >> 16 & 0xFF), int(v >> 8 & 0xFF), int(v & 0xFF)}; }

// WCAG relative luminance and contrast ratio.
inline double Luminance(Rgb c) {
    const auto lin = [](int v) {
        const double s = v / 255.0;
        return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}
inline double Contrast(Rgb a, Rgb b) {
    const double la = Luminance(a), lb = Luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

class Image {
  public:
    explicit Image(const fs::path& path) {
        int n = 0;
        unsigned char* data = stbi_load(path.c_str(), &w_, &h_, &n, 3);
        if (data) {
            px_.assign(data, data + size_t(w_) * h_ * 3);
            stbi_image_free(data);
        } else {
            w_ = h_ = 0;
        }
    }
    bool ok() const { return w_ > 0 && h_ > 0; }
    int width() const { return w_; }
    int height() const { return h_; }
    Rgb At(int x, int y) const {
        const size_t i = (size_t(y) * w_ + x) * 3;
        return {px_[i], px_[i + 1], px_[i + 2]};
    }
    // Visits every pixel of the box, clipped to the image.
    template <typename F>
    void ForEach(const Box& b, F&& f) const {
        const int x0 = std::max(0, int(b.x)), y0 = std::max(0, int(b.y));
        const int x1 = std::min(w_, int(b.x + b.w)), y1 = std::min(h_, int(b.y + b.h));
        for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) f(At(x, y));
    }
    template <typename Pred>
    long Count(const Box& b, Pred&& pred) const {
        long n = 0;
        ForEach(b, [&](Rgb c) { n += pred(c) ? 1 : 0; });
        return n;
    }
    long Area(const Box& b) const {
        return Count(b, [](Rgb) { return true; });
    }
    // The most frequent colour in the box: the background of a text region.
    Rgb Dominant(const Box& b) const {
        std::map<int, long> counts;
        ForEach(b, [&](Rgb c) { ++counts[c.r << 16 | c.g << 8 | c.b]; });
        int best = 0;
        long best_n = -1;
        for (const auto& [k, n] : counts) {
            if (n > best_n) best = k, best_n = n;
        }
        return Hex(unsigned(best));
    }
    // The pixel most unlike the background: the core of a glyph stroke, i.e. the text colour.
    Rgb MostDifferent(const Box& b, Rgb from) const {
        Rgb best = from;
        double best_d = -1;
        ForEach(b, [&](Rgb c) {
            const double d = std::abs(Luminance(c) - Luminance(from));
            if (d > best_d) best = c, best_d = d;
        });
        return best;
    }

  private:
    int w_ = 0, h_ = 0;
    std::vector<unsigned char> px_;
};

// What `zbarimg -q --raw` reads from a PNG (trailing newline removed).
inline std::string DecodeQr(const fs::path& png) {
    return TrimRight(Capture("zbarimg -q --raw '" + png.string() + "' 2>/dev/null"));
}

// ---------------------------------------------------------------------------------------------
// UTF-8
// ---------------------------------------------------------------------------------------------

// Code points of well-formed UTF-8, or nullopt when malformed.
inline std::optional<std::vector<char32_t>> DecodeUtf8(const std::string& s) {
    std::vector<char32_t> out;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = s[i];
        const int n = c < 0x80         ? 0
                      : (c >> 5) == 6  ? 1
                      : (c >> 4) == 14 ? 2
                      : (c >> 3) == 30 ? 3
                                       : -1;
        if (n < 0) return std::nullopt;
        char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k <= n; ++k) {
            if (i + k >= s.size()) return std::nullopt;
            const unsigned char cc = s[i + k];
            if ((cc >> 6) != 2) return std::nullopt;
            cp = cp << 6 | (cc & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return std::nullopt;
        }
        out.push_back(cp);
        i += n + 1;
    }
    return out;
}

}  // namespace gk::uitest
