// The service catalogue: the shipped asset (counts, phrases, GB2312-only text) and strict
// validation of malformed documents, which must return errors with paths and never crash.
#include "core/catalogue.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

namespace gk {
namespace {

using nlohmann::json;

std::string ReadAsset(const std::string& name) {
    std::ifstream in(std::string(GK_ASSETS_DIR) + "/" + name, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// True when every character of text exists in GB2312, the set the kiosk font covers.
bool InGb2312(const std::string& text) {
    iconv_t cd = iconv_open("GB2312", "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) return false;
    std::string in = text;
    std::string out(in.size() * 2 + 4, '\0');
    char* in_ptr = in.data();
    char* out_ptr = out.data();
    size_t in_left = in.size(), out_left = out.size();
    const size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    iconv_close(cd);
    return rc != static_cast<size_t>(-1) && in_left == 0;
}

TEST(CatalogueAsset, Gb2312CheckerWorks) {
    EXPECT_TRUE(InGb2312("路灯不亮, street light"));
    EXPECT_FALSE(InGb2312("\xF0\x9F\x98\x80"));  // emoji
    EXPECT_FALSE(InGb2312("堃"));                // a rare character outside GB2312
}

class ShippedCatalogue : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string text = ReadAsset("catalogue.json");
        ASSERT_FALSE(text.empty()) << "assets/catalogue.json missing";
        auto parsed = ParseCatalogueJson(text);
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        catalogue_ = std::move(*parsed);
    }
    Catalogue catalogue_;
};

TEST_F(ShippedCatalogue, HasTheGroupsAndServicesOfACityCommunity) {
    EXPECT_GE(catalogue_.version, 1);
    EXPECT_GE(catalogue_.groups.size(), 8u);
    EXPECT_GE(catalogue_.ServiceCount(), 30u);
    std::set<std::string> group_names;
    for (const auto& g : catalogue_.groups) group_names.insert(g.name.zh);
    for (const char* name :
         {"综合治理", "劳动保障", "民政", "市容环境", "设施维修", "安全隐患", "矛盾纠纷"}) {
        EXPECT_TRUE(group_names.count(name)) << name;
    }
    bool legal = false;
    for (const auto& name : group_names) legal = legal || name.find("司法") != std::string::npos;
    EXPECT_TRUE(legal);
}

TEST_F(ShippedCatalogue, EveryServiceIsComplete) {
    for (const auto& g : catalogue_.groups) {
        EXPECT_FALSE(g.name.en.empty()) << g.code;
        EXPECT_FALSE(g.icon.empty()) << g.code;
        for (const auto& s : g.services) {
            EXPECT_FALSE(s.name.en.empty()) << s.code;
            EXPECT_FALSE(s.description.zh.empty()) << s.code;
            EXPECT_FALSE(s.description.en.empty()) << s.code;
            EXPECT_GE(s.quick_phrases.size(), 3u) << s.code;
            EXPECT_LE(s.quick_phrases.size(), 6u) << s.code;
            for (const auto& p : s.quick_phrases)
                EXPECT_FALSE(p.en.empty()) << s.code << " " << p.zh;
            EXPECT_GE(s.sla_days, 1) << s.code;
            EXPECT_LE(s.sla_days, 30) << s.code;  // a community's promise, not a year
        }
    }
}

TEST_F(ShippedCatalogue, HasTheCommonQuickPhrases) {
    std::set<std::string> phrases;
    for (const auto& g : catalogue_.groups) {
        for (const auto& s : g.services) {
            for (const auto& p : s.quick_phrases) phrases.insert(p.zh);
        }
    }
    for (const char* p :
         {"路灯不亮", "垃圾未清运", "楼道堆物", "噪音扰民", "低保咨询", "就业登记"}) {
        EXPECT_TRUE(phrases.count(p)) << p;
    }
}

TEST_F(ShippedCatalogue, CallBackServicesRequireContact) {
    for (const char* code : {"civil.subsistence", "legal.aid", "labour.employment_registration"}) {
        const Service* s = catalogue_.FindService(code);
        ASSERT_NE(s, nullptr) << code;
        EXPECT_TRUE(s->attributes.contact_required) << code;
    }
    const Service* light = catalogue_.FindService("repair.streetlight");
    ASSERT_NE(light, nullptr);
    EXPECT_TRUE(light->attributes.location_required);
    EXPECT_FALSE(light->attributes.contact_required);  // anyone may report a dark lamp
}

TEST_F(ShippedCatalogue, AllChineseTextIsInGb2312) {
    auto check = [](const std::string& text, const std::string& where) {
        EXPECT_TRUE(InGb2312(text)) << where << ": " << text;
    };
    for (const auto& g : catalogue_.groups) {
        check(g.name.zh, g.code), check(g.icon, g.code + ".icon");
        for (const auto& s : g.services) {
            check(s.name.zh, s.code), check(s.description.zh, s.code);
            for (const auto& p : s.quick_phrases) check(p.zh, s.code);
        }
    }
}

TEST_F(ShippedCatalogue, LookUps) {
    const Service* s = catalogue_.FindService("disputes.noise");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name.zh, "噪音扰民");
    const ServiceGroup* g = catalogue_.FindGroupOf("disputes.noise");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->name.zh, "矛盾纠纷");
    EXPECT_EQ(catalogue_.FindService("no.such.service"), nullptr);
    EXPECT_EQ(catalogue_.FindGroupOf("no.such.service"), nullptr);
    EXPECT_EQ(catalogue_.FindService("disputes"), nullptr);  // a group code is not a service
    size_t counted = 0;
    for (const auto& group : catalogue_.groups) counted += group.services.size();
    EXPECT_EQ(catalogue_.ServiceCount(), counted);
}

// --- Malformed documents -------------------------------------------------------------------

json MinimalDocument() {
    return json::parse(R"({
      "version": 3,
      "groups": [
        {"code": "city", "name": {"zh": "市容环境", "en": "City"}, "icon": "环",
         "services": [
           {"code": "city.garbage", "name": {"zh": "垃圾未清运"}, "sla_days": 1},
           {"code": "city.light", "name": {"zh": "路灯不亮", "en": "Light out"},
            "description": {"zh": "路灯", "en": "Lamp"},
            "attributes": {"location_required": true, "contact_required": false},
            "quick_phrases": [{"zh": "路灯不亮", "en": "Light out"}], "sla_days": 3}
         ]},
        {"code": "civil", "name": {"zh": "民政"},
         "services": [
           {"code": "civil.subsistence", "name": {"zh": "低保咨询"},
            "attributes": {"contact_required": true}, "sla_days": 10}
         ]}
      ]})");
}

