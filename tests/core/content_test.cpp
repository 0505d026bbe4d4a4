// Community content: a realistic document of every kind parses; each rule refuses what breaks
// it with the path of the field; a file with many problems lists them all at once.
#include "core/content.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace gk {
namespace {

using nlohmann::json;

const char* kGrid = "西安市/碑林区/长安路街道/书院门社区/第三网格";

json Header(const std::string& id,
            const std::string& scope = "西安市/碑林区/长安路街道/书院门社区") {
    return {{"id", id},
            {"version", 1},
            {"scope", scope},
            {"published", "2026-11-30"},
            {"valid_until", "2027-11-30"},
            {"publisher", "书院门社区居委会"}};
}

json With(json item, const json& header) {
    item.update(header);
    return item;
}

// One item of every kind, as the reference article describes them.
json GoodDocument() {
    json finance = With({{"board", "finance"},
                         {"title", {{"zh", "2026年第三季度财务收支"}}},
                         {"body", {{"zh", "本季度社区经费收支如下。"}, {"en", "This quarter."}}},
                         {"finance",
                          {{"rows",
                            {{{"item", {{"zh", "办公经费"}}},
                              {"income_fen", 5000000},
                              {"spending_fen", 3200000},
                              {"balance_fen", 1800000},
                              {"period", "2026年第三季度"}},
                             {{"item", {{"zh", "为民服务专项"}}},
                              {"income_fen", 20000000},
                              {"spending_fen", 20000000},
                              {"balance_fen", 0}}}},
                           {"total_income_fen", 25000000},
                           {"total_spending_fen", 23200000},
                           {"total_balance_fen", 1800000}}}},
                        Header("fin-2026q3"));
    json affairs = With({{"board", "affairs"},
                         {"title", {{"zh", "加装电梯意见征集"}}},
                         {"body", {{"zh", "3号楼加装电梯，请居民提出意见。"}}}},
                        Header("affairs-lift"));
    json matter =
        With({{"title", {{"zh", "3号楼加装电梯"}}},
              {"summary", {{"zh", "居民提议为3号楼加装电梯。"}}},
              {"stages",
               {{{"stage", "proposal"}, {"date", "2026-09-01"}, {"body", {{"zh", "党支部提议"}}}},
                {{"stage", "consultation"}, {"date", "2026-09-10"}},
                {{"stage", "review"}, {"date", "2026-09-20"}},
                {{"stage", "resolution"},
                 {"date", "2026-10-01"},
                 {"outcome", {{"zh", "通过"}, {"en", "Passed"}}}}}},
              {"votes", {{"in_favour", 86}, {"against", 5}, {"abstained", 3}}}},
             Header("lift-3"));
    json stats = With({{"period", "2025年"},
                       {"meetings", 320},
                       {"topics", 700},
                       {"complex_resolved", 65},
                       {"disputes_mediated", 24},
                       {"rules_adopted", 38}},
                      Header("beilin-2025", "西安市/碑林区"));
    json project = With(
        {{"name", {{"zh", "书院门老旧小区改造"}}},
         {"programme", "livelihood"},
         {"tier", "yellow"},
         {"tier_reason", {{"zh", "部分居民对停车位方案有异议"}}},
         {"assessed", "2026-11-15"},
         {"tier_history",
          {{{"tier", "green"}, {"reason", {{"zh", "立项"}}}, {"date", "2026-03-01"}}}},
         {"status", "in_progress"},
         {"progress_percent", 45},
         {"budget_fen", 300000000},
         {"funding",
          {{{"source", "government"},
            {"name", {{"zh", "碑林区住建局"}}},
            {"amount_fen", 250000000}},
           {{"source", "naming"}, {"name", {{"zh", "某物业公司冠名"}}}, {"amount_fen", 50000000}}}},
         {"responsible_unit", {{"zh", "长安路街道办事处"}}},
         {"milestones",
          {{{"title", {{"zh", "管网改造"}}}, {"date", "2026-10-30"}, {"done", true}}}},
         {"stars", 4},
         {"satisfaction", {1, 2, 10, 40, 55}}},
        Header("shuyuanmen-renewal"));
    json roster = {{"staff", json::array()}};
    const char* roles[] = {"head",       "information", "administrator",
                           "supervisor", "specialist",  "assistant"};
    const char* names[] = {"王喆", "李娜", "张伟", "刘洋", "陈静", "赵磊"};
    for (int i = 0; i < 6; ++i) {
        roster["staff"].push_back(
            {{"name", names[i]},
             {"role", roles[i]},
             {"office_phone", "029-8765432" + std::to_string(i)},
             {"duty", {{{"weekday", i + 1}, {"from", "08:30"}, {"to", "17:30"}}}}});
    }
    roster = With(roster, Header("grid-3-roster", kGrid));
    return {{"disclosures", {finance, affairs}},
            {"deliberations", {matter}},
            {"statistics", {stats}},
            {"projects", {project}},
            {"rosters", {roster}}};
}

// The problems of a refused document, one per line.
std::string Problems(const json& doc) {
    auto parsed = ParseContentJson(doc.dump());
    if (parsed) return "(accepted)";
    EXPECT_EQ(parsed.error().code, "content");
    return parsed.error().message;
}

TEST(Content, ARealisticDocumentOfEveryKindParses) {
    auto parsed = ParseContentJson(GoodDocument().dump());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const ContentBundle& c = *parsed;
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c.disclosures[0].board, Board::kFinance);
    ASSERT_TRUE(c.disclosures[0].finance.has_value());
    EXPECT_EQ(c.disclosures[0].finance->rows.size(), 2u);
    EXPECT_EQ(c.disclosures[0].finance->total_balance_fen, 1800000);
    EXPECT_FALSE(c.disclosures[1].finance.has_value());
    EXPECT_EQ(c.deliberations[0].stages.size(), 4u);
    ASSERT_TRUE(c.deliberations[0].votes.has_value());
    EXPECT_EQ(c.deliberations[0].votes->in_favour, 86);
    EXPECT_EQ(c.statistics[0].meetings, 320);
    EXPECT_EQ(c.projects[0].tier, Tier::kYellow);
    EXPECT_EQ(c.projects[0].funding[1].source, FundingSource::kNaming);
    EXPECT_EQ(c.projects[0].satisfaction[4], 55);
    EXPECT_EQ(c.rosters[0].staff[0].name, "王喆");
    EXPECT_EQ(c.rosters[0].staff[0].duty[0].from_minute, 8 * 60 + 30);
}

