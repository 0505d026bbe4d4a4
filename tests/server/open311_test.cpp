// Open311 GeoReport v2 contract tests against the real server: every response checked with the
// JSON Schemas in tests/server/schemas (written from the spec), malformed input answered in
// Open311's error format, and nothing stored by a rejected request.
#include <gtest/gtest.h>

#include "tests/server/json_schema_check.h"
#include "tests/server/test_records.h"
#include "tests/server/test_server.h"

namespace gk::test {
namespace {

using nlohmann::json;

#define EXPECT_SCHEMA(schema_file, value)                                                          \
    do {                                                                                           \
        auto errors_ = CheckJsonSchema(LoadSchema(schema_file), value);                            \
        EXPECT_TRUE(errors_.empty()) << schema_file << ":\n" << ::testing::PrintToString(errors_); \
    } while (0)

class Open311Test : public ::testing::Test {
  protected:
    void SetUp() override { api_key_ = server_.ApiKey("city-website"); }

    httplib::Params ValidForm() {
        return {{"api_key", api_key_},
                {"service_code", "repair.streetlight"},
                {"description", "小区北门路灯不亮 SECRET-DESCRIPTION"},
                {"attribute[grid_path]", TestServer::kGrid},
                {"attribute[building]", "3号楼"},
                {"phone", "138 0013 8000"},
                {"last_name", "王"},
                {"first_name", "秘密"}};
    }
    json Post(const httplib::Params& form, int expected_status) {
        auto res = server_.Client().Post("/open311/v2/requests.json", form);
        EXPECT_TRUE(res);
        if (!res) return json();
        EXPECT_EQ(res->status, expected_status) << res->body;
        return json::parse(res->body, nullptr, false);
    }
    json Get(const std::string& path, int expected_status = 200) {
        auto res = server_.Client().Get(path);
        EXPECT_TRUE(res) << path;
        if (!res) return json();
        EXPECT_EQ(res->status, expected_status) << path << " " << res->body;
        EXPECT_NE(res->get_header_value("Content-Type").find("application/json"),
                  std::string::npos);
        return json::parse(res->body, nullptr, false);
    }
    size_t StoredCount() { return Get("/open311/v2/requests.json?page_size=200").size(); }
    void ExpectError(const json& body, int code) {
        EXPECT_SCHEMA("open311_error.json", body);
        if (body.is_array() && !body.empty()) {
            EXPECT_EQ(body[0]["code"], code);
        }
    }

