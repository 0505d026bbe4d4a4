// Parsing and validating community content (see content.h). Every check records a problem
// with its field's path and goes on, so one refusal lists everything wrong with a file.
//
// [SECTION] Reading fields
// [SECTION] Items
// [SECTION] The document
#include "core/content.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/json_limits.h"
#include "core/utf8.h"

namespace gk {
namespace {

using nlohmann::json;

constexpr size_t kMaxProblems = 50;
constexpr size_t kMaxShortChars = 200;   // titles, names, reasons (code points)
constexpr size_t kMaxBodyChars = 20000;  // a disclosure's body
constexpr size_t kMaxItemsPerKind = 100000;

// ---------------------------------------------------------------------------------------------
// [SECTION] Reading fields
// ---------------------------------------------------------------------------------------------

class Problems {
  public:
    void Add(const std::string& path, std::string_view what) {
        ++count_;
        if (lines_.size() < kMaxProblems) lines_.push_back(path + ": " + std::string(what));
    }
    bool empty() const { return count_ == 0; }
    std::string Text() const {
        std::string text;
        for (const auto& line : lines_) text += (text.empty() ? "" : "\n") + line;
        if (count_ > lines_.size())
            text += "\n… and " + std::to_string(count_ - lines_.size()) + " more problems";
        return text;
    }

