// Business rules for a request: one test per rule, and a check that every i18n key the rules
// produce is listed in validation_i18n_keys.txt (and every listed key is reachable).
#include "core/validation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace gk {
namespace {

Service StreetLight() {
    Service s;
    s.code = "repair.streetlight";
    s.name = {"路灯不亮", "Street light out"};
    s.attributes = {.location_required = true, .contact_required = false};
    return s;
}

Service Subsistence() {
    Service s;
    s.code = "civil.subsistence";
    s.name = {"低保咨询", "Minimum living allowance"};
    s.attributes = {.location_required = false, .contact_required = true};
    return s;
}

ServiceRequest Good() {
    ServiceRequest r;
    r.service_code = "repair.streetlight";
    r.description = "3号楼东侧路灯不亮";
    r.location = {"3号楼", "2单元", "501"};
    r.lang = "zh";
    return r;
}

std::string Repeat(std::string_view unit, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += unit;
    return out;
}

// The problems as "field=key" strings, for readable comparisons.
std::vector<std::string> Problems(const ServiceRequest& r, const Service& s = StreetLight()) {
    std::vector<std::string> out;
    for (const auto& p : ValidateRequest(r, s)) out.push_back(p.field + "=" + p.i18n_key);
    return out;
}

using Strings = std::vector<std::string>;

TEST(Validation, GoodRequestPasses) {
    EXPECT_EQ(Problems(Good()), Strings{});
    ServiceRequest r = Good();
    r.location = {};
    r.contact.phone = "13800138000";
    EXPECT_EQ(Problems(r, Subsistence()), Strings{});
}

TEST(Validation, DescriptionEmpty) {
    ServiceRequest r = Good();
    r.description = "";
    EXPECT_EQ(Problems(r), Strings{"description=error.description_empty"});
    r.description = " \t\n\xE3\x80\x80 ";  // ASCII spaces and U+3000 ideographic space
    EXPECT_EQ(Problems(r), Strings{"description=error.description_empty"});
}

TEST(Validation, DescriptionLength) {
    ServiceRequest r = Good();
    r.description = Repeat("灯", kMaxDescriptionChars);  // counted in code points, not bytes
    EXPECT_EQ(Problems(r), Strings{});
    r.description = Repeat("灯", kMaxDescriptionChars + 1);
    EXPECT_EQ(Problems(r), Strings{"description=error.description_too_long"});
    r.description = Repeat("路", 5000);
    EXPECT_EQ(Problems(r), Strings{"description=error.description_too_long"});
    r.description = std::string(5000, 'a');
    EXPECT_EQ(Problems(r), Strings{"description=error.description_too_long"});
}

TEST(Validation, EmojiIsRefusedButBmpSymbolsAreFine) {
    ServiceRequest r = Good();
    r.description = "路灯不亮\xF0\x9F\x98\xA1";  // U+1F621
    EXPECT_EQ(Problems(r), Strings{"description=error.emoji"});
    r.description = "路灯不亮★☆※→（急）";
    EXPECT_EQ(Problems(r), Strings{});
    r.location.room = "5\xF0\x9F\x8F\xA0";  // emoji in the room number
    EXPECT_EQ(Problems(r), Strings{"location.room=error.emoji"});
}

TEST(Validation, SqlAndMarkupLookingTextIsAllowed) {
    ServiceRequest r = Good();
    for (const char* text :
         {"'; DROP TABLE requests; --", "1' OR '1'='1", "<script>alert(1)</script>",
          "Robert'); DELETE FROM outbox;--", "%s %n {name} \\0"}) {
        r.description = text;
        EXPECT_EQ(Problems(r), Strings{}) << text;
    }
}

TEST(Validation, InvalidUtf8) {
    ServiceRequest r = Good();
    r.description = "路灯\xFF\xFE";
    EXPECT_EQ(Problems(r), Strings{"description=error.invalid_utf8"});
    r.description = "\xC3";  // truncated sequence: not reported as empty too
    EXPECT_EQ(Problems(r), Strings{"description=error.invalid_utf8"});
    r = Good();
    r.location.building = "\xC0\xAF";
    EXPECT_EQ(Problems(r), Strings{"location.building=error.invalid_utf8"});
    r = Good();
    r.contact.name = "\xED\xA0\x80";
    EXPECT_EQ(Problems(r), Strings{"contact.name=error.invalid_utf8"});
    r = Good();
    r.contact.phone = "138\xFF";
    EXPECT_EQ(Problems(r), Strings{"contact.phone=error.phone_bad_char"});
}

TEST(Validation, BuildingRequiredOnlyWhenTheServiceNeedsALocation) {
    ServiceRequest r = Good();
    r.location = {};
    EXPECT_EQ(Problems(r), Strings{"location.building=error.building_required"});
    r.location.building = "  ";
    EXPECT_EQ(Problems(r), Strings{"location.building=error.building_required"});
    r.location = {"", "2单元", "501"};
    EXPECT_EQ(Problems(r), Strings{"location.building=error.building_required"});
    r.location = {};
    r.contact.phone = "13800138000";
    EXPECT_EQ(Problems(r, Subsistence()), Strings{});
}

TEST(Validation, LocationFieldLength) {
    ServiceRequest r = Good();
    r.location = {Repeat("楼", kMaxLocationFieldChars), Repeat("单", kMaxLocationFieldChars),
                  std::string(kMaxLocationFieldChars, '9')};
    EXPECT_EQ(Problems(r), Strings{});
    r.location.building += "楼";
    EXPECT_EQ(Problems(r), Strings{"location.building=error.location_too_long"});
    r = Good();
    r.location.unit = Repeat("单", kMaxLocationFieldChars + 1);
    r.location.room = std::string(kMaxLocationFieldChars + 1, '9');
    EXPECT_EQ(Problems(r), (Strings{"location.unit=error.location_too_long",
                                    "location.room=error.location_too_long"}));
}

TEST(Validation, PhoneWhenGiven) {
    ServiceRequest r = Good();
    r.contact.phone = "138 0013 8000";
    EXPECT_EQ(Problems(r), Strings{});
    r.contact.phone = "010-12345678";
    EXPECT_EQ(Problems(r), Strings{});
    r.contact.phone = "138OO138OOO";
    EXPECT_EQ(Problems(r), Strings{"contact.phone=error.phone_bad_char"});
    r.contact.phone = "12800138000";
    EXPECT_EQ(Problems(r), Strings{"contact.phone=error.phone_bad_mobile"});
    r.contact.phone = "011-12345678";
    EXPECT_EQ(Problems(r), Strings{"contact.phone=error.phone_bad_landline"});
    r.contact.phone = "1380013800";
    EXPECT_EQ(Problems(r), Strings{"contact.phone=error.phone_bad_length"});
}

TEST(Validation, PhoneRequiredWhenTheServiceCallsBack) {
    ServiceRequest r = Good();
    r.contact.phone = "";
    EXPECT_EQ(Problems(r, Subsistence()), Strings{"contact.phone=error.phone_required"});
    r.contact.phone = "   ";
    EXPECT_EQ(Problems(r, Subsistence()), Strings{"contact.phone=error.phone_required"});
    EXPECT_EQ(Problems(r, StreetLight()), Strings{});  // anonymous is fine for a street light
    r.contact.phone = "abc";
    EXPECT_EQ(Problems(r, Subsistence()), Strings{"contact.phone=error.phone_bad_char"});
}

TEST(Validation, ProxyNeedsRelation) {
    ServiceRequest r = Good();
    r.contact.by_proxy = true;
    EXPECT_EQ(Problems(r), Strings{"contact.relation=error.relation_required"});
    r.contact.relation = "\xE3\x80\x80";
    EXPECT_EQ(Problems(r), Strings{"contact.relation=error.relation_required"});
    r.contact.relation = "子女";
    EXPECT_EQ(Problems(r), Strings{});
    r.contact.relation = Repeat("亲", kMaxNameChars + 1);
    EXPECT_EQ(Problems(r), Strings{"contact.relation=error.relation_too_long"});
    r.contact.by_proxy = false;
    r.contact.relation = "";
    EXPECT_EQ(Problems(r), Strings{});
}

TEST(Validation, NameLength) {
    ServiceRequest r = Good();
    r.contact.name = Repeat("王", kMaxNameChars);
    EXPECT_EQ(Problems(r), Strings{});
    r.contact.name = Repeat("王", kMaxNameChars + 1);
    EXPECT_EQ(Problems(r), Strings{"contact.name=error.name_too_long"});
}

TEST(Validation, SeveralProblemsAreAllReported) {
    ServiceRequest r = Good();
    r.description = "";
    r.location = {};
    r.contact.by_proxy = true;
    EXPECT_EQ(Problems(r, Subsistence()),
              (Strings{"description=error.description_empty", "contact.phone=error.phone_required",
                       "contact.relation=error.relation_required"}));
}

TEST(Validation, KeysFileListsExactlyTheKeysTheRulesProduce) {
    std::ifstream in(std::string(GK_ASSETS_DIR) + "/../tests/core/validation_i18n_keys.txt");
    ASSERT_TRUE(in) << "tests/core/validation_i18n_keys.txt missing";
    std::set<std::string> listed;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) listed.insert(line);
    }

    // One request per rule; together they reach every key.
    std::vector<std::pair<ServiceRequest, Service>> cases;
    auto add = [&](auto change, Service service = StreetLight()) {
        ServiceRequest r = Good();
        change(r);
        cases.emplace_back(r, service);
    };
    add([](ServiceRequest& r) { r.description = ""; });
    add([](ServiceRequest& r) { r.description = Repeat("a", 501); });
    add([](ServiceRequest& r) { r.description = "\xF0\x9F\x98\x80"; });
    add([](ServiceRequest& r) { r.description = "\xFF"; });
    add([](ServiceRequest& r) { r.location.building = ""; });
    add([](ServiceRequest& r) { r.location.room = Repeat("9", 21); });
    add([](ServiceRequest& r) { r.contact.phone = ""; }, Subsistence());
    add([](ServiceRequest& r) { r.contact.phone = "x"; });
    add([](ServiceRequest& r) { r.contact.phone = "12800138000"; });
    add([](ServiceRequest& r) { r.contact.phone = "011-12345678"; });
    add([](ServiceRequest& r) { r.contact.phone = "1380"; });
    add([](ServiceRequest& r) { r.contact.by_proxy = true; });
    add([](ServiceRequest& r) {
        r.contact.by_proxy = true, r.contact.relation = Repeat("亲", 21);
    });
    add([](ServiceRequest& r) { r.contact.name = Repeat("王", 21); });

    std::set<std::string> produced;
    for (const auto& [request, service] : cases) {
        const auto problems = ValidateRequest(request, service);
        EXPECT_EQ(problems.size(), 1u);
        for (const auto& p : problems) produced.insert(p.i18n_key);
    }
    EXPECT_EQ(produced, listed);
}

}  // namespace
}  // namespace gk