std::string ErrorOf(const json& document) {
    const auto r = ParseCatalogueJson(document.dump());
    return r.ok() ? "ok" : r.error().code + " " + r.error().message;
}

TEST(CatalogueParse, MinimalDocumentAndDefaults) {
    const auto r = ParseCatalogueJson(MinimalDocument().dump());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->version, 3);
    ASSERT_EQ(r->groups.size(), 2u);
    EXPECT_EQ(r->ServiceCount(), 3u);
    const Service* garbage = r->FindService("city.garbage");
    ASSERT_NE(garbage, nullptr);
    EXPECT_TRUE(garbage->attributes.location_required);  // default
    EXPECT_FALSE(garbage->attributes.contact_required);  // default
    EXPECT_EQ(garbage->name.In("en"), "垃圾未清运");     // falls back to zh
    EXPECT_EQ(r->FindService("city.light")->name.In("en"), "Light out");
    EXPECT_TRUE(r->FindService("civil.subsistence")->attributes.contact_required);
    EXPECT_EQ(r->FindGroupOf("civil.subsistence")->code, "civil");
}

TEST(CatalogueParse, UnknownKeysAreIgnoredForNewerServers) {
    json doc = MinimalDocument();
    doc["published_by"] = "server 2.0";
    doc["groups"][0]["services"][0]["photo_allowed"] = true;
    EXPECT_EQ(ErrorOf(doc), "ok");
}

struct Mutation {
    const char* name;
    void (*apply)(json&);
    const char* expected;  // must appear in "code message"
};

