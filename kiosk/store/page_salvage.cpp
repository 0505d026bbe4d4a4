// Page-level reader of SQLite files (see page_salvage.h): WAL frames and checksums, page size
// and header, b-tree cells with their overflow chains, and record decoding.
//
// Index
//   [SECTION] Bytes and varints
//   [SECTION] WAL
//   [SECTION] Pages
//   [SECTION] Cells and records
//   [SECTION] ReadPages
#include "kiosk/store/page_salvage.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace gk {
namespace {

// =============================================================================================
// [SECTION] Bytes and varints
// =============================================================================================

using Bytes = std::string;

uint32_t Be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t Be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint32_t Le32(const uint8_t* p) {
    return (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
}

// SQLite's varint: 1..9 bytes, big-endian, 7 bits a byte (8 in the ninth). 0 when it runs
// past `end`.
size_t Varint(const uint8_t* p, const uint8_t* end, int64_t* out) {
    uint64_t v = 0;
    for (size_t i = 0; i < 9; ++i) {
        if (p + i >= end) return 0;
        if (i == 8) {
            v = (v << 8) | p[i];
            *out = static_cast<int64_t>(v);
            return 9;
        }
        v = (v << 7) | (p[i] & 0x7F);
        if ((p[i] & 0x80) == 0) {
            *out = static_cast<int64_t>(v);
            return i + 1;
        }
    }
    return 0;
}

Bytes ReadFileBounded(const std::string& path, int64_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    Bytes bytes;
    char buffer[65536];
    while (in && static_cast<int64_t>(bytes.size()) < max_bytes) {
        in.read(buffer, sizeof buffer);
        bytes.append(buffer, static_cast<size_t>(in.gcount()));
    }
    if (static_cast<int64_t>(bytes.size()) > max_bytes) bytes.resize(max_bytes);
    return bytes;
}

bool ValidPageSize(uint32_t size) {
    return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

// =============================================================================================
// [SECTION] WAL
// =============================================================================================

constexpr size_t kWalHeader = 32;
constexpr size_t kFrameHeader = 24;

struct Checksum {
    uint32_t s0 = 0;
    uint32_t s1 = 0;
};

// The WAL's checksum: pairs of 32-bit words, big-endian when the magic's low bit is set.
void Accumulate(Checksum& c, const uint8_t* data, size_t size, bool big_endian) {
    for (size_t i = 0; i + 8 <= size; i += 8) {
        const uint32_t x0 = big_endian ? Be32(data + i) : Le32(data + i);
        const uint32_t x1 = big_endian ? Be32(data + i + 4) : Le32(data + i + 4);
        c.s0 += x0 + c.s1;
        c.s1 += x1 + c.s0;
    }
}

struct WalScan {
    bool present = false;    // the file has at least a header's worth of bytes
    bool header_ok = false;  // magic, page size and header checksum hold
    uint32_t page_size = 0;
    int64_t frames = 0;            // frames carrying this generation's salts, in a row
    int64_t replayed = 0;          // frames up to the last commit whose checksums hold
    int64_t last_commit = 0;       // frames up to the last commit frame, checksums or not
    int64_t first_bad_frame = -1;  // 0-based, or -1
    // A complete later transaction follows the failed frame's own one, its checksums holding
    // when chained from the failed frame's stored checksum: the failed frame was synced (with
    // synchronous=FULL a commit is synced before the next transaction writes), so it is
    // damage, not a torn write of an unfinished last transaction.
    bool later_commit_holds = false;
    std::map<uint32_t, Bytes> pages;  // page number -> newest content up to last_commit
};

WalScan ScanWal(const Bytes& wal) {
    WalScan scan;
    if (wal.size() < kWalHeader) return scan;
    scan.present = true;
    const auto* h = reinterpret_cast<const uint8_t*>(wal.data());
    const uint32_t magic = Be32(h);
    if (magic != 0x377f0682u && magic != 0x377f0683u) return scan;
    const bool big_endian = (magic & 1) != 0;
    const uint32_t page_size = Be32(h + 8);
    if (!ValidPageSize(page_size)) return scan;
    Checksum c;
    Accumulate(c, h, 24, big_endian);
    if (c.s0 != Be32(h + 24) || c.s1 != Be32(h + 28)) return scan;
    scan.header_ok = true;
    scan.page_size = page_size;

    const size_t frame_size = kFrameHeader + page_size;
    bool chain_ok = true;
    // From the failed frame on, two chains: from its stored checksum (a flipped bit in its
    // page) and from the one computed over it (a flipped bit in the stored checksum).
    std::array<Checksum, 2> rechain{};
    std::array<bool, 2> rechain_ok{};
    bool bad_transaction_ended = false;
    std::vector<std::pair<uint32_t, size_t>> frames;  // page number, offset of its data
    for (size_t off = kWalHeader; off + frame_size <= wal.size(); off += frame_size) {
        const auto* f = reinterpret_cast<const uint8_t*>(wal.data() + off);
        if (std::memcmp(f + 8, h + 16, 8) != 0) break;  // an older generation's frame
        const uint32_t page = Be32(f);
        if (page == 0) break;
        const int64_t index = static_cast<int64_t>(frames.size());
        frames.emplace_back(page, off + kFrameHeader);
        ++scan.frames;
        const bool commit = Be32(f + 4) != 0;
        if (chain_ok) {
            Accumulate(c, f, 8, big_endian);
            Accumulate(c, f + kFrameHeader, page_size, big_endian);
            if (c.s0 != Be32(f + 16) || c.s1 != Be32(f + 20)) {
                chain_ok = false;
                scan.first_bad_frame = index;
                rechain = {Checksum{Be32(f + 16), Be32(f + 20)}, c};
                rechain_ok = {true, true};
                bad_transaction_ended = commit;
            }
        } else if (rechain_ok[0] || rechain_ok[1]) {
            for (size_t k = 0; k < 2; ++k) {
                if (!rechain_ok[k]) continue;
                Accumulate(rechain[k], f, 8, big_endian);
                Accumulate(rechain[k], f + kFrameHeader, page_size, big_endian);
                rechain_ok[k] = rechain[k].s0 == Be32(f + 16) && rechain[k].s1 == Be32(f + 20);
            }
            if ((rechain_ok[0] || rechain_ok[1]) && commit) {
                if (bad_transaction_ended) scan.later_commit_holds = true;
                bad_transaction_ended = true;
            }
        }
        if (commit) {
            scan.last_commit = index + 1;
            if (chain_ok) scan.replayed = index + 1;
        }
    }
    for (int64_t i = 0; i < scan.last_commit; ++i) {
        scan.pages[frames[i].first] = wal.substr(frames[i].second, page_size);
    }
    return scan;
}

}  // namespace

WalCheck CheckWal(const std::string& wal_path) {
    WalCheck check;
    const WalScan scan = ScanWal(ReadFileBounded(wal_path, int64_t{1} << 31));
    if (!scan.present) return check;
    if (!scan.header_ok) {
        check.damaged = true;
        check.detail = "wal header fails its checksum";
        return check;
    }
    check.frames = scan.frames;
    check.frames_replayed = scan.replayed;
    // A failed checksum in the last transaction is what a power cut during its commit leaves
    // (never acknowledged, rightly dropped); only a failure with later commits is damage.
    if (scan.last_commit > scan.replayed && scan.later_commit_holds) {
        check.damaged = true;
        check.detail = "wal frame " + std::to_string(scan.first_bad_frame + 1) + " of " +
                       std::to_string(scan.frames) + " fails its checksum; SQLite would drop " +
                       std::to_string(scan.last_commit - scan.replayed) + " committed frames";
    }
    return check;
}

// =============================================================================================
// [SECTION] Pages
// =============================================================================================
namespace {

constexpr uint8_t kInteriorTable = 5;
constexpr uint8_t kLeafTable = 13;
constexpr int kMaxDepth = 24;
constexpr int64_t kMaxPayload = int64_t{64} << 20;
constexpr size_t kMaxColumns = 2000;

class Pages {
  public:
    Pages(Bytes file, std::map<uint32_t, Bytes> overlay, uint32_t page_size, uint32_t reserved)
        : file_(std::move(file)),
          overlay_(std::move(overlay)),
          page_size_(page_size),
          usable_(page_size - reserved) {}

    // The page's bytes (page_size of them), or nullptr when it is not in the file.
    const uint8_t* Get(uint32_t number) const {
        if (number == 0) return nullptr;
        if (auto it = overlay_.find(number); it != overlay_.end()) {
            return reinterpret_cast<const uint8_t*>(it->second.data());
        }
        const uint64_t off = uint64_t{number - 1} * page_size_;
        if (off + page_size_ > file_.size()) return nullptr;
        return reinterpret_cast<const uint8_t*>(file_.data() + off);
    }
    uint32_t count() const {
        uint32_t n = static_cast<uint32_t>(file_.size() / page_size_);
        if (!overlay_.empty()) n = std::max(n, overlay_.rbegin()->first);
        return n;
    }
    uint32_t page_size() const { return page_size_; }
    uint32_t usable() const { return usable_; }

  private:
    Bytes file_;
    std::map<uint32_t, Bytes> overlay_;
    uint32_t page_size_;
    uint32_t usable_;
};

// The page size: the header's when it is sane, else the WAL's, else the size under which the
// most pages start like b-tree pages.
uint32_t GuessPageSize(const Bytes& file, uint32_t wal_page_size) {
    if (file.size() >= 100) {
        const auto* h = reinterpret_cast<const uint8_t*>(file.data());
        uint32_t size = Be16(h + 16);
        if (size == 1) size = 65536;
        if (ValidPageSize(size)) return size;
    }
    if (ValidPageSize(wal_page_size)) return wal_page_size;
    uint32_t best = 4096;
    size_t best_score = 0;
    for (uint32_t size : {4096u, 1024u, 2048u, 8192u, 16384u, 32768u, 65536u, 512u}) {
        size_t score = 0;
        for (size_t off = size; off < file.size(); off += size) {
            const uint8_t t = static_cast<uint8_t>(file[off]);
            if (t == 2 || t == 5 || t == 10 || t == 13) ++score;
        }
        if (score > best_score) {
            best_score = score;
            best = size;
        }
    }
    return best;
}

// =============================================================================================
// [SECTION] Cells and records
// =============================================================================================

// A leaf cell's payload, its overflow chain followed. False when the cell is damaged.
bool CellPayload(const Pages& pages, const uint8_t* page, uint32_t cell_off, PageRow& row,
                 Bytes& payload) {
    const uint8_t* end = page + pages.usable();
    const uint8_t* p = page + cell_off;
    if (cell_off >= pages.usable()) return false;
    int64_t size = 0;
    size_t n = Varint(p, end, &size);
    if (n == 0 || size < 0 || size > kMaxPayload) return false;
    p += n;
    n = Varint(p, end, &row.rowid);
    if (n == 0) return false;
    p += n;
    const int64_t u = pages.usable();
    const int64_t x = u - 35;
    const int64_t m = ((u - 12) * 32 / 255) - 23;
    int64_t local = size;
    if (size > x) {
        const int64_t k = m + (size - m) % (u - 4);
        local = k <= x ? k : m;
    }
    if (p + local > end) return false;
    payload.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(local));
    if (local == size) return true;
    if (p + local + 4 > end) return false;
    uint32_t next = Be32(p + local);
    for (uint32_t hops = 0; payload.size() < static_cast<size_t>(size); ++hops) {
        const uint8_t* over = pages.Get(next);
        if (over == nullptr || hops > pages.count()) return false;
        const size_t take = std::min<size_t>(u - 4, size - payload.size());
        payload.append(reinterpret_cast<const char*>(over + 4), take);
        next = Be32(over);
    }
    return true;
}

bool DecodeRecord(const Bytes& payload, PageRow& row) {
    const auto* begin = reinterpret_cast<const uint8_t*>(payload.data());
    const uint8_t* end = begin + payload.size();
    int64_t header_size = 0;
    size_t n = Varint(begin, end, &header_size);
    if (n == 0 || header_size < static_cast<int64_t>(n) ||
        header_size > static_cast<int64_t>(payload.size())) {
        return false;
    }
    const uint8_t* types = begin + n;
    const uint8_t* types_end = begin + header_size;
    const uint8_t* data = types_end;
    while (types < types_end) {
        int64_t type = 0;
        n = Varint(types, types_end, &type);
        if (n == 0 || row.values.size() >= kMaxColumns) return false;
        types += n;
        PageValue v;
        int width = 0;
        switch (type) {
            case 0:
                break;
            case 1:
            case 2:
            case 3:
            case 4:
            case 5:
            case 6: {
                static constexpr std::array<int, 7> kWidth = {0, 1, 2, 3, 4, 6, 8};
                width = kWidth[static_cast<size_t>(type)];
                if (data + width > end) return false;
                uint64_t u = (data[0] & 0x80) ? ~uint64_t{0} : 0;  // sign-extended
                for (int i = 0; i < width; ++i) u = (u << 8) | data[i];
                v.type = PageValue::Type::kInt;
                v.integer = static_cast<int64_t>(u);
                break;
            }
            case 7: {
                width = 8;
                if (data + width > end) return false;
                uint64_t u = 0;
                for (int i = 0; i < 8; ++i) u = (u << 8) | data[i];
                v.type = PageValue::Type::kReal;
                std::memcpy(&v.real, &u, sizeof u);
                break;
            }
            case 8:
            case 9:
                v.type = PageValue::Type::kInt;
                v.integer = type - 8;
                break;
            case 10:
            case 11:
                return false;
            default: {
                // A damaged varint can be any 64-bit value, negative included.
                if (type < 12) return false;
                const int64_t len = (type - 12) / 2;
                if (len > end - data) return false;
                width = static_cast<int>(len);
                v.type = (type & 1) ? PageValue::Type::kText : PageValue::Type::kBlob;
                v.bytes.assign(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
                break;
            }
        }
        data += width;
        row.values.push_back(std::move(v));
    }
    return true;
}

// Every readable cell of a table leaf page.
void ReadLeaf(const Pages& pages, uint32_t number, std::vector<PageRow>& out) {
    const uint8_t* page = pages.Get(number);
    if (page == nullptr) return;
    const uint32_t header = number == 1 ? 100 : 0;
    if (page[header] != kLeafTable) return;
    const uint32_t cells = Be16(page + header + 3);
    const uint32_t pointers = header + 8;
    for (uint32_t i = 0; i < cells && pointers + 2 * i + 2 <= pages.usable(); ++i) {
        const uint32_t cell_off = Be16(page + pointers + 2 * i);
        if (cell_off < pointers) continue;
        PageRow row;
        Bytes payload;
        if (!CellPayload(pages, page, cell_off, row, payload)) continue;
        if (!DecodeRecord(payload, row)) continue;
        out.push_back(std::move(row));
    }
}

// The tree under `number`: leaves read into `out`, every page visited marked in `seen`.
void WalkTable(const Pages& pages, uint32_t number, int depth, std::set<uint32_t>& seen,
               std::vector<PageRow>& out) {
    if (depth > kMaxDepth || !seen.insert(number).second) return;
    const uint8_t* page = pages.Get(number);
    if (page == nullptr) return;
    const uint32_t header = number == 1 ? 100 : 0;
    if (page[header] == kLeafTable) {
        ReadLeaf(pages, number, out);
        return;
    }
    if (page[header] != kInteriorTable) return;
    const uint32_t cells = Be16(page + header + 3);
    const uint32_t pointers = header + 12;
    for (uint32_t i = 0; i < cells && pointers + 2 * i + 2 <= pages.usable(); ++i) {
        const uint32_t cell_off = Be16(page + pointers + 2 * i);
        if (cell_off < pointers || cell_off + 4 > pages.usable()) continue;
        WalkTable(pages, Be32(page + cell_off), depth + 1, seen, out);
    }
    WalkTable(pages, Be32(page + header + 8), depth + 1, seen, out);
}

}  // namespace

// =============================================================================================
// [SECTION] ReadPages
// =============================================================================================

PageSalvage ReadPages(const std::string& db_path, const std::string& wal_path, int64_t max_bytes) {
    PageSalvage out;
    Bytes file = ReadFileBounded(db_path, max_bytes);
    WalScan wal = ScanWal(ReadFileBounded(wal_path, max_bytes));
    if (file.empty() && wal.pages.empty()) return out;
    const uint32_t page_size = GuessPageSize(file, wal.header_ok ? wal.page_size : 0);
    if (wal.header_ok && wal.page_size != page_size) wal.pages.clear();
    // A WAL frame adds at most one page past the file's end: a larger number is garbage (and
    // would make the scan below walk billions of pages).
    const uint64_t max_page = file.size() / page_size + wal.pages.size() + 1;
    for (auto it = wal.pages.begin(); it != wal.pages.end();) {
        it = it->first > max_page ? wal.pages.erase(it) : std::next(it);
    }
    uint32_t reserved = 0;
    bool header_sane = false;
    if (file.size() >= 100) {
        static constexpr char kMagic[] = "SQLite format 3";
        header_sane = std::memcmp(file.data(), kMagic, 16) == 0;
        const auto* h = reinterpret_cast<const uint8_t*>(file.data());
        if (h[20] < 64) reserved = h[20];  // bytes at the end of each page for extensions
        if (header_sane) out.user_version = static_cast<int>(Be32(h + 60));
    }
    Pages pages(std::move(file), std::move(wal.pages), page_size, reserved);
    out.page_size = page_size;

    // The schema: page 1's tree. Rows: type, name, tbl_name, rootpage, sql.
    std::set<uint32_t> seen;
    std::vector<PageRow> schema;
    WalkTable(pages, 1, 0, seen, schema);
    for (const PageRow& row : schema) {
        if (row.values.size() < 5) continue;
        const auto& v = row.values;
        if (v[0].type != PageValue::Type::kText || v[0].bytes != "table") continue;
        if (v[1].type != PageValue::Type::kText || v[3].type != PageValue::Type::kInt) continue;
        if (v[3].integer <= 1 || v[3].integer > pages.count()) continue;
        PageTable table;
        table.name = v[1].bytes;
        table.sql = v[4].type == PageValue::Type::kText ? v[4].bytes : "";
        table.root = static_cast<uint32_t>(v[3].integer);
        out.tables.push_back(std::move(table));
    }
    for (PageTable& table : out.tables) WalkTable(pages, table.root, 0, seen, table.rows);
    // Leaves whose parents were lost (or whose schema row was): for the caller to place.
    for (uint32_t number = 2; number <= pages.count(); ++number) {
        if (seen.count(number) != 0) continue;
        const uint8_t* page = pages.Get(number);
        if (page != nullptr && page[0] == kLeafTable) ReadLeaf(pages, number, out.orphans);
    }
    return out;
}

}  // namespace gk
