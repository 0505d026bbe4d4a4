// The receipt tracking page GET /t/{code} for residents' phones: a small HTML page in zh-CN
// with English showing category, stage history, expected date and an overdue flag — never the
// description, contact or location inside the grid. Unknown codes get a friendly page, and an
// address that misses too often is told to wait (429), so nobody walks through codes.
#include "core/receipt_code.h"
#include "core/request_json.h"
#include "server/http_common.h"
#include "server/staff.h"
#include "server/stage_text.h"

namespace gk::server {
namespace {

using httplib::Request;
using httplib::Response;

std::string Escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// "2026-11-27 10:00" in Beijing time.
std::string ShortTime(int64_t unix_seconds) {
    std::string t = FormatChinaTime(unix_seconds).substr(0, 16);
    if (t.size() > 10) t[10] = ' ';
    return t;
}

constexpr const char* kStyle =
    "body{font-family:system-ui,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;"
    "margin:0;background:#f4f6f8;color:#1a1a1a;line-height:1.5}"
    "main{max-width:32rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.4rem;margin:.5rem 0}h2{font-size:1.1rem;margin-top:1.5rem}"
    ".en{color:#444;font-size:.9em}"
    ".card{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}"
    "dl{margin:0}dt{font-weight:600;margin-top:.6rem}dd{margin:0}"
    ".code{font-family:monospace;font-size:1.2rem;letter-spacing:.05em}"
    ".overdue{display:inline-block;margin-top:.4rem;padding:.2rem .5rem;border:2px solid #a00000;"
    "color:#a00000;font-weight:700;border-radius:.3rem}"
    "ol{padding-left:1.2rem}li{margin:.5rem 0}time{font-family:monospace;color:#333}"
    "form{margin-top:1rem}input{font-size:1.1rem;padding:.4rem;width:12rem}"
    "button{font-size:1.1rem;padding:.4rem .8rem}";

std::string Page(const std::string& title, const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           "<meta name=\"robots\" content=\"noindex\"><title>" +
           title + "</title><style>" + kStyle + "</style></head><body><main>" + body +
           "</main></body></html>\n";
}

std::string LookupForm() {
    return "<form action=\"/t\" method=\"get\"><label>受理编号 <span class=\"en\" "
           "lang=\"en\">Receipt code</span><br>"
           "<input name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\"></label> "
           "<button type=\"submit\">查询 <span lang=\"en\">Look up</span></button></form>";
}

void SendPage(Response& res, int status, const std::string& html) {
    res.status = status;
    // The URL holds the receipt code: keep it out of caches and other sites' referrer logs.
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Robots-Tag", "noindex");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    res.set_content(html, "text/html; charset=utf-8");
}

std::string StatusBody(const StoredRequest& r, const Catalogue& catalogue, int64_t now) {
    const Service* service = catalogue.FindService(r.request.service_code);
    const std::string zh = service ? service->name.zh : r.request.service_code;
    const std::string en = service ? service->name.In("en") : "";
    const BilingualText stage = StageText(r.stage);
    std::string body =
        "<h1>诉求进度 <span class=\"en\" lang=\"en\">Request status</span></h1><div "
        "class=\"card\"><dl>";
    body +=
        "<dt>受理编号 <span class=\"en\" lang=\"en\">Receipt code</span></dt><dd class=\"code\">" +
        Escape(FormatReceiptCode(r.request.receipt_code)) + "</dd>";
    body += "<dt>类别 <span class=\"en\" lang=\"en\">Category</span></dt><dd>" + Escape(zh);
    if (!en.empty() && en != zh)
        body += " <span class=\"en\" lang=\"en\">" + Escape(en) + "</span>";
    body += "</dd><dt>当前状态 <span class=\"en\" lang=\"en\">Status</span></dt><dd>" +
            std::string(stage.zh) + " <span class=\"en\" lang=\"en\">" + std::string(stage.en) +
            "</span></dd>";
    body += "<dt>预计办结 <span class=\"en\" lang=\"en\">Expected by</span></dt><dd>" +
            FormatChinaTime(r.expected_at).substr(0, 10);
    if (IsOverdue(r, now)) {
        // Words and a border, not colour alone.
        body += "<br><span class=\"overdue\">⚠ 已超期 <span lang=\"en\">Overdue</span></span>";
    }
    body += "</dd></dl></div><h2>办理记录 <span class=\"en\" lang=\"en\">History</span></h2><ol>";
    for (const auto& h : r.history) {
        const BilingualText s = StageText(h.stage);
        body += "<li><time>" + ShortTime(h.at) + "</time> <strong>" + std::string(s.zh) +
                "</strong> <span class=\"en\" lang=\"en\">" + std::string(s.en) + "</span>";
        if (!h.note.empty()) body += "<br>" + Escape(h.note);
        body += "</li>";
    }
    body += "</ol>";
    return body;
}

void Track(ServerContext& ctx, const Request& req, Response& res, const std::string& typed) {
    const std::string address = ClientAddress(req, ctx);
    if (int64_t wait = ctx.receipt_misses.RetryAfterSeconds(address); wait > 0) {
        res.set_header("Retry-After", std::to_string(wait));
        return SendPage(
            res, 429,
            Page("请稍后再试 Please wait",
                 "<h1>查询过于频繁 <span class=\"en\" lang=\"en\">Too many tries</span></h1>"
                 "<p>请 " +
                     std::to_string(wait) +
                     " 秒后再试。<br><span class=\"en\" lang=\"en\">"
                     "Please try again in " +
                     std::to_string(wait) + " seconds.</span></p>"));
    }
    auto canonical = NormaliseReceiptCode(typed);
    Result<StoredRequest> found = Error{"not_found", ""};
    if (canonical) found = ctx.storage.FindRequestByReceipt(*canonical);
    if (!found && found.error().code != "not_found") {
        res.set_header("Retry-After", "5");
        return SendPage(res, 503,
                        Page("暂时无法查询 Unavailable",
                             "<h1>暂时无法查询 <span class=\"en\" lang=\"en\">Temporarily "
                             "unavailable</span></h1>"
                             "<p>请稍后再试。<span class=\"en\" lang=\"en\">Please try again "
                             "shortly.</span></p>"));
    }
    if (!found) {
        ctx.receipt_misses.RecordMiss(address);
        LogLine("tracking_miss").Add("remote", address).Info();
        const bool typo = !canonical && canonical.error().code == "bad_check";
        std::string body =
            "<h1>未找到该受理编号 <span class=\"en\" lang=\"en\">Receipt not found</span></h1><div "
            "class=\"card\"><p>";
        body += typo ? "编号似乎有误，请核对小票上的16位编号。<br><span class=\"en\" "
                       "lang=\"en\">This code has a typo; "
                       "please check the 16 characters on your receipt.</span>"
                     : "请核对小票上的编号。刚提交的诉求可能需要一点时间才能查到。<br><span "
                       "class=\"en\" lang=\"en\">"
                       "Please check the code on your receipt. A request submitted just now may "
                       "take a little "
                       "while to appear.</span>";
        body += "</p>" + LookupForm() + "</div>";
        return SendPage(res, 404, Page("未找到 Not found", body));
    }
    SendPage(res, 200,
             Page("诉求进度 Request status",
                  StatusBody(*found, *ctx.catalogue.Get(), ctx.NowSeconds())));
}

}  // namespace

void RegisterTrackingPage(httplib::Server& server, ServerContext& ctx) {
    server.Get(R"(/t/([^/]{1,200}))", [&ctx](const Request& req, Response& res) {
        ctx.catalogue.Refresh(ctx.storage, ctx.clock.MonotonicMs());
        Guarded("track", res, false, [&] { Track(ctx, req, res, req.matches[1].str()); });
    });
    // The lookup form: /t?code=… goes to /t/CODE.
    server.Get("/t", [&ctx](const Request& req, Response& res) {
        Guarded("track_form", res, false, [&] {
            const std::string typed = req.get_param_value("code");
            if (typed.empty()) {
                return SendPage(
                    res, 200,
                    Page("诉求查询 Track a request",
                         "<h1>诉求查询 <span class=\"en\" lang=\"en\">Track a request</span></h1>"
                         "<div class=\"card\">" +
                             LookupForm() + "</div>"));
            }
            auto canonical = NormaliseReceiptCode(typed);
            if (!canonical) return Track(ctx, req, res, typed);
            res.set_redirect("/t/" + *canonical, 303);
        });
    });
}

}  // namespace gk::server