TEST(CatalogueParse, MalformedDocumentsNameThePath) {
    const Mutation mutations[] = {
        {"root array", [](json& d) { d = json::array(); },
         "invalid (document): must be a JSON object"},
        {"no version", [](json& d) { d.erase("version"); }, "version: required"},
        {"version string", [](json& d) { d["version"] = "3"; }, "version: must be an integer"},
        {"version negative", [](json& d) { d["version"] = -1; }, "version: must be 0.."},
        {"version float", [](json& d) { d["version"] = 3.5; }, "version: must be an integer"},
        {"no groups", [](json& d) { d.erase("groups"); }, "groups: required"},
        {"groups object", [](json& d) { d["groups"] = json::object(); },
         "groups: must be an array"},
        {"groups empty", [](json& d) { d["groups"] = json::array(); }, "groups: must not be empty"},
        {"group not object", [](json& d) { d["groups"][1] = 5; }, "groups[1]: must be an object"},
        {"group no code", [](json& d) { d["groups"][1].erase("code"); },
         "groups[1].code: required"},
        {"group services empty", [](json& d) { d["groups"][1]["services"] = json::array(); },
         "groups[1].services: must not be empty"},
        {"group services missing", [](json& d) { d["groups"][0].erase("services"); },
         "groups[0].services: required"},
        {"group icon number", [](json& d) { d["groups"][0]["icon"] = 1; },
         "groups[0].icon: must be a string"},
        {"group name missing zh",
         [](json& d) {
             d["groups"][1]["name"] = {{"en", "Civil"}};
         },
         "groups[1].name.zh: required"},
        {"group name string", [](json& d) { d["groups"][1]["name"] = "民政"; },
         "groups[1].name: must be an object"},
        {"duplicate group", [](json& d) { d["groups"][1]["code"] = "city"; },
         "groups[1].code: duplicate group code"},
        {"service missing zh", [](json& d) { d["groups"][0]["services"][1]["name"].erase("zh"); },
         "groups[0].services[1].name.zh: required"},
        {"service empty zh", [](json& d) { d["groups"][0]["services"][1]["name"]["zh"] = ""; },
         "groups[0].services[1].name.zh: must not be empty"},
        {"service zh number", [](json& d) { d["groups"][0]["services"][0]["name"]["zh"] = 7; },
         "groups[0].services[0].name.zh: must be a string"},
        {"service en null", [](json& d) { d["groups"][0]["services"][0]["name"]["en"] = nullptr; },
         "groups[0].services[0].name.en: must be a string"},
        {"description missing zh",
         [](json& d) { d["groups"][0]["services"][1]["description"].erase("zh"); },
         "groups[0].services[1].description.zh: required"},
        {"service not object", [](json& d) { d["groups"][0]["services"][0] = "city.garbage"; },
         "groups[0].services[0]: must be an object"},
        {"sla zero", [](json& d) { d["groups"][0]["services"][0]["sla_days"] = 0; },
         "groups[0].services[0].sla_days: must be 1..365"},
        {"sla 366", [](json& d) { d["groups"][1]["services"][0]["sla_days"] = 366; },
         "groups[1].services[0].sla_days: must be 1..365"},
        {"sla negative", [](json& d) { d["groups"][1]["services"][0]["sla_days"] = -7; },
         "groups[1].services[0].sla_days: must be 1..365"},
        {"sla wraps", [](json& d) { d["groups"][1]["services"][0]["sla_days"] = 4294967297ull; },
         "groups[1].services[0].sla_days: must be 1..365"},
        {"sla string", [](json& d) { d["groups"][1]["services"][0]["sla_days"] = "7"; },
         "groups[1].services[0].sla_days: must be an integer"},
        {"sla float", [](json& d) { d["groups"][1]["services"][0]["sla_days"] = 7.5; },
         "groups[1].services[0].sla_days: must be an integer"},
        {"sla missing", [](json& d) { d["groups"][1]["services"][0].erase("sla_days"); },
         "groups[1].services[0].sla_days: required"},
        {"code upper case", [](json& d) { d["groups"][0]["services"][1]["code"] = "City.Light"; },
         "groups[0].services[1].code: only a-z"},
        {"code with space", [](json& d) { d["groups"][0]["services"][1]["code"] = "city light"; },
         "groups[0].services[1].code: only a-z"},
        {"code chinese", [](json& d) { d["groups"][0]["services"][1]["code"] = "路灯"; },
         "groups[0].services[1].code: only a-z"},
        {"code too long",
         [](json& d) { d["groups"][0]["services"][1]["code"] = std::string(41, 'a'); },
         "groups[0].services[1].code: must be 1..40"},
        {"code empty", [](json& d) { d["groups"][0]["services"][1]["code"] = ""; },
         "groups[0].services[1].code: must be 1..40"},
        {"code number", [](json& d) { d["groups"][0]["services"][1]["code"] = 12; },
         "groups[0].services[1].code: must be a string"},
        {"duplicate service in group",
         [](json& d) { d["groups"][0]["services"][1]["code"] = "city.garbage"; },
         "groups[0].services[1].code: duplicate service code \"city.garbage\""},
        {"duplicate service across groups",
         [](json& d) { d["groups"][1]["services"][0]["code"] = "city.light"; },
         "groups[1].services[0].code: duplicate service code"},
        {"attributes array",
         [](json& d) { d["groups"][0]["services"][1]["attributes"] = json::array(); },
         "groups[0].services[1].attributes: must be an object"},
        {"attribute string",
         [](json& d) { d["groups"][0]["services"][1]["attributes"]["location_required"] = "yes"; },
         "groups[0].services[1].attributes.location_required: must be true or false"},
        {"attribute number",
         [](json& d) { d["groups"][1]["services"][0]["attributes"]["contact_required"] = 1; },
         "groups[1].services[0].attributes.contact_required: must be true or false"},
        {"phrases object",
         [](json& d) { d["groups"][0]["services"][1]["quick_phrases"] = json::object(); },
         "groups[0].services[1].quick_phrases: must be an array"},
        {"phrase missing zh",
         [](json& d) {
             d["groups"][0]["services"][1]["quick_phrases"].push_back({{"en", "only en"}});
         },
         "groups[0].services[1].quick_phrases[1].zh: required"},
        {"phrase string",
         [](json& d) { d["groups"][0]["services"][1]["quick_phrases"][0] = "路灯不亮"; },
         "groups[0].services[1].quick_phrases[0]: must be an object"},
        {"name too long",
         [](json& d) {
             std::string long_name;
             for (int i = 0; i < 201; ++i) long_name += "长";
             d["groups"][0]["services"][1]["name"]["zh"] = long_name;
         },
         "groups[0].services[1].name.zh: longer than 200"},
    };
    for (const auto& m : mutations) {
        json doc = MinimalDocument();
        m.apply(doc);
        const std::string error = ErrorOf(doc);
        EXPECT_NE(error.find(m.expected), std::string::npos)
            << m.name << ": got \"" << error << "\"";
    }
}