    TestServer server_;
    std::string api_key_;
};

TEST_F(Open311Test, DiscoveryMatchesSchema) {
    json d = Get("/open311/v2/discovery.json");
    EXPECT_SCHEMA("open311_discovery.json", d);
    EXPECT_EQ(d["endpoints"][0]["url"], server_.url() + "/open311/v2");
}

TEST_F(Open311Test, ServicesComeFromTheCatalogue) {
    json services = Get("/open311/v2/services.json");
    EXPECT_SCHEMA("open311_services.json", services);
    ASSERT_TRUE(services.is_array());
    EXPECT_GE(services.size(), 10u);
    bool found = false;
    for (const auto& s : services)
        found =
            found || (s["service_code"] == "repair.streetlight" && s["service_name"] == "路灯不亮");
    EXPECT_TRUE(found);
    json en = Get("/open311/v2/services.json?lang=en");
    for (const auto& s : en) {
        if (s["service_code"] == "repair.streetlight") {
            EXPECT_EQ(s["service_name"], "Street light out");
        }
    }
}

TEST_F(Open311Test, ServiceDefinitionHasAttributes) {
    json def = Get("/open311/v2/services/repair.streetlight.json");
    EXPECT_SCHEMA("open311_service_definition.json", def);
    std::map<std::string, bool> required;
    for (const auto& a : def["attributes"]) required[a["code"]] = a["required"];
    EXPECT_TRUE(required["grid_path"]);
    EXPECT_TRUE(required["building"]);  // the streetlight service needs a location
    EXPECT_FALSE(required["room"]);
    ExpectError(Get("/open311/v2/services/no.such.service.json", 404), 404);
}

TEST_F(Open311Test, PostThenReadByIdAndByReceiptCode) {
    json created = Post(ValidForm(), 200);
    EXPECT_SCHEMA("open311_post_response.json", created);
    const std::string id = created[0]["service_request_id"];
    const std::string code = created[0]["receipt_code"];

    json by_id = Get("/open311/v2/requests/" + id + ".json");
    EXPECT_SCHEMA("open311_requests.json", by_id);
    ASSERT_EQ(by_id.size(), 1u);
    EXPECT_EQ(by_id[0]["status"], "open");
    EXPECT_EQ(by_id[0]["extended_attributes"]["stage"], "received");
    EXPECT_EQ(by_id[0]["extended_attributes"]["channel"], "open311");
    EXPECT_EQ(by_id[0]["extended_attributes"]["notes"].size(), 1u);

    // Lower case with dashes, as a person might type it.
    std::string typed = code.substr(0, 4) + "-" + code.substr(4);
    for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    json by_code = Get("/open311/v2/requests/" + typed + ".json");
    EXPECT_EQ(by_code, by_id);

    // Public readers never see description or contact; a trusted key sees the description.
    const std::string text = by_id.dump();
    EXPECT_EQ(text.find("SECRET-DESCRIPTION"), std::string::npos);
    EXPECT_EQ(text.find("13800138000"), std::string::npos);
    EXPECT_EQ(text.find("秘密"), std::string::npos);
    EXPECT_EQ(text.find(code), std::string::npos);
    json trusted = Get("/open311/v2/requests/" + id + ".json?api_key=" + api_key_);
    EXPECT_SCHEMA("open311_requests.json", trusted);
    EXPECT_NE(trusted[0]["description"].get<std::string>().find("SECRET-DESCRIPTION"),
              std::string::npos);
    EXPECT_EQ(trusted.dump().find("13800138000"), std::string::npos);
    EXPECT_EQ(trusted[0]["extended_attributes"]["notes"].size(), 1u);
}

TEST_F(Open311Test, StageChangesShowAsStatusAndNotes) {
    json created = Post(ValidForm(), 200);
    const std::string code = created[0]["receipt_code"];
    auto r = RunServerCli({"request", "set-stage", "--db", server_.db(), code, "closed", "--note",
                           "已修复 Fixed", "--actor", "李师傅"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string path =
        "/open311/v2/requests/" + created[0]["service_request_id"].get<std::string>() + ".json";
    json got = Get(path + "?api_key=" + api_key_);
    EXPECT_SCHEMA("open311_requests.json", got);
    EXPECT_EQ(got[0]["status"], "closed");
    EXPECT_EQ(got[0]["status_notes"], "已修复 Fixed");
    EXPECT_EQ(got[0]["extended_attributes"]["notes"][1]["stage"], "closed");
    // Without a key: the status, never the notes.
    json anonymous = Get(path);
    EXPECT_SCHEMA("open311_requests.json", anonymous);
    EXPECT_EQ(anonymous[0]["status"], "closed");
    EXPECT_EQ(anonymous[0]["status_notes"], "");
    EXPECT_EQ(anonymous[0]["extended_attributes"]["notes"][1]["stage"], "closed");
    EXPECT_EQ(anonymous[0]["extended_attributes"]["notes"][1]["note"], "");
    EXPECT_EQ(anonymous.dump().find("已修复"), std::string::npos);
}

// The attack of issue 7: walking sequential ids without a key listed personal matters
// (家庭纠纷, 低保, disability, legal aid) with their staff notes.
TEST_F(Open311Test, PersonalMattersAreNeverReturnedWithoutAKey) {
    auto form = [&](const std::string& service) {
        auto f = ValidForm();
        for (auto& [k, v] : f)
            if (k == "service_code") v = service;
        return f;
    };
    json street = Post(ValidForm(), 200);
    std::vector<std::string> personal_ids, personal_codes;
    for (const char* service : {"disputes.family", "civil.subsistence", "civil.disability",
                                "legal.aid", "legal.mediation", "health.family_doctor"}) {
        json created = Post(form(service), 200);
        personal_ids.push_back(created[0]["service_request_id"]);
        personal_codes.push_back(created[0]["receipt_code"]);
        ASSERT_EQ(RunServerCli({"request", "set-stage", "--db", server_.db(), personal_codes.back(),
                                "dispatched", "--note", "家访已安排"})
                      .exit_code,
                  0);
    }
    const std::string street_id = street[0]["service_request_id"];

    // Listing, with and without a service filter, and walking every id.
    json all = Get("/open311/v2/requests.json?page_size=200");
    ASSERT_EQ(all.size(), 1u) << all.dump();
    EXPECT_EQ(all[0]["service_request_id"], street_id);
    EXPECT_EQ(Get("/open311/v2/requests.json?service_code=disputes.family").size(), 0u);
    EXPECT_EQ(
        Get("/open311/v2/requests.json?service_code=disputes.family,repair.streetlight").size(),
        1u);
    for (size_t i = 0; i < personal_ids.size(); ++i) {
        ExpectError(Get("/open311/v2/requests/" + personal_ids[i] + ".json", 404), 404);
        ExpectError(Get("/open311/v2/requests/" + personal_codes[i] + ".json", 404), 404);
        EXPECT_EQ(Get("/open311/v2/requests.json?service_request_id=" + personal_ids[i]).size(),
                  0u);
    }
    std::string ids;
    for (int id = 1; id <= 20; ++id) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    json walked = Get("/open311/v2/requests.json?service_request_id=" + ids);
    ASSERT_EQ(walked.size(), 1u);
    EXPECT_EQ(walked[0]["service_request_id"], street_id);
    EXPECT_EQ(walked.dump().find("家访"), std::string::npos);

    // A reader key sees every request with its notes, but no descriptions or receipt codes.
    auto r = RunServerCli({"api-key", "create", "--db", server_.db(), "--name", "district-office",
                           "--role", "reader"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string reader = r.out.substr(r.out.find(": ") + 2, 43);
    json seen = Get("/open311/v2/requests.json?page_size=200&api_key=" + reader);
    EXPECT_SCHEMA("open311_requests.json", seen);
    EXPECT_EQ(seen.size(), 1u + personal_ids.size());
    EXPECT_NE(seen.dump().find("家访已安排"), std::string::npos);
    EXPECT_EQ(seen.dump().find("SECRET-DESCRIPTION"), std::string::npos);
    for (const auto& code : personal_codes) EXPECT_EQ(seen.dump().find(code), std::string::npos);
    // … and cannot file requests.
    auto reader_form = ValidForm();
    for (auto& [k, v] : reader_form)
        if (k == "api_key") v = reader;
    ExpectError(Post(reader_form, 403), 403);

    // The channel key sees everything, descriptions included.
    json channel = Get("/open311/v2/requests/" + personal_ids[0] + ".json?api_key=" + api_key_);
    ASSERT_EQ(channel.size(), 1u);
    EXPECT_NE(channel.dump().find("SECRET-DESCRIPTION"), std::string::npos);
}

TEST_F(Open311Test, StaffNotesHoldingPhoneOrIdNumbersAreRefused) {
    json created = Post(ValidForm(), 200);
    const std::string code = created[0]["receipt_code"];
    for (const char* note : {"请回电 138 0013 8000", "联系人13912345678", "电话 0755-8765 4321",
                             "身份证 11010519491231002X", "证件号110105194912310021已核实",
                             "+86 139-1234-5678", "电话：１３９　１２３４　５６７８"}) {
        auto r = RunServerCli(
            {"request", "set-stage", "--db", server_.db(), code, "dispatched", "--note", note});
        EXPECT_EQ(r.exit_code, 2) << note;
        auto api = server_.Client().Post(
            "/api/v1/admin/requests/" + code + "/stage", Bearer(server_.admin_token()),
            json{{"stage", "dispatched"}, {"note", note}}.dump(), "application/json");
        ASSERT_TRUE(api);
        EXPECT_EQ(api->status, 400) << note;
    }
    for (const char* note :
         {"已派单 3号楼2单元", "2024-05-06 已修复", "预计 3 天内处理", "工单 12345 已转交"}) {
        auto r = RunServerCli(
            {"request", "set-stage", "--db", server_.db(), code, "dispatched", "--note", note});
        EXPECT_EQ(r.exit_code, 0) << note << ": " << r.err;
    }
}

TEST_F(Open311Test, ListFiltersAndPages) {
    for (int i = 0; i < 3; ++i) Post(ValidForm(), 200);
    auto other = ValidForm();
    for (auto& [k, v] : other) {
        if (k == "service_code") v = "other.suggestion";
    }
    json suggestion = Post(other, 200);
    RunServerCli({"request", "set-stage", "--db", server_.db(), suggestion[0]["receipt_code"],
                  "closed", "--note", "ok"});

    json all = Get("/open311/v2/requests.json");
    EXPECT_SCHEMA("open311_requests.json", all);
    EXPECT_EQ(all.size(), 4u);
    EXPECT_EQ(Get("/open311/v2/requests.json?service_code=repair.streetlight").size(), 3u);
    EXPECT_EQ(
        Get("/open311/v2/requests.json?service_code=repair.streetlight,other.suggestion").size(),
        4u);
    EXPECT_EQ(Get("/open311/v2/requests.json?status=closed").size(), 1u);
    EXPECT_EQ(Get("/open311/v2/requests.json?status=open").size(), 3u);
    EXPECT_EQ(Get("/open311/v2/requests.json?status=open,closed").size(), 4u);
    EXPECT_EQ(Get("/open311/v2/requests.json?page_size=3&page=1").size(), 3u);
    EXPECT_EQ(Get("/open311/v2/requests.json?page_size=3&page=2").size(), 1u);
    const std::string id = all[1]["service_request_id"];
    EXPECT_EQ(Get("/open311/v2/requests.json?service_request_id=" + id)[0]["service_request_id"],
              id);

    const std::string yesterday =
        httplib::detail::encode_query_param(FormatChinaTime(NowSeconds() - 86400));
    const std::string tomorrow =
        httplib::detail::encode_query_param(FormatChinaTime(NowSeconds() + 86400));
    EXPECT_EQ(
        Get("/open311/v2/requests.json?start_date=" + yesterday + "&end_date=" + tomorrow).size(),
        4u);
    EXPECT_EQ(Get("/open311/v2/requests.json?start_date=" + tomorrow).size(), 0u);
    EXPECT_EQ(Get("/open311/v2/requests.json?end_date=" + yesterday).size(), 0u);

    ExpectError(Get("/open311/v2/requests.json?status=pending", 400), 400);
    ExpectError(Get("/open311/v2/requests.json?start_date=yesterday", 400), 400);
    ExpectError(Get("/open311/v2/requests.json?page_size=100000", 400), 400);
    ExpectError(Get("/open311/v2/requests.json?service_request_id=abc", 400), 400);
    ExpectError(Get("/open311/v2/requests.json?api_key=wrong", 403), 403);
}

TEST_F(Open311Test, BadPostsAreRefusedAndStoreNothing) {
    auto without = [&](const std::string& key) {
        httplib::Params p;
        for (const auto& kv : ValidForm()) {
            if (kv.first != key) p.insert(kv);
        }
        return p;
    };
    auto with = [&](const std::string& key, const std::string& value) {
        auto p = without(key);
        p.emplace(key, value);
        return p;
    };
    ExpectError(Post(without("api_key"), 403), 403);
    ExpectError(Post(with("api_key", "not-a-key"), 403), 403);
    ExpectError(Post(without("service_code"), 400), 400);
    ExpectError(Post(with("service_code", "no.such"), 400), 400);
    ExpectError(Post(without("attribute[grid_path]"), 400), 400);
    ExpectError(Post(without("description"), 400), 400);
    ExpectError(Post(without("attribute[building]"), 400), 400);  // the service needs a location
    ExpectError(Post(with("phone", "12345"), 400), 400);
    ExpectError(Post(with("description", "路灯\xff\xfe坏了"), 400), 400);
    ExpectError(Post(with("description", std::string(600, 'x')), 400), 400);
    EXPECT_EQ(StoredCount(), 0u);
    // And the server still takes a good one.
    Post(ValidForm(), 200);
    EXPECT_EQ(StoredCount(), 1u);
}

TEST_F(Open311Test, HugeBodyIs413InOpen311Format) {
    const std::string huge =
        "api_key=" + api_key_ + "&description=" + std::string(10 * 1024 * 1024, 'a');
    auto res = server_.Client().Post("/open311/v2/requests.json", huge,
                                     "application/x-www-form-urlencoded");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 413);
    ExpectError(json::parse(res->body, nullptr, false), 413);
    EXPECT_EQ(StoredCount(), 0u);
    Get("/open311/v2/discovery.json");
}

TEST_F(Open311Test, UnknownRequestAndEndpointAre404InOpen311Format) {
    ExpectError(Get("/open311/v2/requests/999999.json", 404), 404);
    ExpectError(Get("/open311/v2/requests/ABCDEFGHJKMNPQRS.json", 404), 404);
    ExpectError(Get("/open311/v2/requests.xml", 404), 404);
}

}  // namespace
}  // namespace gk::test
