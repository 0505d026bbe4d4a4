// The JSON form of a request: round trip, ISO 8601 times, and every way a peer can send a
// malformed record (wrong types, missing fields, bad UTF-8, bad UUID, bad receipt code).
#include "core/request_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/receipt_code.h"

namespace gk {
namespace {

using nlohmann::json;

std::string GoodReceipt() {
    ReceiptSecret secret{};
    secret[0] = 9;
    return *MakeReceiptCode(12, 345, secret);
}

ServiceRequest Sample() {
    ServiceRequest r;
    r.uuid = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b";
    r.receipt_code = GoodReceipt();
    r.service_code = "repair.streetlight";
    r.description = "3号楼东侧路灯不亮，晚上很黑。\n\"quoted\" \\ back-slash";
    r.location = {"3号楼", "2单元", "501"};
    r.contact = {"王阿姨", "13800138000", true, "子女"};
    r.grid_path = "西安市/碑林区/张家村街道/某社区/第三网格";
    r.lang = "zh";
    r.created_at_unix = 1795744800;  // 2026-11-27T10:00:00+08:00
    return r;
}

std::string ErrorOf(const json& j) {
    const auto r = RequestFromJson(j);
    return r.ok() ? "ok" : r.error().code + " " + r.error().message;
}

TEST(RequestJson, ShapeMatchesTheHeader) {
    const json j = RequestToJson(Sample());
    EXPECT_EQ(j["created_at"], "2026-11-27T10:00:00+08:00");
    EXPECT_EQ(j["location"]["building"], "3号楼");
    EXPECT_EQ(j["contact"]["by_proxy"], true);
    EXPECT_EQ(j["receipt_code"], GoodReceipt());
    EXPECT_EQ(j.size(), 9u);
    EXPECT_EQ(j["location"].size(), 3u);
    EXPECT_EQ(j["contact"].size(), 4u);
}

TEST(RequestJson, RoundTripThroughText) {
    const ServiceRequest in = Sample();
    const std::string text = RequestToJson(in).dump();
    const auto out = RequestFromJson(json::parse(text));
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(out->uuid, in.uuid);
    EXPECT_EQ(out->receipt_code, in.receipt_code);
    EXPECT_EQ(out->service_code, in.service_code);
    EXPECT_EQ(out->description, in.description);
    EXPECT_EQ(out->location.building, in.location.building);
    EXPECT_EQ(out->location.unit, in.location.unit);
    EXPECT_EQ(out->location.room, in.location.room);
    EXPECT_EQ(out->contact.name, in.contact.name);
    EXPECT_EQ(out->contact.phone, in.contact.phone);
    EXPECT_EQ(out->contact.by_proxy, in.contact.by_proxy);
    EXPECT_EQ(out->contact.relation, in.contact.relation);
    EXPECT_EQ(out->grid_path, in.grid_path);
    EXPECT_EQ(out->lang, in.lang);
    EXPECT_EQ(out->created_at_unix, in.created_at_unix);
}

TEST(RequestJson, ToJsonNeverProducesUndumpableText) {
    ServiceRequest r = Sample();
    r.description = "bad \xFF\xFE bytes";
    const json j = RequestToJson(r);
    std::string text;
    EXPECT_NO_THROW(text = j.dump());
    EXPECT_NE(j["description"].get<std::string>().find("\xEF\xBF\xBD"),
              std::string::npos);  // U+FFFD
}

TEST(IsoTime, FormatsChinaTime) {
    EXPECT_EQ(FormatChinaTime(0), "1970-01-01T08:00:00+08:00");
    EXPECT_EQ(FormatChinaTime(1767196799), "2025-12-31T23:59:59+08:00");
    EXPECT_EQ(FormatChinaTime(1767196800), "2026-01-01T00:00:00+08:00");
    EXPECT_EQ(FormatChinaTime(-115200), "1969-12-31T00:00:00+08:00");
    EXPECT_EQ(FormatChinaTime(1709208000), "2024-02-29T20:00:00+08:00");
}

TEST(IsoTime, ParsesOffsetsAndZulu) {
    struct Case {
        const char* text;
        int64_t unix_seconds;
    };
    for (const Case& c :
         {Case{"2026-11-27T10:00:00+08:00", 1795744800}, Case{"2026-11-27T02:00:00Z", 1795744800},
          Case{"2026-11-27T02:00:00z", 1795744800}, Case{"2026-11-26T21:00:00-05:00", 1795744800},
          Case{"2026-11-27T07:30:00+05:30", 1795744800},
          Case{"2026-11-27t10:00:00+08:00", 1795744800},
          Case{"2026-11-27 10:00:00+08:00", 1795744800},
          Case{"2026-11-27T10:00:00.987+08:00", 1795744800},
          Case{"2024-02-29T12:00:00Z", 1709208000}, Case{"1970-01-01T00:00:00Z", 0},
          Case{"1969-12-31T00:00:00+08:00", -115200}}) {
        int64_t t = 42;
        EXPECT_TRUE(ParseIsoTime(c.text, t)) << c.text;
        EXPECT_EQ(t, c.unix_seconds) << c.text;
    }
    // The inverse of FormatChinaTime over a range of times.
    for (int64_t t = 1'700'000'000; t < 1'900'000'000; t += 9'876'543) {
        int64_t back = 0;
        ASSERT_TRUE(ParseIsoTime(FormatChinaTime(t), back));
        EXPECT_EQ(back, t);
    }
}

TEST(IsoTime, RefusesMalformedTimes) {
    for (const char* text :
         {"", "2026-11-27", "2026-11-27T10:00:00", "2026-11-27T10:00+08:00",
          "2026-11-27T10:00:00+0800", "2026-11-27T10:00:00+08", "2026-13-01T00:00:00Z",
          "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-27T24:00:00Z",
          "2026-11-27T10:60:00Z", "2026-11-27T10:00:61Z", "2026-11-27T10:00:00+24:00",
          "2026-11-27T10:00:00Z ", "2026-11-27T10:00:00.Z", "26-11-27T10:00:00Z",
          "2026/11/27T10:00:00Z", "２０２６-11-27T10:00:00Z", "2026-11-27X10:00:00Z"}) {
        int64_t t = 0;
        EXPECT_FALSE(ParseIsoTime(text, t)) << text;
    }
}

TEST(RequestFromJson, RefusesNonObjects) {
    EXPECT_EQ(ErrorOf(json::array()), "bad_type request: must be a JSON object");
    EXPECT_EQ(ErrorOf(json("text")), "bad_type request: must be a JSON object");
    EXPECT_EQ(ErrorOf(json()), "bad_type request: must be a JSON object");
}

TEST(RequestFromJson, MissingFieldsAreNamed) {
    const json good = RequestToJson(Sample());
    for (const char* key : {"uuid", "receipt_code", "service_code", "description", "location",
                            "contact", "grid_path", "lang", "created_at"}) {
        json j = good;
        j.erase(key);
        EXPECT_EQ(ErrorOf(j), std::string("missing ") + key + ": required") << key;
    }
    for (const char* key : {"building", "unit", "room"}) {
        json j = good;
        j["location"].erase(key);
        EXPECT_EQ(ErrorOf(j), std::string("missing location.") + key + ": required");
    }
    for (const char* key : {"name", "phone", "by_proxy", "relation"}) {
        json j = good;
        j["contact"].erase(key);
        EXPECT_EQ(ErrorOf(j), std::string("missing contact.") + key + ": required");
    }
    json empty_service = good;
    empty_service["service_code"] = "";
    EXPECT_EQ(ErrorOf(empty_service).substr(0, 21), "missing service_code:");
}

TEST(RequestFromJson, WrongTypesAreNamed) {
    const json good = RequestToJson(Sample());
    for (const char* key : {"uuid", "receipt_code", "service_code", "description", "grid_path",
                            "lang", "created_at"}) {
        for (const json& wrong :
             {json(1), json(true), json(nullptr), json::array({"x"}), json::object()}) {
            json j = good;
            j[key] = wrong;
            EXPECT_EQ(ErrorOf(j), std::string("bad_type ") + key + ": must be a string")
                << key << " " << wrong;
        }
    }
    json j = good;
    j["location"] = "3号楼";
    EXPECT_EQ(ErrorOf(j), "bad_type location: must be an object");
    j = good;
    j["contact"] = json::array();
    EXPECT_EQ(ErrorOf(j), "bad_type contact: must be an object");
    j = good;
    j["location"]["room"] = 501;
    EXPECT_EQ(ErrorOf(j), "bad_type location.room: must be a string");
    j = good;
    j["contact"]["by_proxy"] = "false";
    EXPECT_EQ(ErrorOf(j), "bad_type contact.by_proxy: must be true or false");
    j = good;
    j["contact"]["by_proxy"] = 0;
    EXPECT_EQ(ErrorOf(j), "bad_type contact.by_proxy: must be true or false");
    j = good;
    j["contact"]["phone"] = 13800138000LL;  // a number, as a careless client might send
    EXPECT_EQ(ErrorOf(j), "bad_type contact.phone: must be a string");
}

TEST(RequestFromJson, InvalidUtf8IsRefused) {
    // Parsing text already refuses invalid UTF-8; a json built in code can still hold it.
    const json good = RequestToJson(Sample());
    json j = good;
    j["description"] = std::string("路灯\xFF");
    EXPECT_EQ(ErrorOf(j), "bad_utf8 description: invalid UTF-8");
    j = good;
    j["location"]["building"] = std::string("\xC0\xAF");  // overlong '/'
    EXPECT_EQ(ErrorOf(j), "bad_utf8 location.building: invalid UTF-8");
    j = good;
    j["contact"]["name"] = std::string("\xED\xA0\x80");  // a lone surrogate
    EXPECT_EQ(ErrorOf(j), "bad_utf8 contact.name: invalid UTF-8");
}

TEST(RequestFromJson, BadUuid) {
    const json good = RequestToJson(Sample());
    for (const char* uuid :
         {"", "not-a-uuid", "3F2B8C1E-9A4D-4E6F-8B2A-1C3D5E7F9A0B",
          "3f2b8c1e9a4d4e6f8b2a1c3d5e7f9a0b", "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0",
          "{3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b}"}) {
        json j = good;
        j["uuid"] = uuid;
        EXPECT_EQ(ErrorOf(j).substr(0, 8), "bad_uuid") << uuid;
    }
}

TEST(RequestFromJson, BadReceiptCode) {
    const json good = RequestToJson(Sample());
    const std::string code = GoodReceipt();
    std::string wrong_check = code;
    wrong_check[15] = wrong_check[15] == 'Z' ? 'Y' : 'Z';
    std::string lower = code;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_NE(lower, code);
    for (const std::string& receipt :
         {wrong_check, lower, FormatReceiptCode(code), code.substr(0, 15), std::string(""),
          std::string("UUUUUUUUUUUUUUUU")}) {
        json j = good;
        j["receipt_code"] = receipt;
        EXPECT_EQ(ErrorOf(j).substr(0, 11), "bad_receipt") << receipt;
    }
}

TEST(RequestFromJson, BadLangAndTime) {
    json j = RequestToJson(Sample());
    j["lang"] = "fr";
    EXPECT_EQ(ErrorOf(j).substr(0, 8), "bad_lang");
    j = RequestToJson(Sample());
    j["created_at"] = "2026-11-27T10:00:00";  // no offset
    EXPECT_EQ(ErrorOf(j).substr(0, 8), "bad_time");
    j["created_at"] = "2026-11-27T02:00:00Z";
    const auto r = RequestFromJson(j);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->created_at_unix, 1795744800);
}

TEST(RequestFromJson, ExtraFieldsAreIgnored) {
    json j = RequestToJson(Sample());
    j["photo_ids"] = json::array();
    EXPECT_EQ(ErrorOf(j), "ok");
}

}  // namespace
}  // namespace gk
