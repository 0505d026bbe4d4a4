// The receipt tracking page GET /t/{code} for residents' phones: a small HTML page in zh-CN
// with English showing category, stage history, expected date and an overdue flag — never the
// description, contact or location inside the grid. Unknown codes get a friendly page, and an
// address that misses too often is told to wait (429), so nobody walks through codes.
// Every word on the page comes from the i18n catalogue ("page.*", "stage.*"); only the HTML
// structure is here.
#include "core/receipt_code.h"
#include "core/request_json.h"
#include "server/http_common.h"
#include "server/staff.h"

namespace gk::server {
namespace {

using httplib::Request;
using httplib::Response;

// Every catalogue key this page shows besides the stage names. RunServer checks at start that
// each exists in both languages.
constexpr std::string_view kPageKeys[] = {
    "page.status_title",      "page.receipt_code",
    "page.category",          "page.stage",
    "page.expected",          "page.overdue",
    "page.history",           "page.lookup_title",
    "page.lookup_button",     "page.not_found_title",
    "page.not_found_typo",    "page.not_found_hint",
    "page.too_many_title",    "page.too_many_wait",
    "page.unavailable_title", "page.unavailable_retry",
};

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

// One text in both languages, for the page to show zh-CN first and English beneath or beside.
struct Bilingual {
    std::string zh;
    std::string en;
};

Bilingual Text(const Strings& strings, std::string_view key) {
    return {strings.Get(Lang::kZh, key), strings.Get(Lang::kEn, key)};
}

// Chinese, `between`, then the English in the lighter "en" style.
std::string Html(const Bilingual& text, std::string_view between = " ") {
    return Escape(text.zh) + std::string(between) + "<span class=\"en\" lang=\"en\">" +
           Escape(text.en) + "</span>";
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

// A whole page: its heading (in both languages) is also its title.
std::string Page(const Bilingual& heading, const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           "<meta name=\"robots\" content=\"noindex\"><title>" +
           Escape(heading.zh) + " " + Escape(heading.en) + "</title><style>" + kStyle +
           "</style></head><body><main><h1>" + Html(heading) + "</h1>" + body +
           "</main></body></html>\n";
}

std::string LookupForm(const Strings& strings) {
    const Bilingual button = Text(strings, "page.lookup_button");
    return "<form action=\"/t\" method=\"get\"><label>" + Html(Text(strings, "page.receipt_code")) +
           "<br><input name=\"code\" autocomplete=\"off\" autocapitalize=\"characters\"></label> "
           "<button type=\"submit\">" +
           Escape(button.zh) + " <span lang=\"en\">" + Escape(button.en) +
           "</span></button></form>";
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

std::string StatusBody(const StoredRequest& r, const Catalogue& catalogue, const Strings& strings,
                       int64_t now) {
    const Service* service = catalogue.FindService(r.request.service_code);
    const std::string zh = service ? service->name.zh : r.request.service_code;
    const std::string en = service ? service->name.In("en") : "";
    const auto dt = [&](std::string_view key) {
        return "<dt>" + Html(Text(strings, key)) + "</dt>";
    };
    std::string body = "<div class=\"card\"><dl>";
    body += dt("page.receipt_code") + "<dd class=\"code\">" +
            Escape(FormatReceiptCode(r.request.receipt_code)) + "</dd>";
    body += dt("page.category") + "<dd>" + Escape(zh);
    if (!en.empty() && en != zh)
        body += " <span class=\"en\" lang=\"en\">" + Escape(en) + "</span>";
    body +=
        "</dd>" + dt("page.stage") + "<dd>" + Html(Text(strings, StageI18nKey(r.stage))) + "</dd>";
    body += dt("page.expected") + "<dd>" + FormatChinaTime(r.expected_at).substr(0, 10);
    if (IsOverdue(r, now)) {
        // Words and a border, not colour alone.
        const Bilingual overdue = Text(strings, "page.overdue");
        body += "<br><span class=\"overdue\">⚠ " + Escape(overdue.zh) + " <span lang=\"en\">" +
                Escape(overdue.en) + "</span></span>";
    }
    body += "</dd></dl></div><h2>" + Html(Text(strings, "page.history")) + "</h2><ol>";
    for (const auto& h : r.history) {
        const Bilingual stage = Text(strings, StageI18nKey(h.stage));
        body += "<li><time>" + ShortTime(h.at) + "</time> <strong>" + Escape(stage.zh) +
                "</strong> <span class=\"en\" lang=\"en\">" + Escape(stage.en) + "</span>";
        if (!h.note.empty()) body += "<br>" + Escape(h.note);
        body += "</li>";
    }
    body += "</ol>";
    return body;
}

void Track(ServerContext& ctx, const Request& req, Response& res, const std::string& typed) {
    const Strings& strings = ctx.strings;
    const std::string address = ClientKey(req, ctx);
    if (int64_t wait = ctx.receipt_misses.RetryAfterSeconds(address); wait > 0) {
        res.set_header("Retry-After", std::to_string(wait));
        Bilingual retry = Text(strings, "page.too_many_wait");
        const std::string seconds = std::to_string(wait);
        retry.zh = Format(retry.zh, {{"seconds", seconds}});
        retry.en = Format(retry.en, {{"seconds", seconds}});
        return SendPage(
            res, 429,
            Page(Text(strings, "page.too_many_title"), "<p>" + Html(retry, "<br>") + "</p>"));
    }
    auto canonical = NormaliseReceiptCode(typed);
    Result<StoredRequest> found = Error{"not_found", ""};
    if (canonical) found = ctx.storage.FindRequestByReceipt(*canonical);
    if (!found && found.error().code != "not_found") {
        res.set_header("Retry-After", "5");
        return SendPage(res, 503,
                        Page(Text(strings, "page.unavailable_title"),
                             "<p>" + Html(Text(strings, "page.unavailable_retry")) + "</p>"));
    }
    if (!found) {
        // Only a well-formed code that does not exist is a miss: a wrong check character or a
        // malformed code is a typo, looks nothing up and tells the client nothing.
        if (canonical) {
            ctx.receipt_misses.RecordMiss(address);
            LogLine("tracking_miss").Add("remote", ClientAddress(req, ctx)).Info();
        }
        const bool typo = !canonical && canonical.error().code == "bad_check";
        const Bilingual hint = Text(strings, typo ? "page.not_found_typo" : "page.not_found_hint");
        return SendPage(res, 404,
                        Page(Text(strings, "page.not_found_title"),
                             "<div class=\"card\"><p>" + Html(hint, "<br>") + "</p>" +
                                 LookupForm(strings) + "</div>"));
    }
    SendPage(res, 200,
             Page(Text(strings, "page.status_title"),
                  StatusBody(*found, *ctx.catalogue.Get(), strings, ctx.NowSeconds())));
}

}  // namespace

std::span<const std::string_view> TrackingPageKeys() { return kPageKeys; }

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
                return SendPage(res, 200,
                                Page(Text(ctx.strings, "page.lookup_title"),
                                     "<div class=\"card\">" + LookupForm(ctx.strings) + "</div>"));
            }
            auto canonical = NormaliseReceiptCode(typed);
            if (!canonical) return Track(ctx, req, res, typed);
            res.set_redirect("/t/" + *canonical, 303);
        });
    });
}

}  // namespace gk::server