TEST(Content, AWrongTierNamesItsPathAndTheChoices) {
    json doc = GoodDocument();
    doc["projects"].push_back(doc["projects"][0]);
    doc["projects"].push_back(doc["projects"][0]);
    doc["projects"].push_back(doc["projects"][0]);
    for (int i = 1; i < 4; ++i) doc["projects"][i]["id"] = "p" + std::to_string(i);
    doc["projects"][3]["tier"] = "orange";
    EXPECT_EQ(Problems(doc), "projects[3].tier: must be green, yellow or red");
}

TEST(Content, FinanceTotalsAndBalancesAreChecked) {
    json doc = GoodDocument();
    json& table = doc["disclosures"][0]["finance"];
    table["rows"][1]["balance_fen"] = 1;  // income 20,000,000 − spending 20,000,000 is 0
    table["total_income_fen"] = 24999999;
    const std::string p = Problems(doc);
    EXPECT_NE(
        p.find("disclosures[0].finance.rows[1].balance_fen: must be income_fen − spending_fen"),
        std::string::npos)
        << p;
    EXPECT_NE(
        p.find("disclosures[0].finance.total_income_fen: must be the sum of the rows (25000000)"),
        std::string::npos)
        << p;
    EXPECT_NE(p.find("disclosures[0].finance.total_balance_fen: must be the sum"),
              std::string::npos)
        << p;
}

TEST(Content, FinanceTablesBelongOnTheFinanceBoardOnly) {
    json doc = GoodDocument();
    doc["disclosures"][1]["finance"] = doc["disclosures"][0]["finance"];
    doc["disclosures"][0].erase("finance");
    const std::string p = Problems(doc);
    EXPECT_NE(p.find("disclosures[0].finance: required on the finance board"), std::string::npos)
        << p;
    EXPECT_NE(p.find("disclosures[1].finance: only items on the finance board"), std::string::npos)
        << p;
}

