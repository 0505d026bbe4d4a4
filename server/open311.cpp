// Open311 GeoReport v2 under /open311/v2/ (JSON only): discovery, services from the catalogue,
// creating requests (form-encoded, api_key) and reading them. Other channels — a city's
// website, a 12345 hotline system — use it as it is. See docs/OPEN311.md.
//
// Privacy: without an api_key a reader sees only requests of services the catalogue marks
// `public`, and of those the category, status, grid, dates and stages: never the texts of staff
// notes, the description, contact, room or receipt code; other requests are "not found". A
// key's role
// decides the rest: "reader" sees every request with its notes; "channel" also files requests
// and sees descriptions and receipt codes. Contact never leaves through Open311.
//
// [SECTION] request JSON
// [SECTION] discovery and services
// [SECTION] POST requests.json
// [SECTION] GET requests
#include <algorithm>

#include "core/phone.h"
#include "core/receipt_code.h"
#include "core/request_json.h"
#include "core/utf8.h"
#include "core/uuid.h"
#include "core/validation.h"
#include "server/http_common.h"
#include "server/records.h"
#include "server/secrets.h"
#include "server/staff.h"

namespace gk::server {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;
constexpr int64_t kDefaultWindowSeconds = 90 * 86400;  // the spec's default: last 90 days

std::string Param(const Request& req, const char* name) {
    return req.has_param(name) ? req.get_param_value(name) : std::string();
}

std::vector<std::string> SplitCommas(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        if (comma > start) out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

// Who is reading, by the api_key parameter. kRefused: a key that is unknown or revoked (403).
enum class Reader { kAnonymous, kReader, kChannel, kRefused };

Reader CheckApiKey(ServerContext& ctx, const Request& req) {
    const std::string key = Param(req, "api_key");
    if (key.empty()) return Reader::kAnonymous;
    auto role = ctx.storage.ApiKeyRole(HashToken(key));
    if (!role) return Reader::kRefused;
    return *role == "reader" ? Reader::kReader : Reader::kChannel;
}

// Whether this reader may learn that the request exists.
bool Visible(const StoredRequest& r, const Catalogue& catalogue, Reader who) {
    if (who == Reader::kReader || who == Reader::kChannel) return true;
    const Service* service = catalogue.FindService(r.request.service_code);
    return service != nullptr && service->is_public;
}

// [SECTION] request JSON ------------------------------------------------------------------------

// The reader's language (lang=en), not the resident's, names the service.
std::string ReaderLang(const Request& req) { return Param(req, "lang") == "en" ? "en" : "zh"; }

json RequestJson(const StoredRequest& r, const Catalogue& catalogue, const Strings& strings,
                 Reader who, int64_t now, const std::string& lang) {
    const Service* service = catalogue.FindService(r.request.service_code);
    const bool with_notes = who == Reader::kReader || who == Reader::kChannel;
    const bool trusted = who == Reader::kChannel;
    json notes = json::array();
    for (const auto& h : r.history) {  // without a key: when and which stage, not the text
        notes.push_back({{"datetime", FormatChinaTime(h.at)},
                         {"stage", StageName(h.stage)},
                         {"note", with_notes ? h.note : ""}});
    }
    const std::string_view stage_key = StageI18nKey(r.stage);
    json extended = {
        {"stage", StageName(r.stage)},
        {"stage_name",
         {{"zh", strings.Get(Lang::kZh, stage_key)}, {"en", strings.Get(Lang::kEn, stage_key)}}},
        {"overdue", IsOverdue(r, now)},
        {"grid_path", r.request.grid_path},
        {"channel", r.channel},
        {"terminal_created_datetime", FormatChinaTime(r.request.created_at_unix)},
        {"notes", notes}};
    json out = {{"service_request_id", std::to_string(r.id)},
                {"status", StageIsOpen(r.stage) ? "open" : "closed"},
                {"status_notes", !with_notes || r.history.empty() ? "" : r.history.back().note},
                {"service_name", service ? service->name.In(lang) : r.request.service_code},
                {"service_code", r.request.service_code},
                {"agency_responsible", r.request.grid_path},
                {"service_notice", ""},
                // The server's own receive time: a terminal clock that is off must not hide a
                // request from date-filtered lists (the terminal's time is an extra field).
                {"requested_datetime", FormatChinaTime(r.received_at)},
                {"updated_datetime", FormatChinaTime(r.updated_at)},
                {"expected_datetime", FormatChinaTime(r.expected_at)},
                {"address", r.request.grid_path},
                {"address_id", nullptr},
                {"zipcode", nullptr},
                {"lat", nullptr},
                {"long", nullptr},
                {"media_url", nullptr},
                {"extended_attributes", extended}};
    if (trusted) {
        out["description"] = r.request.description;
        out["extended_attributes"]["receipt_code"] = r.request.receipt_code;
        out["extended_attributes"]["building"] = r.request.location.building;
    }
    return out;
}

// [SECTION] discovery and services --------------------------------------------------------------

json AttributesOf(const Service& s) {
    auto attribute = [](const char* code, bool required, int order, const char* zh_en,
                        const char* hint) {
        return json{{"variable", true},
                    {"code", code},
                    {"datatype", "string"},
                    {"required", required},
                    {"order", order},
                    {"description", zh_en},
                    {"datatype_description", hint},
                    {"values", json::array()}};
    };
    return json::array(
        {attribute("grid_path", true, 1, "网格 Grid",
                   "市/区/街道/社区/网格, e.g. 西安市/碑林区/张家村街道/张家村社区/第3网格"),
         attribute("building", s.attributes.location_required, 2, "楼栋 Building",
                   "≤ 20 characters"),
         attribute("unit", false, 3, "单元 Unit", "≤ 20 characters"),
         attribute("room", false, 4, "门牌 Room", "≤ 20 characters")});
}

void Discovery(ServerContext& ctx, const Request&, Response& res, const std::string& changeset) {
    SendJson(
        res, 200,
        {{"changeset", changeset},
         {"contact", "网格服务站 gridkiosk"},
         {"key_service", "API keys are issued by the operator: gridkiosk-server api-key create"},
         {"endpoints", json::array({{{"specification", "http://wiki.open311.org/GeoReport_v2"},
                                     {"url", ctx.public_url + "/open311/v2"},
                                     {"changeset", changeset},
                                     {"type", "production"},
                                     {"formats", json::array({"application/json"})}}})}});
}

void Services(ServerContext& ctx, const Request& req, Response& res) {
    const std::string lang = Param(req, "lang") == "en" ? "en" : "zh";
    auto catalogue = ctx.catalogue.Get();
    json out = json::array();
    for (const auto& group : catalogue->groups) {
        for (const auto& s : group.services) {
            std::string keywords;
            for (const auto& phrase : s.quick_phrases)
                keywords += (keywords.empty() ? "" : ",") + phrase.In(lang);
            out.push_back({{"service_code", s.code},
                           {"service_name", s.name.In(lang)},
                           {"description", s.description.In(lang)},
                           {"metadata", true},
                           {"type", "realtime"},
                           {"keywords", keywords},
                           {"group", group.name.In(lang)}});
        }
    }
    SendJson(res, 200, out);
}

void ServiceDefinition(ServerContext& ctx, const Request& req, Response& res) {
    auto catalogue = ctx.catalogue.Get();
    const Service* s = catalogue->FindService(req.matches[1].str());
    if (!s) return SendOpen311Error(res, 404, "service_code not found");
    SendJson(res, 200, {{"service_code", s->code}, {"attributes", AttributesOf(*s)}});
}

// [SECTION] POST requests.json ------------------------------------------------------------------

void PostRequest(ServerContext& ctx, const Request& req, Response& res) {
    for (const auto& [name, value] : req.params) {
        if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
            return SendOpen311Error(
                res, 400, "parameter " + (IsValidUtf8(name) ? name : "?") + " is not valid UTF-8");
        }
    }
    const Reader key = CheckApiKey(ctx, req);
    if (key == Reader::kAnonymous) return SendOpen311Error(res, 403, "api_key missing");
    if (key == Reader::kRefused) return SendOpen311Error(res, 403, "api_key not valid");
    if (key != Reader::kChannel)
        return SendOpen311Error(res, 403, "api_key may only read (role reader)");
    const std::string service_code = Param(req, "service_code");
    if (service_code.empty()) return SendOpen311Error(res, 400, "service_code missing");
    auto catalogue = ctx.catalogue.Get();
    const Service* service = catalogue->FindService(service_code);
    if (!service) return SendOpen311Error(res, 400, "service_code not found: " + service_code);

    ServiceRequest r;
    r.uuid = NewUuid();
    r.service_code = service_code;
    r.description = Param(req, "description");
    r.grid_path = Param(req, "attribute[grid_path]");
    if (!IsValidGridPath(r.grid_path)) {
        return SendOpen311Error(
            res, 400, "attribute[grid_path] missing or not a grid path (市/区/街道/社区/网格)");
    }
    r.location = {Param(req, "attribute[building]"), Param(req, "attribute[unit]"),
                  Param(req, "attribute[room]")};
    const std::string phone = Param(req, "phone");
    if (!phone.empty()) {
        auto normalised = NormalisePhone(phone);
        if (!normalised) return SendOpen311Error(res, 400, "phone: " + normalised.error().code);
        r.contact.phone = *normalised;
    }
    const std::string first = Param(req, "first_name"), last = Param(req, "last_name");
    // 张 + 三 reads "张三"; John + Smith reads "John Smith".
    const bool ascii = std::all_of(first.begin(), first.end(), [](char c) { return c >= 0; }) &&
                       std::all_of(last.begin(), last.end(), [](char c) { return c >= 0; });
    r.contact.name =
        ascii ? first + (first.empty() || last.empty() ? "" : " ") + last : last + first;
    r.lang = Param(req, "lang") == "en" ? "en" : "zh";
    const int64_t now = ctx.NowSeconds();
    r.created_at_unix = now;

    auto problems = ValidateRequest(r, *service);
    if (!problems.empty()) {
        std::string text = "invalid fields:";
        for (const auto& p : problems) text += " " + p.field + " (" + p.i18n_key + ")";
        return SendOpen311Error(res, 400, text);
    }
    const ReceiptSecret secret = [&] {
        ReceiptSecret s{};
        std::copy_n(ctx.keys.receipt_secret.begin(),
                    std::min(s.size(), ctx.keys.receipt_secret.size()), s.begin());
        return s;
    }();
    auto stored = ctx.storage.CreateServerRequest(
        r, ExpectedAt(now, now, service->sla_days), now,
        [&](uint32_t counter) { return MakeReceiptCode(0, counter, secret); });
    if (!stored) {
        LogLine("open311_store_failed").Add("code", stored.error().code).Error();
        res.set_header("Retry-After", "5");
        return SendOpen311Error(res, 503, "temporarily unable to store the request");
    }
    LogLine("request_accepted")
        .Add("channel", "open311")
        .Add("id", stored->id)
        .Add("service", service_code)
        .Info();
    const std::string expected = FormatChinaTime(stored->expected_at).substr(0, 10);
    SendJson(
        res, 200,
        json::array({{{"service_request_id", std::to_string(stored->id)},
                      {"service_notice", "预计 " + expected + " 前办结 Expected by " + expected},
                      {"account_id", nullptr},
                      {"receipt_code", stored->request.receipt_code},
                      {"tracking_url", ctx.TrackingUrl(stored->request.receipt_code)}}}));
}

// [SECTION] GET requests ------------------------------------------------------------------------

bool ParseCount(const std::string& text, int min, int max, int& out) {
    if (text.empty() || text.size() > 6 || !AllDigits(text)) return false;
    out = std::stoi(text);
    return out >= min && out <= max;
}

void GetRequests(ServerContext& ctx, const Request& req, Response& res) {
    const Reader key = CheckApiKey(ctx, req);
    if (key == Reader::kRefused) return SendOpen311Error(res, 403, "api_key not valid");
    RequestFilter f;
    const int64_t now = ctx.NowSeconds();
    for (const auto& id : SplitCommas(Param(req, "service_request_id"))) {
        int64_t value = 0;
        if (id.size() > 15 || !AllDigits(id)) {
            return SendOpen311Error(res, 400, "service_request_id must be server ids (digits)");
        }
        value = std::stoll(id);
        f.ids.push_back(value);
    }
    if (f.ids.empty()) {  // the spec: other parameters are ignored when ids are given
        f.service_codes = SplitCommas(Param(req, "service_code"));
        for (const auto& [name, target] :
             {std::pair{"start_date", &f.created_from}, std::pair{"end_date", &f.created_to}}) {
            const std::string text = Param(req, name);
            if (text.empty()) continue;
            int64_t t = 0;
            if (!ParseIsoTime(text, t))
                return SendOpen311Error(res, 400, std::string(name) + " is not a W3C datetime");
            *target = t;
        }
        if (!f.created_from && !f.created_to) f.created_from = now - kDefaultWindowSeconds;
        bool want_open = false, want_closed = false;
        for (const auto& s : SplitCommas(Param(req, "status"))) {
            if (s == "open")
                want_open = true;
            else if (s == "closed")
                want_closed = true;
            else
                return SendOpen311Error(res, 400, "status must be open, closed or both");
        }
        if (want_open != want_closed) f.open = want_open;
    }
    int page = 1, page_size = kDefaultPageSize;
    if (req.has_param("page") && !ParseCount(Param(req, "page"), 1, 100000, page)) {
        return SendOpen311Error(res, 400, "page must be 1 or more");
    }
    if (req.has_param("page_size") &&
        !ParseCount(Param(req, "page_size"), 1, kMaxPageSize, page_size)) {
        return SendOpen311Error(res, 400, "page_size must be 1.." + std::to_string(kMaxPageSize));
    }
    f.limit = page_size;
    f.offset = (page - 1) * page_size;
    auto catalogue = ctx.catalogue.Get();
    if (key == Reader::kAnonymous) {
        // Only public services, in the query itself, so pages stay full and ids of other
        // requests are never walked.
        std::vector<std::string> visible;
        for (const auto& group : catalogue->groups) {
            for (const auto& service : group.services) {
                const bool asked = f.service_codes.empty() ||
                                   std::find(f.service_codes.begin(), f.service_codes.end(),
                                             service.code) != f.service_codes.end();
                if (service.is_public && asked) visible.push_back(service.code);
            }
        }
        if (visible.empty()) return SendJson(res, 200, json::array());
        f.service_codes = std::move(visible);
    }
    auto list = ctx.storage.ListRequests(f);
    if (!list) return SendOpen311Error(res, 503, "temporarily unavailable");
    json out = json::array();
    for (const auto& r : *list) {
        if (!Visible(r, *catalogue, key)) continue;
        auto full = ctx.storage.FindRequestById(r.id);  // with its history for notes[]
        if (full)
            out.push_back(RequestJson(*full, *catalogue, ctx.strings, key, now, ReaderLang(req)));
    }
    SendJson(res, 200, out);
}

void GetRequest(ServerContext& ctx, const Request& req, Response& res) {
    const Reader key = CheckApiKey(ctx, req);
    if (key == Reader::kRefused) return SendOpen311Error(res, 403, "api_key not valid");
    const std::string id = req.matches[1].str();
    const bool by_server_id = !id.empty() && id.size() <= 15 && AllDigits(id);
    Result<StoredRequest> found = Error{"not_found", ""};
    if (by_server_id) {
        found = ctx.storage.FindRequestById(std::stoll(id));
    } else {
        // A receipt code: without an API key, the same walk protection as the tracking page
        // (a key's holder is known and does not share the public's per-address budget).
        const bool limited = key == Reader::kAnonymous;
        const std::string address = ClientKey(req, ctx);
        if (int64_t wait = limited ? ctx.receipt_misses.RetryAfterSeconds(address) : 0; wait > 0) {
            res.set_header("Retry-After", std::to_string(wait));
            return SendOpen311Error(res, 429, "too many unknown receipt codes; retry later");
        }
        auto canonical = NormaliseReceiptCode(id);
        if (canonical) found = ctx.storage.FindRequestByReceipt(*canonical);
        if (limited && canonical && !found && found.error().code == "not_found")
            ctx.receipt_misses.RecordMiss(address);
    }
    if (!found) {
        if (found.error().code == "not_found")
            return SendOpen311Error(res, 404, "request not found");
        return SendOpen311Error(res, 503, "temporarily unavailable");
    }
    auto catalogue = ctx.catalogue.Get();
    // Not public and no key: answered exactly like an unknown id.
    if (!Visible(*found, *catalogue, key)) return SendOpen311Error(res, 404, "request not found");
    SendJson(res, 200,
             json::array({RequestJson(*found, *catalogue, ctx.strings, key, ctx.NowSeconds(),
                                      ReaderLang(req))}));
}

}  // namespace

void RegisterOpen311(httplib::Server& server, ServerContext& ctx) {
    const std::string changeset = FormatChinaTime(ctx.NowSeconds());
    auto route = [&ctx](const char* name, auto fn) {
        return [&ctx, name, fn](const Request& req, Response& res) {
            ctx.catalogue.Refresh(ctx.storage, ctx.clock.MonotonicMs());
            Guarded(name, res, true, [&] { fn(ctx, req, res); });
        };
    };
    server.Get("/open311/v2/discovery.json",
               route("discovery", [changeset](ServerContext& c, const Request& q, Response& s) {
                   Discovery(c, q, s, changeset);
               }));
    server.Get("/open311/v2/services.json", route("services", Services));
    server.Get(R"(/open311/v2/services/([^/]+)\.json)", route("service", ServiceDefinition));
    server.Post("/open311/v2/requests.json", route("post_request", PostRequest));
    server.Get("/open311/v2/requests.json", route("requests", GetRequests));
    server.Get(R"(/open311/v2/requests/([^/]+)\.json)", route("request", GetRequest));
}

}  // namespace gk::server
