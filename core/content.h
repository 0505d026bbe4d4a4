// Community content shown on the boards: the six disclosures (六公开), the four deliberations
// (四议) with their statistics, projects with their three-colour tier (三色管理), and each grid's
// roster (一格多员, N+5). Parsed and validated from JSON (a file staff publish, later the feed);
// every problem is reported with the path of its field, all of them at once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.h"  // LocalText
#include "core/result.h"

namespace gk {

// What every item carries. Items reach every terminal whose grid path starts with `scope`
// (a community's boards reach every grid under it; a roster's scope is its one grid).
struct ContentHeader {
    std::string id;           // [a-z0-9._-], 1..64, unique within its kind
    int version = 1;          // ≥ 1: a higher version replaces the item, the same one is a no-op
    std::string scope;        // grid path prefix, "市/区/街道/社区[/网格]" (1..5 segments)
    std::string published;    // YYYY-MM-DD
    std::string valid_until;  // YYYY-MM-DD, not before `published`; empty: no end
    std::string publisher;    // the office that published it
};

// 政务, 事务, 财务, 服务, 决议, 结果公开, in the order of the board tabs.
enum class Board : uint8_t { kGovernment, kAffairs, kFinance, kServices, kResolutions, kResults };
inline constexpr std::array<std::string_view, 6> kBoardCodes = {
    "government", "affairs", "finance", "services", "resolutions", "results"};

// Money is in fen (分), whole numbers: totals are checked exactly.
struct FinanceRow {
    LocalText item;
    int64_t income_fen = 0, spending_fen = 0, balance_fen = 0;  // balance = income − spending
    std::string period;                                         // e.g. "2026年第三季度"
};
struct FinanceTable {
    std::vector<FinanceRow> rows;
    int64_t total_income_fen = 0, total_spending_fen = 0, total_balance_fen = 0;  // sums of rows
};

struct Disclosure {
    ContentHeader header;
    Board board = Board::kGovernment;
    LocalText title, body;
    std::optional<FinanceTable> finance;  // required on the finance board, refused elsewhere
};

// 提议 → 商议 → 审议 → 决议, then 公开 → 实施 → 结果公开; a matter has a prefix of these.
enum class Stage : uint8_t {
    kProposal,
    kConsultation,
    kReview,
    kResolution,
    kPublicised,
    kImplementation,
    kResultPublicised
};
inline constexpr std::array<std::string_view, 7> kStageCodes = {
    "proposal",   "consultation",   "review",           "resolution",
    "publicised", "implementation", "result_publicised"};

struct StageRecord {
    Stage stage = Stage::kProposal;
    std::string date;  // YYYY-MM-DD, not before the previous stage's
    LocalText body;
    LocalText outcome;  // may be empty
};
struct Votes {
    int in_favour = 0, against = 0, abstained = 0;
};
struct DeliberationMatter {
    ContentHeader header;
    LocalText title, summary;
    std::vector<StageRecord> stages;  // from 提议, none skipped
    std::optional<Votes> votes;       // present exactly when 决议 is reached
};

// Governance statistics for a period (Beilin's 320 meetings, 700 topics …).
struct GovernanceStatistics {
    ContentHeader header;
    std::string period;  // e.g. "2025年"
    int meetings = 0, topics = 0, complex_resolved = 0, disputes_mediated = 0, rules_adopted = 0;
};

enum class Tier : uint8_t { kGreen, kYellow, kRed };
inline constexpr std::array<std::string_view, 3> kTierCodes = {"green", "yellow", "red"};
// 民生工程, 先锋工程, 天网工程, other.
enum class Programme : uint8_t { kLivelihood, kPioneer, kSkynet, kOther };
inline constexpr std::array<std::string_view, 4> kProgrammeCodes = {"livelihood", "pioneer",
                                                                    "skynet", "other"};
enum class ProjectStatus : uint8_t { kPlanned, kInProgress, kCompleted, kSuspended };
inline constexpr std::array<std::string_view, 4> kProjectStatusCodes = {"planned", "in_progress",
                                                                        "completed", "suspended"};
// Government money, a company's naming (企业冠名) or sponsorship (商业赞助), anything else.
enum class FundingSource : uint8_t { kGovernment, kNaming, kSponsor, kOther };
inline constexpr std::array<std::string_view, 4> kFundingSourceCodes = {"government", "naming",
                                                                        "sponsor", "other"};

struct TierChange {
    Tier tier = Tier::kGreen;
    LocalText reason;
    std::string date;  // YYYY-MM-DD
};
struct Funding {
    FundingSource source = FundingSource::kGovernment;
    LocalText name;  // the department or the company
    int64_t amount_fen = 0;
};
struct Milestone {
    LocalText title;
    std::string date;  // YYYY-MM-DD (planned, or when done)
    bool done = false;
};
struct Project {
    ContentHeader header;
    LocalText name;
    Programme programme = Programme::kOther;
    Tier tier = Tier::kGreen;
    LocalText tier_reason;            // required: a tier is never shown without its reason
    std::string assessed;             // YYYY-MM-DD of the tier
    std::vector<TierChange> history;  // earlier tiers, oldest first, none after `assessed`
    ProjectStatus status = ProjectStatus::kPlanned;
    int progress_percent = 0;  // 0..100
    int64_t budget_fen = 0;
    std::vector<Funding> funding;  // amounts add up to at most the budget
    LocalText responsible_unit;
    std::vector<Milestone> milestones;
    int stars = 0;                          // 星级, 0..5
    std::array<int64_t, 5> satisfaction{};  // residents' ratings per level 1..5 (server counts)
};

// 网格长 plus the five roles of N+5.
enum class Role : uint8_t {
    kHead,
    kInformation,
    kAdministrator,
    kSupervisor,
    kSpecialist,
    kAssistant
};
inline constexpr std::array<std::string_view, 6> kRoleCodes = {
    "head", "information", "administrator", "supervisor", "specialist", "assistant"};

struct DutySlot {
    int weekday = 1;                     // 1 = Monday … 7 = Sunday
    int from_minute = 0, to_minute = 0;  // minutes after midnight, from < to
};
struct StaffMember {
    std::string name;
    Role role = Role::kHead;
    std::string office_phone;  // the public office number residents may call
    std::vector<DutySlot> duty;
};
struct GridRoster {
    ContentHeader header;            // scope: the full path of its one grid (5 segments)
    std::vector<StaffMember> staff;  // one head, and every one of the five roles
};

struct ContentBundle {
    std::vector<Disclosure> disclosures;
    std::vector<DeliberationMatter> deliberations;
    std::vector<GovernanceStatistics> statistics;
    std::vector<Project> projects;
    std::vector<GridRoster> rosters;
    size_t size() const {
        return disclosures.size() + deliberations.size() + statistics.size() + projects.size() +
               rosters.size();
    }
};

// Parses and validates a content document {"disclosures": [...], "deliberations": [...],
// "statistics": [...], "projects": [...], "rosters": [...]} (each optional). A document with any
// problem is refused whole: Error "content" whose message has one line per problem,
// "projects[3].tier: must be green, yellow or red" (at most 50 lines, then how many more).
Result<ContentBundle> ParseContentJson(std::string_view json_text);

// Whether a grid path falls under a scope (whole segments: "a/b" covers "a/b/c", not "a/bc").
bool ScopeCovers(std::string_view scope, std::string_view grid_path);

}  // namespace gk
