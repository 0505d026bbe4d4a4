// Staff endpoints under /api/v1/admin/, behind the admin token made by `init` or
// `admin-token rotate` (Authorization: Bearer <admin token>): set a request's stage, list requests
// by grid, stage or overdue, make enrollment codes, publish a catalogue. Every write goes to the
// audit log. Errors use the sync API's format.
#include <algorithm>

#include "core/request_json.h"
#include "server/http_common.h"
#include "server/secrets.h"
#include "server/staff.h"

namespace gk::server {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

bool IsAdmin(ServerContext& ctx, const Request& req, Response& res) {
    auto token = BearerToken(req);
    if (token) {
        // From the store on every request, so `admin-token rotate` takes effect at once.
        auto hash = ctx.storage.AdminTokenHash();
        if (!hash) {
            res.set_header("Retry-After", "2");
            SendApiError(res, 503, "unavailable", "store unavailable, retry later");
            return false;
        }
        if (SecretEquals(HashToken(*token), *hash)) return true;
    }
    res.set_header("WWW-Authenticate", "Bearer");
    SendApiError(res, 401, token ? "bad_token" : "missing_token", "admin token required");
    LogLine("admin_refused").Add("remote", ClientAddress(req, ctx)).Warn();
    return false;
}

// Records an admin write in the audit log; a failure is logged (the write itself is done).
void AuditAdmin(ServerContext& ctx, const Request& req, const std::string& action,
                const std::string& detail) {
    if (auto st = Audit(ctx.storage, "admin-api@" + ClientAddress(req, ctx), action, detail,
                        ctx.NowSeconds());
        !st) {
        LogLine("audit_failed").Add("action", action).Add("code", st.error().code).Error();
    }
}

// Maps staff-operation errors to HTTP.
void SendStaffError(Response& res, const Error& e) {
    if (e.code == "bad_input") return SendApiError(res, 400, "bad_input", e.message);
    if (e.code == "not_found") return SendApiError(res, 404, "not_found", e.message);
    if (e.code == "stale_version" || e.code == "unchanged" || e.code == "exists") {
        return SendApiError(res, 409, e.code, e.message);
    }
    res.set_header("Retry-After", "2");
    SendApiError(res, 503, "unavailable", "store unavailable, retry later");
}

std::string StringField(const json& body, const char* key) {
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void SetStage(ServerContext& ctx, const Request& req, Response& res) {
    json body = ParseJsonBody(req, res);
    if (body.is_discarded()) return;
    if (!body.is_object())
        return SendApiError(res, 400, "bad_input", "body must be {\"stage\",\"note\",\"actor\"}");
    const int64_t now = ctx.NowSeconds();
    auto r = SetRequestStage(ctx.storage, req.matches[1].str(), StringField(body, "stage"),
                             StringField(body, "note"), StringField(body, "actor"), now);
    if (!r) return SendStaffError(res, r.error());
    LogLine("stage_set")
        .Add("id", r->id)
        .Add("stage", std::string(StageName(r->stage)))
        .Add("via", "admin_api")
        .Info();
    AuditAdmin(ctx, req, "set_stage",
               "code=" + r->request.receipt_code + " stage=" + std::string(StageName(r->stage)) +
                   " actor=" + StringField(body, "actor"));
    SendJson(res, 200, StaffRequestJson(*r, now));
}

void List(ServerContext& ctx, const Request& req, Response& res) {
    StaffListQuery q;
    q.grid_prefix = req.get_param_value("grid");
    q.stage = req.get_param_value("stage");
    const std::string overdue = req.get_param_value("overdue");
    q.overdue_only = overdue == "1" || overdue == "true";
    for (const auto& [name, target] :
         {std::pair{"limit", &q.limit}, std::pair{"offset", &q.offset}}) {
        const std::string v = req.get_param_value(name);
        if (v.empty()) continue;
        if (v.size() > 7 || !AllDigits(v)) {
            return SendApiError(res, 400, "bad_input", std::string(name) + " must be a number");
        }
        *target = std::stoi(v);
    }
    const int64_t now = ctx.NowSeconds();
    auto list = ListForStaff(ctx.storage, q, now);
    if (!list) return SendStaffError(res, list.error());
    json out = json::array();
    for (const auto& r : *list) out.push_back(StaffRequestJson(r, now));
    SendJson(res, 200, {{"requests", out}});
}

void NewEnrollCode(ServerContext& ctx, const Request& req, Response& res) {
    json body = ParseJsonBody(req, res);
    if (body.is_discarded()) return;
    if (!body.is_object())
        return SendApiError(res, 400, "bad_input", "body must be {\"kiosk_id\",\"grid_path\"}");
    const int64_t now = ctx.NowSeconds();
    auto code =
        CreateEnrollCode(ctx.storage, StringField(body, "kiosk_id"), StringField(body, "grid_path"),
                         ctx.config.enroll_code_ttl_hours, now);
    if (!code) return SendStaffError(res, code.error());
    AuditAdmin(
        ctx, req, "enroll_code",
        "kiosk_id=" + StringField(body, "kiosk_id") + " grid=" + StringField(body, "grid_path"));
    SendJson(
        res, 200,
        {{"code", *code},
         {"expires_at", FormatChinaTime(now + int64_t{ctx.config.enroll_code_ttl_hours} * 3600)}});
}

void PutCatalogue(ServerContext& ctx, const Request& req, Response& res) {
    auto version = LoadCatalogue(ctx.storage, req.body, ctx.NowSeconds());
    if (!version) return SendStaffError(res, version.error());
    if (auto st = ctx.catalogue.Reload(ctx.storage); !st) return SendStaffError(res, st.error());
    LogLine("catalogue_loaded").Add("version", *version).Add("via", "admin_api").Info();
    AuditAdmin(ctx, req, "catalogue_load", "version=" + std::to_string(*version));
    SendJson(res, 200, {{"version", *version}});
}

}  // namespace

void RegisterAdminApi(httplib::Server& server, ServerContext& ctx) {
    auto route = [&ctx](const char* name, void (*fn)(ServerContext&, const Request&, Response&)) {
        return [&ctx, name, fn](const Request& req, Response& res) {
            Guarded(name, res, false, [&] {
                if (IsAdmin(ctx, req, res)) fn(ctx, req, res);
            });
        };
    };
    server.Post(R"(/api/v1/admin/requests/([^/]+)/stage)", route("admin_stage", SetStage));
    server.Get("/api/v1/admin/requests", route("admin_list", List));
    server.Post("/api/v1/admin/enroll-codes", route("admin_enroll_code", NewEnrollCode));
    server.Put("/api/v1/admin/catalogue", route("admin_catalogue", PutCatalogue));
}

}  // namespace gk::server