TEST(CatalogueParse, NotJsonAtAll) {
    for (const std::string text :
         {"", "   ", "not json", "{", "{\"version\":1,", "\xFF\xFE{}",
          "{\"version\":1,\"groups\":[{\"code\":\"\xC3\x28\"}]}",  // bad UTF-8
          "{\"version\":1} trailing"}) {
        const auto r = ParseCatalogueJson(text);
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().code, "not_json") << text;
        EXPECT_FALSE(r.error().message.empty());
    }
}

TEST(CatalogueParse, OneMegabyteOfGarbageNeverCrashes) {
    std::mt19937 rng(1);
    std::string garbage(1 << 20, '\0');
    for (auto& c : garbage) c = static_cast<char>(rng());
    EXPECT_EQ(ParseCatalogueJson(garbage).error().code, "not_json");

    // Deep nesting, unterminated or well-formed: refused before a node is built.
    EXPECT_EQ(ParseCatalogueJson(std::string(1 << 20, '[')).error().code, "not_json");
    const std::string deep =
        "{\"version\":1,\"groups\":[" + std::string(200000, '[') + std::string(200000, ']') + "]}";
    const auto r = ParseCatalogueJson(deep);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "not_json");
    EXPECT_NE(r.error().message.find("deeper than"), std::string::npos) << r.error().message;
    // Just inside the bound the shape check still speaks.
    const std::string shallow = "{\"version\":1,\"groups\":[[[]]]}";
    EXPECT_EQ(ParseCatalogueJson(shallow).error().message, "groups[0]: must be an object");

    // A megabyte of valid JSON that is no catalogue.
    json big = json::array();
    for (int i = 0; i < 60000; ++i) big.push_back("路灯不亮");
    EXPECT_FALSE(ParseCatalogueJson(big.dump()).ok());
}

TEST(CatalogueParse, RandomCorruptionOfTheAssetNeverCrashes) {
    const std::string original = ReadAsset("catalogue.json");
    ASSERT_FALSE(original.empty());
    std::mt19937 rng(99);
    int failures = 0;
    for (int round = 0; round < 300; ++round) {
        std::string text = original;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) text[rng() % text.size()] = static_cast<char>(rng());
        if (rng() % 4 == 0) text.resize(rng() % text.size());  // truncated download
        const auto r = ParseCatalogueJson(text);
        if (!r.ok()) {
            ++failures;
            EXPECT_FALSE(r.error().message.empty());
        } else {
            EXPECT_GE(r->ServiceCount(), 1u);
        }
    }
    EXPECT_GT(failures, 150);  // most corruptions are caught, none crash
}

}  // namespace
}  // namespace gk
