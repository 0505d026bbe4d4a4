// Exit codes and one-line reasons (DESIGN.md §3.1): bad flags and config values exit 2
// naming what is wrong, an unusable data folder exits 2 or 3, a damaged database is moved
// aside and the terminal starts anyway, and no display exits 4.
#include "kiosk_runner.h"

namespace gk::uitest {
namespace {

struct Outcome {
    std::optional<int> exit_code;
    std::string stderr_text;
    std::vector<std::string> lines() const { return Lines(stderr_text); }
};

Outcome RunArgs(const TempDir& dir, const std::vector<std::string>& args,
                const EnvChanges& env = {}) {
    std::vector<std::string> argv = {KioskBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    EnvChanges e = {{"SDL_VIDEODRIVER", "dummy"}};
    for (const auto& [k, v] : env) e[k] = v;
    const fs::path err = dir.path() / "stderr.txt";
    Process p(argv, e, dir.path() / "stdout.txt", err);
    Outcome o;
    o.exit_code = p.Wait(std::chrono::seconds(60));
    o.stderr_text = ReadFile(err);
    return o;
}

void ExpectOneLine(const Outcome& o, const std::string& must_contain) {
    ASSERT_EQ(o.lines().size(), 1u) << "expected one line on stderr, got:\n" << o.stderr_text;
    EXPECT_NE(o.stderr_text.find(must_contain), std::string::npos) << o.stderr_text;
}

TEST(CommandLine, UnknownFlagExitsTwoWithOneLine) {
    TempDir dir;
    const Outcome o = RunArgs(dir, {"--data-dir", (dir.path() / "data").string(), "--frobnicate"});
    EXPECT_EQ(o.exit_code, 2);
    ExpectOneLine(o, "--frobnicate");
    EXPECT_FALSE(fs::exists(dir.path() / "data" / "gridkiosk.db"))
        << "wrote a database despite bad arguments";

    const Outcome missing = RunArgs(dir, {"--windowed", "800x600"});
    EXPECT_EQ(missing.exit_code, 2);
    ExpectOneLine(missing, "--data-dir");
}

TEST(CommandLine, BadFlagValuesExitTwo) {
    TempDir dir;
    const std::string data = (dir.path() / "data").string();
    const Outcome size = RunArgs(dir, {"--data-dir", data, "--windowed", "10x10"});
    EXPECT_EQ(size.exit_code, 2);
    ExpectOneLine(size, "--windowed");
    const Outcome lang = RunArgs(dir, {"--data-dir", data, "--lang", "fr"});
    EXPECT_EQ(lang.exit_code, 2);
    ExpectOneLine(lang, "--lang");

    // A script with a typo fails before anything runs, naming its line.
    WriteFile(dir.path() / "bad.txt", "tap attract.start\n\ntapp home.request\n");
    const Outcome script =
        RunArgs(dir, {"--data-dir", data, "--script", (dir.path() / "bad.txt").string()});
    EXPECT_EQ(script.exit_code, 2);
    ExpectOneLine(script, "script:3:");
    const Outcome no_script =
        RunArgs(dir, {"--data-dir", data, "--script", (dir.path() / "none.txt").string()});
    EXPECT_EQ(no_script.exit_code, 2);
    EXPECT_EQ(no_script.lines().size(), 1u) << no_script.stderr_text;
}

TEST(CommandLine, BadConfigValuesExitTwoNamingTheKey) {
    TempDir dir;
    const fs::path data = dir.path() / "data";
    fs::create_directories(data);
    const std::pair<const char*, const char*> cases[] = {
        {"[ui]\nidle_timeout_s = \"x\"\n", "ui.idle_timeout_s"},
        {"[ui]\nidle_timeout_s = 5\n", "ui.idle_timeout_s"},
        {"[ui]\ncountdown_s = 100\n", "ui.countdown_s"},
        {"[ui]\nlang = \"fr\"\n", "ui.lang"},
        {"[ui]\ncolour = \"red\"\n", "ui.colour"},
        {"[terminal]\nnumber = -1\n", "terminal.number"},
        {"[server]\npublic_url = \"ftp://example.cn\"\n", "server.public_url"},
        {"[store]\nmax_queue = \"many\"\n", "store.max_queue"},
        {"[ui\nlang = \"zh\"\n", "line 1"},
    };
    for (const auto& [toml, key] : cases) {
        SCOPED_TRACE(toml);
        WriteFile(data / "gridkiosk.toml", toml);
        const Outcome o = RunArgs(dir, {"--data-dir", data.string(), "--windowed", "640x480"});
        EXPECT_EQ(o.exit_code, 2);
        ExpectOneLine(o, key);
    }
    // --config names a file that is not there.
    fs::remove(data / "gridkiosk.toml");
    const Outcome o = RunArgs(
        dir, {"--data-dir", data.string(), "--config", (dir.path() / "nope.toml").string()});
    EXPECT_EQ(o.exit_code, 2);
    ExpectOneLine(o, "nope.toml");
}

TEST(CommandLine, DataDirThatIsAFileIsRefused) {
    TempDir dir;
    const fs::path file = dir.path() / "not-a-folder";
    WriteFile(file, "hello\n");
    WriteFile(dir.path() / "quit.txt", "quit\n");
    const Outcome o = RunArgs(dir, {"--data-dir", file.string(), "--windowed", "640x480",
                                    "--script", (dir.path() / "quit.txt").string()});
    ASSERT_TRUE(o.exit_code.has_value());
    EXPECT_TRUE(*o.exit_code == 2 || *o.exit_code == 3) << "exit " << *o.exit_code;
    EXPECT_EQ(o.lines().size(), 1u) << o.stderr_text;
    EXPECT_EQ(ReadFile(file), "hello\n") << "the file was changed";
}

TEST(CommandLine, CorruptDatabaseIsMovedAsideAndTheTerminalStarts) {
    Kiosk k;
    std::string junk;
    unsigned x = 12345;
    for (int i = 0; i < 65536; ++i) {
        x = x * 1103515245u + 12345u;
        junk += char(x >> 16);
    }
    WriteFile(k.db_path(), junk);
    const KioskRun run =
        k.Run("expect_screen attract\ntap attract.start\nexpect_screen home\nquit\n",
              RunOptions().Window("640x480").NoScreenshots());
    ASSERT_EQ(run.exit_code, 0) << run.Describe();

    std::vector<fs::path> aside;
    for (const auto& e : fs::directory_iterator(k.data_dir())) {
        if (e.path().filename().string().rfind("gridkiosk.db.corrupt-", 0) == 0)
            aside.push_back(e.path());
    }
    ASSERT_EQ(aside.size(), 1u) << "the damaged file was not moved aside as gridkiosk.db.corrupt-*";
    EXPECT_EQ(ReadFile(aside[0]), junk) << "the damaged file was changed";
    Db db(k.db_path());
    ASSERT_TRUE(db.ok()) << db.error();
    EXPECT_EQ(db.Text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(db.Int("SELECT count(*) FROM requests"), 0);
}

TEST(CommandLine, NoDisplayExitsFour) {
    TempDir dir;
    WriteFile(dir.path() / "quit.txt", "quit\n");
    const Outcome o = RunArgs(dir,
                              {"--data-dir", (dir.path() / "data").string(), "--windowed",
                               "640x480", "--script", (dir.path() / "quit.txt").string()},
                              {{"SDL_VIDEODRIVER", std::nullopt},
                               {"DISPLAY", std::nullopt},
                               {"WAYLAND_DISPLAY", std::nullopt}});
    EXPECT_EQ(o.exit_code, 4) << o.stderr_text;
    EXPECT_GE(o.lines().size(), 1u);
}

}  // namespace
}  // namespace gk::uitest