  private:
    std::vector<std::string> lines_;
    size_t count_ = 0;
};

std::string At(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string At(const std::string& path, size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

// One object being read: each Read* finds its key, checks it and reports under its path.
class Fields {
  public:
    Fields(const json& object, std::string path, Problems& problems)
        : object_(object), path_(std::move(path)), problems_(problems) {}

    const std::string& path() const { return path_; }
    Problems& problems() const { return problems_; }

    // The value at key, or null (and "required" when it must be there).
    const json* Find(std::string_view key, bool required) const {
        const auto it = object_.find(key);
        if (it == object_.end() || it->is_null()) {
            if (required) problems_.Add(At(path_, key), "required");
            return nullptr;
        }
        return &*it;
    }

    void Text(std::string_view key, std::string& out, bool required,
              size_t max_chars = kMaxShortChars) const {
        const json* v = Find(key, required);
        if (!v) return;
        if (!v->is_string()) return problems_.Add(At(path_, key), "must be a string");
        const auto& s = v->get_ref<const std::string&>();
        if (!IsValidUtf8(s)) return problems_.Add(At(path_, key), "invalid UTF-8");
        if (CountCodePoints(s) > max_chars)
            return problems_.Add(At(path_, key),
                                 "longer than " + std::to_string(max_chars) + " characters");
        if (required && s.empty()) return problems_.Add(At(path_, key), "must not be empty");
        out = s;
    }

    // {"zh": "...", "en": "..."}: zh required (when the field is), en optional.
    void Local(std::string_view key, LocalText& out, bool required,
               size_t max_chars = kMaxShortChars) const {
        const json* v = Find(key, required);
        if (!v) return;
        if (!v->is_object())
            return problems_.Add(At(path_, key), "must be an object {\"zh\", \"en\"}");
        Fields text(*v, At(path_, key), problems_);
        text.Text("zh", out.zh, /*required=*/true, max_chars);
        text.Text("en", out.en, /*required=*/false, max_chars);
    }

    void Integer(std::string_view key, int64_t& out, int64_t min, int64_t max,
                 bool required) const {
        const json* v = Find(key, required);
        if (!v) return;
        if (!v->is_number_integer()) return problems_.Add(At(path_, key), "must be a whole number");
        const int64_t n = v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX
                              ? INT64_MAX
                              : v->get<int64_t>();
        if (n < min || n > max)
            return problems_.Add(At(path_, key),
                                 "must be " + std::to_string(min) + ".." + std::to_string(max));
        out = n;
    }
    void Integer(std::string_view key, int& out, int min, int max, bool required) const {
        int64_t n = out;
        Integer(key, n, min, max, required);
        out = static_cast<int>(n);
    }

    // The object at key as Fields of its own; nothing (and "must be an object") otherwise.
    std::optional<Fields> Object(std::string_view key) const {
        const json* v = Find(key, false);
        if (!v) return std::nullopt;
        if (!v->is_object()) {
            problems_.Add(At(path_, key), "must be an object");
            return std::nullopt;
        }
        return Fields(*v, At(path_, key), problems_);
    }

    void Bool(std::string_view key, bool& out) const {
        const json* v = Find(key, false);
        if (!v) return;
        if (!v->is_boolean()) return problems_.Add(At(path_, key), "must be true or false");
        out = v->get<bool>();
    }

    // One of a fixed set of codes; the message lists them ("must be green, yellow or red").
    template <class Enum, size_t N>
    void Code(std::string_view key, Enum& out, const std::array<std::string_view, N>& codes,
              bool required) const {
        const json* v = Find(key, required);
        if (!v) return;
        const auto it =
            v->is_string() ? std::find(codes.begin(), codes.end(), v->get_ref<const std::string&>())
                           : codes.end();
        if (it == codes.end()) {
            std::string list;
            for (size_t i = 0; i < N; ++i)
                list +=
                    std::string(i == 0 ? "" : (i + 1 == N ? " or " : ", ")) + std::string(codes[i]);
            return problems_.Add(At(path_, key), "must be " + list);
        }
        out = static_cast<Enum>(it - codes.begin());
    }

    void Date(std::string_view key, std::string& out, bool required) const {
        std::string s;
        Text(key, s, required, 10);
        if (s.empty()) return;
        if (!IsDate(s)) return problems_.Add(At(path_, key), "must be a date YYYY-MM-DD");
        out = s;
    }

    // Each element of the array at key, read by `read(element_fields, index)`.
    template <class Read>
    void Each(std::string_view key, bool required, Read read) const {
        const json* v = Find(key, required);
        if (!v) return;
        if (!v->is_array()) return problems_.Add(At(path_, key), "must be an array");
        if (v->size() > kMaxItemsPerKind) return problems_.Add(At(path_, key), "too many items");
        for (size_t i = 0; i < v->size(); ++i) {
            const json& element = (*v)[i];
            if (!element.is_object()) {
                problems_.Add(At(At(path_, key), i), "must be an object");
                continue;
            }
            read(Fields(element, At(At(path_, key), i), problems_), i);
        }
    }

    static bool IsDate(std::string_view s) {
        if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
        for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
            if (s[i] < '0' || s[i] > '9') return false;
        const int y = std::stoi(std::string(s.substr(0, 4)));
        const int m = std::stoi(std::string(s.substr(5, 2)));
        const int d = std::stoi(std::string(s.substr(8, 2)));
        if (y < 2000 || m < 1 || m > 12 || d < 1) return false;
        static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
    }

  private:
    const json& object_;
    std::string path_;
    Problems& problems_;
};

// "HH:MM" → minutes after midnight; -1 when it is not a time (24:00 allowed, as an end).
int Minutes(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') return -1;
    for (size_t i : {0, 1, 3, 4})
        if (s[i] < '0' || s[i] > '9') return -1;
    const int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
    return h * 60 + m;
}

std::vector<std::string_view> Segments(std::string_view path) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t slash = path.find('/', start);
        const size_t end = slash == std::string_view::npos ? path.size() : slash;
        out.push_back(path.substr(start, end - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// [SECTION] Items
// ---------------------------------------------------------------------------------------------

bool IdCharsOk(std::string_view id) {
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

// `segments`: how many a scope must have (0: 1..5).
void ReadHeader(const Fields& f, ContentHeader& h, size_t segments = 0) {
    f.Text("id", h.id, true, 64);
    if (!h.id.empty() && !IdCharsOk(h.id))
        f.problems().Add(At(f.path(), "id"), "only a-z 0-9 . _ - allowed");
    f.Integer("version", h.version, 1, INT32_MAX, true);
    f.Text("scope", h.scope, true, 400);
    if (!h.scope.empty()) {
        const auto parts = Segments(h.scope);
        const bool empty_part =
            std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); });
        if (empty_part || parts.size() > 5) {
            f.problems().Add(At(f.path(), "scope"), "must be a grid path of 1..5 names split by /");
        } else if (segments && parts.size() != segments) {
            f.problems().Add(At(f.path(), "scope"), "must be the full path of one grid (5 names)");
        }
    }
    f.Date("published", h.published, true);
    f.Date("valid_until", h.valid_until, false);
    if (!h.valid_until.empty() && !h.published.empty() && h.valid_until < h.published)
        f.problems().Add(At(f.path(), "valid_until"), "must not be before published");
    f.Text("publisher", h.publisher, true);
}

void ReadFinance(const Fields& f, FinanceTable& t) {
    f.Each("rows", true, [&](const Fields& r, size_t) {
        FinanceRow row;
        r.Local("item", row.item, true);
        constexpr int64_t kMax = int64_t{1} << 50;  // fen: far beyond any community's budget
        r.Integer("income_fen", row.income_fen, 0, kMax, true);
        r.Integer("spending_fen", row.spending_fen, 0, kMax, true);
        r.Integer("balance_fen", row.balance_fen, -kMax, kMax, true);
        r.Text("period", row.period, false);
        if (row.balance_fen != row.income_fen - row.spending_fen)
            r.problems().Add(At(r.path(), "balance_fen"), "must be income_fen − spending_fen");
        t.rows.push_back(std::move(row));
    });
    if (t.rows.empty()) f.problems().Add(At(f.path(), "rows"), "must not be empty");
    constexpr int64_t kMaxTotal = int64_t{1} << 60;
    f.Integer("total_income_fen", t.total_income_fen, 0, kMaxTotal, true);
    f.Integer("total_spending_fen", t.total_spending_fen, 0, kMaxTotal, true);
    f.Integer("total_balance_fen", t.total_balance_fen, -kMaxTotal, kMaxTotal, true);
    int64_t income = 0, spending = 0, balance = 0;
    for (const FinanceRow& row : t.rows) {
        income += row.income_fen;
        spending += row.spending_fen;
        balance += row.balance_fen;
    }
    if (income != t.total_income_fen)
        f.problems().Add(At(f.path(), "total_income_fen"),
                         "must be the sum of the rows (" + std::to_string(income) + ")");
    if (spending != t.total_spending_fen)
        f.problems().Add(At(f.path(), "total_spending_fen"),
                         "must be the sum of the rows (" + std::to_string(spending) + ")");
    if (balance != t.total_balance_fen)
        f.problems().Add(At(f.path(), "total_balance_fen"),
                         "must be the sum of the rows (" + std::to_string(balance) + ")");
}

Disclosure ReadDisclosure(const Fields& f) {
    Disclosure d;
    ReadHeader(f, d.header);
    f.Code("board", d.board, kBoardCodes, true);
    f.Local("title", d.title, true);
    f.Local("body", d.body, true, kMaxBodyChars);
    const bool has_table = f.Find("finance", false) != nullptr;
    if (d.board != Board::kFinance) {
        if (has_table)
            f.problems().Add(At(f.path(), "finance"),
                             "only items on the finance board have a table");
    } else if (!has_table) {
        f.problems().Add(At(f.path(), "finance"), "required on the finance board");
    } else if (auto table = f.Object("finance")) {
        ReadFinance(*table, d.finance.emplace());
    }
    return d;
}

DeliberationMatter ReadDeliberation(const Fields& f) {
    DeliberationMatter m;
    ReadHeader(f, m.header);
    f.Local("title", m.title, true);
    f.Local("summary", m.summary, true, kMaxBodyChars);
    f.Each("stages", true, [&](const Fields& s, size_t i) {
        StageRecord r;
        s.Code("stage", r.stage, kStageCodes, true);
        s.Date("date", r.date, true);
        s.Local("body", r.body, false, kMaxBodyChars);
        s.Local("outcome", r.outcome, false, kMaxBodyChars);
        if (i >= kStageCodes.size()) {
            s.problems().Add(s.path(), "a matter has at most 7 stages");
        } else if (static_cast<size_t>(r.stage) != i) {
            s.problems().Add(At(s.path(), "stage"),
                             "must be " + std::string(kStageCodes[i]) +
                                 " (stages go in order from proposal, none skipped)");
        }
        if (i > 0 && !r.date.empty() && !m.stages.empty() && r.date < m.stages.back().date)
            s.problems().Add(At(s.path(), "date"), "must not be before the previous stage's");
        m.stages.push_back(std::move(r));
    });
    if (m.stages.empty()) f.problems().Add(At(f.path(), "stages"), "must not be empty");
    const bool resolved = m.stages.size() > static_cast<size_t>(Stage::kResolution);
    const bool has_votes = f.Find("votes", false) != nullptr;
    if (!resolved) {
        if (has_votes)
            f.problems().Add(At(f.path(), "votes"),
                             "only a matter that reached resolution has votes");
    } else if (!has_votes) {
        f.problems().Add(At(f.path(), "votes"), "required once the matter reached resolution");
    } else if (auto vf = f.Object("votes")) {
        Votes& v = m.votes.emplace();
        vf->Integer("in_favour", v.in_favour, 0, 1000000, true);
        vf->Integer("against", v.against, 0, 1000000, true);
        vf->Integer("abstained", v.abstained, 0, 1000000, true);
    }
    return m;
}

GovernanceStatistics ReadStatistics(const Fields& f) {
    GovernanceStatistics s;
    ReadHeader(f, s.header);
    f.Text("period", s.period, true);
    f.Integer("meetings", s.meetings, 0, 10000000, true);
    f.Integer("topics", s.topics, 0, 10000000, true);
    f.Integer("complex_resolved", s.complex_resolved, 0, 10000000, true);
    f.Integer("disputes_mediated", s.disputes_mediated, 0, 10000000, true);
    f.Integer("rules_adopted", s.rules_adopted, 0, 10000000, true);
    return s;
}

Project ReadProject(const Fields& f) {
    Project p;
    ReadHeader(f, p.header);
    f.Local("name", p.name, true);
    f.Code("programme", p.programme, kProgrammeCodes, true);
    f.Code("tier", p.tier, kTierCodes, true);
    f.Local("tier_reason", p.tier_reason, true);
    f.Date("assessed", p.assessed, true);
    f.Each("tier_history", false, [&](const Fields& h, size_t) {
        TierChange c;
        h.Code("tier", c.tier, kTierCodes, true);
        h.Local("reason", c.reason, true);
        h.Date("date", c.date, true);
        if (!c.date.empty() && !p.assessed.empty() && c.date > p.assessed)
            h.problems().Add(At(h.path(), "date"), "must not be after the project's assessed date");
        if (!p.history.empty() && !c.date.empty() && c.date < p.history.back().date)
            h.problems().Add(At(h.path(), "date"), "history goes oldest first");
        p.history.push_back(std::move(c));
    });
    f.Code("status", p.status, kProjectStatusCodes, true);
    f.Integer("progress_percent", p.progress_percent, 0, 100, true);
    constexpr int64_t kMax = int64_t{1} << 50;
    f.Integer("budget_fen", p.budget_fen, 0, kMax, true);
    int64_t funded = 0;
    f.Each("funding", false, [&](const Fields& g, size_t) {
        Funding fund;
        g.Code("source", fund.source, kFundingSourceCodes, true);
        g.Local("name", fund.name, true);
        g.Integer("amount_fen", fund.amount_fen, 0, kMax, true);
        funded += fund.amount_fen;
        p.funding.push_back(std::move(fund));
    });
    if (funded > p.budget_fen)
        f.problems().Add(At(f.path(), "funding"),
                         "adds up to more than budget_fen (" + std::to_string(funded) + ")");
    f.Local("responsible_unit", p.responsible_unit, true);
    f.Each("milestones", false, [&](const Fields& m, size_t) {
        Milestone ms;
        m.Local("title", ms.title, true);
        m.Date("date", ms.date, true);
        m.Bool("done", ms.done);
        p.milestones.push_back(std::move(ms));
    });
    f.Integer("stars", p.stars, 0, 5, false);
    if (const json* counts = f.Find("satisfaction", false)) {
        if (!counts->is_array() || counts->size() != 5) {
            f.problems().Add(At(f.path(), "satisfaction"), "must be 5 counts (levels 1..5)");
        } else {
            for (size_t i = 0; i < 5; ++i) {
                const json& c = (*counts)[i];
                if (!c.is_number_integer() || c.get<int64_t>() < 0) {
                    f.problems().Add(At(At(f.path(), "satisfaction"), i),
                                     "must be a whole number ≥ 0");
                } else {
                    p.satisfaction[i] = c.get<int64_t>();
                }
            }
        }
    }
    return p;
}

GridRoster ReadRoster(const Fields& f) {
    GridRoster r;
    ReadHeader(f, r.header, /*segments=*/5);
    f.Each("staff", true, [&](const Fields& s, size_t) {
        StaffMember m;
        s.Text("name", m.name, true, 40);
        s.Code("role", m.role, kRoleCodes, true);
        s.Text("office_phone", m.office_phone, true, 20);
        if (!m.office_phone.empty() &&
            !std::all_of(m.office_phone.begin(), m.office_phone.end(),
                         [](char c) { return (c >= '0' && c <= '9') || c == '-'; }))
            s.problems().Add(At(s.path(), "office_phone"), "only digits and - allowed");
        s.Each("duty", false, [&](const Fields& d, size_t) {
            DutySlot slot;
            d.Integer("weekday", slot.weekday, 1, 7, true);
            std::string from, to;
            d.Text("from", from, true, 5);
            d.Text("to", to, true, 5);
            slot.from_minute = Minutes(from);
            slot.to_minute = Minutes(to);
            if (!from.empty() && slot.from_minute < 0)
                d.problems().Add(At(d.path(), "from"), "must be a time HH:MM");
            if (!to.empty() && slot.to_minute < 0)
                d.problems().Add(At(d.path(), "to"), "must be a time HH:MM");
            if (slot.from_minute >= 0 && slot.to_minute >= 0 && slot.from_minute >= slot.to_minute)
                d.problems().Add(At(d.path(), "to"), "must be after from");
            m.duty.push_back(slot);
        });
        r.staff.push_back(std::move(m));
    });
    // N+5: one grid head and every one of the five roles.
    std::array<int, 6> per_role{};
    for (const StaffMember& m : r.staff) ++per_role[static_cast<size_t>(m.role)];
    if (!r.staff.empty()) {
        if (per_role[0] != 1) f.problems().Add(At(f.path(), "staff"), "must have exactly one head");
        for (size_t role = 1; role < per_role.size(); ++role) {
            if (per_role[role] == 0)
                f.problems().Add(At(f.path(), "staff"),
                                 "must have a " + std::string(kRoleCodes[role]) + " (N+5)");
        }
    }
    return r;
}

// Ids are unique within a kind.
template <class Item>
void CheckUniqueIds(const std::vector<Item>& items, const char* kind, Problems& problems) {
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < items.size(); ++i) {
        const std::string& id = items[i].header.id;
        if (id.empty()) continue;
        const auto [it, fresh] = seen.emplace(id, i);
        if (!fresh)
            problems.Add(At(At(kind, i), "id"),
                         "\"" + id + "\" is also " + At(kind, it->second) + "'s id");
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// [SECTION] The document
// ---------------------------------------------------------------------------------------------

Result<ContentBundle> ParseContentJson(std::string_view json_text) {
    auto parsed = ParseUntrustedJson(json_text);
    if (!parsed) return Error{"content", "not JSON: " + parsed.error().message};
    const json& doc = *parsed;
    if (!doc.is_object()) return Error{"content", "the document must be a JSON object"};
    Problems problems;
    static const std::set<std::string> kKinds = {"disclosures", "deliberations", "statistics",
                                                 "projects", "rosters"};
    for (const auto& [key, value] : doc.items()) {
        if (!kKinds.count(key)) problems.Add(key, "unknown kind of content");
    }
    ContentBundle bundle;
    const Fields top(doc, "", problems);
    top.Each("disclosures", false,
             [&](const Fields& f, size_t) { bundle.disclosures.push_back(ReadDisclosure(f)); });
    top.Each("deliberations", false,
             [&](const Fields& f, size_t) { bundle.deliberations.push_back(ReadDeliberation(f)); });
    top.Each("statistics", false,
             [&](const Fields& f, size_t) { bundle.statistics.push_back(ReadStatistics(f)); });
    top.Each("projects", false,
             [&](const Fields& f, size_t) { bundle.projects.push_back(ReadProject(f)); });
    top.Each("rosters", false,
             [&](const Fields& f, size_t) { bundle.rosters.push_back(ReadRoster(f)); });
    CheckUniqueIds(bundle.disclosures, "disclosures", problems);
    CheckUniqueIds(bundle.deliberations, "deliberations", problems);
    CheckUniqueIds(bundle.statistics, "statistics", problems);
    CheckUniqueIds(bundle.projects, "projects", problems);
    CheckUniqueIds(bundle.rosters, "rosters", problems);
    if (!problems.empty()) return Error{"content", problems.Text()};
    if (bundle.size() == 0) return Error{"content", "no items in the document"};
    return bundle;
}

bool ScopeCovers(std::string_view scope, std::string_view grid_path) {
    if (scope.empty() || grid_path.size() < scope.size()) return false;
    if (grid_path.substr(0, scope.size()) != scope) return false;
    return grid_path.size() == scope.size() || grid_path[scope.size()] == '/';
}

}  // namespace gk
