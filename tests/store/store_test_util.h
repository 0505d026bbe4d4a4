// Shared pieces of the store tests: a temporary data dir under /tmp, a simulated clock at a
// fixed date, a sample request, and raw access to the database file for checks.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "core/request.h"
#include "kiosk/store/store.h"
#include "platform/clock.h"
#include "platform/database.h"
#include "tests/support/temp_dir.h"

namespace gk::test {

constexpr int64_t kStartWallMs = 1795000000000;  // 2026-11-18, Beijing afternoon
constexpr uint32_t kTerminal = 7;

// A fresh directory, removed with everything in it when the test ends.
class TempDir : public support::TempDir {
  public:
    TempDir() : support::TempDir("gk-store-test") {}
    std::string db() const { return path() + "/gridkiosk.db"; }
};

inline ServiceRequest SampleRequest(std::string building = "3号楼", std::string unit = "2单元") {
    ServiceRequest r;
    r.service_code = "city.streetlight";
    r.description = "路灯不亮，晚上很黑";
    r.location = {std::move(building), std::move(unit), "501"};
    r.contact.name = "张秀英";
    r.contact.phone = "13912345678";
    r.lang = "zh";
    r.grid_path = "西安市/碑林区/张家村街道/建东社区/第3网格";  // the terminal's grid, as the
                                                                // wizard fills it in
    return r;
}

// Opens the store in `dir` with the terminal number set; fails the test when it cannot.
inline std::unique_ptr<Store> OpenStore(const std::string& dir, Clock& clock,
                                        const StoreOptions& options = {}) {
    auto store = Store::Open(dir, clock, options);
    EXPECT_TRUE(store.ok()) << (store.ok() ? ""
                                           : store.error().code + ": " + store.error().message);
    if (!store.ok()) return nullptr;
    EXPECT_TRUE((*store)->set_terminal_number(kTerminal).ok());
    return std::move(*store);
}

// A second connection to the same file, for looking under the store's API.
inline std::unique_ptr<Database> RawOpen(const std::string& path) {
    Database::Options options;
    options.create = false;
    options.wal = false;
    auto db = Database::Open(path, options);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(*db) : nullptr;
}

inline int64_t QueryInt(Database& db, const std::string& sql) {
    auto st = db.Prepare(sql);
    EXPECT_TRUE(st.ok()) << sql;
    if (!st.ok()) return -1;
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return row.ok() && *row ? st->Int(0) : -1;
}

inline std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace gk::test