TEST(Content, DeliberationStagesGoInOrderAndVotesComeWithTheResolution) {
    json doc = GoodDocument();
    json& stages = doc["deliberations"][0]["stages"];
    stages.erase(1);  // 商议 skipped
    std::string p = Problems(doc);
    EXPECT_NE(p.find("deliberations[0].stages[1].stage: must be consultation"), std::string::npos)
        << p;

    doc = GoodDocument();
    doc["deliberations"][0]["stages"][2]["date"] = "2026-08-01";  // before 商议
    doc["deliberations"][0].erase("votes");
    p = Problems(doc);
    EXPECT_NE(p.find("deliberations[0].stages[2].date: must not be before the previous stage's"),
              std::string::npos)
        << p;
    EXPECT_NE(p.find("deliberations[0].votes: required once the matter reached resolution"),
              std::string::npos)
        << p;

    doc = GoodDocument();
    doc["deliberations"][0]["stages"].erase(3);  // not resolved yet, but votes given
    EXPECT_EQ(Problems(doc),
              "deliberations[0].votes: only a matter that reached resolution has votes");
}

TEST(Content, ARosterIsOneGridWithAHeadAndAllFiveRoles) {
    json doc = GoodDocument();
    json& roster = doc["rosters"][0];
    roster["scope"] = "西安市/碑林区/长安路街道/书院门社区";  // a community, not a grid
    roster["staff"].erase(3);                                 // no supervisor
    roster["staff"][1]["duty"][0]["to"] = "07:00";            // ends before it starts
    roster["staff"][2]["office_phone"] = "029 8765 4321";
    const std::string p = Problems(doc);
    EXPECT_NE(p.find("rosters[0].scope: must be the full path of one grid (5 names)"),
              std::string::npos)
        << p;
    EXPECT_NE(p.find("rosters[0].staff: must have a supervisor (N+5)"), std::string::npos) << p;
    EXPECT_NE(p.find("rosters[0].staff[1].duty[0].to: must be after from"), std::string::npos) << p;
    EXPECT_NE(p.find("rosters[0].staff[2].office_phone: only digits and - allowed"),
              std::string::npos)
        << p;
}

TEST(Content, EveryProblemIsListedAtOnce) {
    json doc = GoodDocument();
    doc["projects"][0]["progress_percent"] = 140;
    doc["projects"][0].erase("tier_reason");
    doc["statistics"][0]["meetings"] = -1;
    doc["disclosures"][1]["published"] = "2026-02-30";
    doc["disclosures"][1]["board"] = 3;
    doc["deliberations"][0]["id"] = "Lift 3";
    doc["rosters"][0]["version"] = 0;
    doc["notices"] = json::array();
    const std::string p = Problems(doc);
    for (const char* line : {
             "projects[0].progress_percent: must be 0..100",
             "projects[0].tier_reason: required",
             "statistics[0].meetings: must be 0..10000000",
             "disclosures[1].published: must be a date YYYY-MM-DD",
             "disclosures[1].board: must be government, affairs, finance, services, resolutions or "
             "results",
             "deliberations[0].id: only a-z 0-9 . _ - allowed",
             "rosters[0].version: must be 1..2147483647",
             "notices: unknown kind of content",
         }) {
        EXPECT_NE(p.find(line), std::string::npos) << "missing \"" << line << "\" in:\n" << p;
    }
}

TEST(Content, IdsAreUniqueWithinAKind) {
    json doc = GoodDocument();
    doc["disclosures"][1]["id"] = "fin-2026q3";
    EXPECT_EQ(Problems(doc), "disclosures[1].id: \"fin-2026q3\" is also disclosures[0]'s id");
}

TEST(Content, ProblemsAreBoundedAndCounted) {
    json doc = {{"statistics", json::array()}};
    for (int i = 0; i < 200; ++i) doc["statistics"].push_back(json::object());
    const std::string p = Problems(doc);
    EXPECT_NE(p.find("… and "), std::string::npos);
    EXPECT_LE(std::count(p.begin(), p.end(), '\n'), 51);
}

TEST(Content, NotAContentDocument) {
    EXPECT_FALSE(ParseContentJson("").ok());
    EXPECT_FALSE(ParseContentJson("[1, 2]").ok());
    EXPECT_FALSE(ParseContentJson(std::string(100000, '[')).ok());  // too deep: refused, no crash
    auto empty = ParseContentJson("{}");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().message, "no items in the document");
}

TEST(Content, ScopesCoverWholeSegmentsOnly) {
    EXPECT_TRUE(ScopeCovers("西安市/碑林区", "西安市/碑林区/长安路街道/书院门社区/第三网格"));
    EXPECT_TRUE(ScopeCovers(kGrid, kGrid));
    EXPECT_FALSE(ScopeCovers("西安市/碑林", "西安市/碑林区/长安路街道"));
    EXPECT_FALSE(ScopeCovers(kGrid, "西安市/碑林区"));
    EXPECT_FALSE(ScopeCovers("", kGrid));
}

}  // namespace
}  // namespace gk
