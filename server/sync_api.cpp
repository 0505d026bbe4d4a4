// The terminal sync API under /api/v1/ (docs/SYNC_API.md): enrollment with a one-time code,
// batched upload of records with a result per record, and the feed with a cursor.
//
// A record's UUID is unique forever: replaying an accepted record returns "duplicate" with the
// same server id and receipt code; the same UUID with other content returns "conflict" (422).
// Rejected records leave nothing behind, so they may be corrected and sent again.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>

#include "core/http_date.h"
#include "core/request_json.h"
#include "server/http_common.h"
#include "server/records.h"
#include "server/secrets.h"
#include "server/terminal_limiter.h"

namespace gk::server {
namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

constexpr int kStoreRetryAfterSeconds = 2;

// Date (IMF-fixdate) on every sync reply: a terminal measures a Retry-After date against it,
// not against its own clock, which may be a year off.
void SetDateHeader(Response& res, int64_t now_unix) {
    res.set_header("Date", FormatHttpDate(now_unix));
}

// The terminal behind the bearer token, within its request budget; sends 401 (no terminal) or
// 429 (over budget) and returns nullopt otherwise.
std::optional<TerminalInfo> Authenticate(ServerContext& ctx, TerminalLimiter& limiter,
                                         const Request& req, Response& res) {
    auto token = BearerToken(req);
    if (!token) {
        res.set_header("WWW-Authenticate", "Bearer");
        SendApiError(res, 401, "missing_token", "Authorization: Bearer <terminal token> required");
        return std::nullopt;
    }
    auto terminal = ctx.storage.FindTerminalByToken(HashToken(*token));
    if (!terminal) {
        if (terminal.error().code == "not_found") {
            res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            SendApiError(res, 401, "bad_token", "unknown or revoked terminal token");
        } else {
            res.set_header("Retry-After", std::to_string(kStoreRetryAfterSeconds));
            SendApiError(res, 503, "unavailable", "store unavailable, retry later");
        }
        return std::nullopt;
    }
    if (const int64_t wait = limiter.Take(terminal->id); wait > 0) {
        LogLine("terminal_rate_limited").Add("terminal", terminal->id).Warn();
        res.set_header("Retry-After", std::to_string(wait));
        SendApiError(res, 429, "too_many_requests", "too many requests from this terminal");
        return std::nullopt;
    }
    return *terminal;
}

void Enroll(ServerContext& ctx, const Request& req, Response& res) {
    const std::string address = ClientKey(req, ctx);  // IPv6 by /64
    if (int64_t wait = ctx.enroll_misses.RetryAfterSeconds(address); wait > 0) {
        res.set_header("Retry-After", std::to_string(wait));
        return SendApiError(res, 429, "too_many_attempts",
                            "too many wrong enrollment codes; retry later");
    }
    json body = ParseJsonBody(req, res);
    if (body.is_discarded()) return;
    auto code = body.is_object() ? body.find("code") : body.end();
    if (!body.is_object() || code == body.end() || !code->is_string()) {
        return SendApiError(res, 400, "missing_field",
                            "body must be {\"code\": \"XXXX-XXXX-XXXX-XXXX\"}");
    }
    const std::string normalised = NormaliseEnrollCode(code->get<std::string>());
    const std::string token = NewToken();
    const int64_t now = ctx.NowSeconds();
    Result<TerminalInfo> terminal = Error{"bad_code", ""};
    if (!normalised.empty())
        terminal = ctx.storage.RedeemEnrollCode(HashToken(normalised), HashToken(token), now);
    if (!terminal) {
        const std::string& ec = terminal.error().code;
        if (ec == "bad_code") {
            ctx.enroll_misses.RecordMiss(address);
            LogLine("enroll_refused").Add("remote", address).Warn();
            return SendApiError(res, 403, "bad_enroll_code",
                                "unknown, used or expired enrollment code");
        }
        if (ec == "exhausted")
            return SendApiError(res, 409, "exhausted", "no terminal numbers left");
        res.set_header("Retry-After", std::to_string(kStoreRetryAfterSeconds));
        return SendApiError(res, 503, "unavailable", "store unavailable, retry later");
    }
    LogLine("terminal_enrolled")
        .Add("terminal", terminal->id)
        .Add("number", int64_t{terminal->terminal_number})
        .Add("kiosk", terminal->kiosk_id)
        .Info();
    SendJson(res, 200,
             {{"terminal_id", std::to_string(terminal->id)},
              {"kiosk_id", terminal->kiosk_id},
              {"terminal_number", terminal->terminal_number},
              {"grid_path", terminal->grid_path},
              {"token", token},
              {"server_public_key", ToHex(ctx.keys.sign_public_key)},
              // The configured public base of tracking links, for receipts' QR codes; empty
              // when the operator set none (the terminal then prints no QR).
              {"public_url", ctx.config.public_url},
              {"server_time", FormatChinaTime(now)}});
}

json OutcomeJson(const RecordOutcome& o, const std::string& message = {},
                 const std::vector<FieldProblem>& problems = {}) {
    json j = {{"uuid", o.uuid}, {"result", RecordResultName(o.result)}};
    if (o.server_id) j["server_id"] = std::to_string(o.server_id);
    if (!o.receipt_code.empty()) j["receipt_code"] = o.receipt_code;
    if (o.received_at > 0) j["received_at"] = FormatChinaTime(o.received_at);
    if (o.expected_at > 0) j["expected_at"] = FormatChinaTime(o.expected_at);
    if (o.result == RecordResult::kConflict) j["status"] = 422;
    if (!o.reason.empty()) j["reason"] = o.reason;
    if (!message.empty()) j["message"] = message;
    if (!problems.empty()) {
        j["problems"] = json::array();
        for (const auto& p : problems)
            j["problems"].push_back({{"field", p.field}, {"i18n_key", p.i18n_key}});
    }
    return j;
}

void UploadRecords(ServerContext& ctx, TerminalLimiter& limiter, const Request& req,
                   Response& res) {
    auto terminal = Authenticate(ctx, limiter, req, res);
    if (!terminal) return;
    json body = ParseJsonBody(req, res);
    if (body.is_discarded()) return;
    auto records = body.is_object() ? body.find("records") : body.end();
    if (!body.is_object() || records == body.end() || !records->is_array()) {
        return SendApiError(res, 400, "missing_field", "body must be {\"records\": [...]}");
    }
    if (records->size() > static_cast<size_t>(ctx.config.max_batch_records)) {
        return SendApiError(
            res, 413, "too_many_records",
            "at most " + std::to_string(ctx.config.max_batch_records) + " records per batch");
    }
    const int64_t now = ctx.NowSeconds();
    const size_t n = records->size();

    // 1. Envelopes; 2. what the store already has; 3. checks of the new ones; 4. store.
    std::vector<RecordEnvelope> envelopes;
    envelopes.reserve(n);
    std::vector<std::string> uuids;
    for (const auto& element : *records) {
        envelopes.push_back(ParseEnvelope(element));
        if (envelopes.back().ok) uuids.push_back(envelopes.back().uuid);
    }
    auto known = ctx.storage.FindRecords(uuids);
    auto numbers = ctx.storage.TerminalNumbersOfKiosk(terminal->kiosk_id);
    if (!known || !numbers) {
        res.set_header("Retry-After", std::to_string(kStoreRetryAfterSeconds));
        return SendApiError(res, 503, "unavailable", "store unavailable, retry later");
    }
    std::map<std::string, const KnownRecord*> known_by_uuid;
    for (const auto& k : *known) known_by_uuid[k.uuid] = &k;

    ctx.catalogue.Refresh(ctx.storage, ctx.clock.MonotonicMs());
    auto catalogue = ctx.catalogue.Get();
    std::vector<json> results(n);
    std::vector<IncomingRecord> incoming;
    std::vector<size_t> incoming_index;
    for (size_t i = 0; i < n; ++i) {
        const RecordEnvelope& env = envelopes[i];
        RecordOutcome o;
        o.uuid = env.uuid;
        if (!env.ok) {
            o.reason = env.reason;
            results[i] = OutcomeJson(o, env.message);
            continue;
        }
        if (auto k = known_by_uuid.find(env.uuid); k != known_by_uuid.end()) {
            const bool same = k->second->content_hash == env.content_hash;
            o.result = same ? RecordResult::kDuplicate : RecordResult::kConflict;
            if (same) {
                o.server_id = k->second->server_id, o.receipt_code = k->second->receipt_code;
                o.received_at = k->second->received_at, o.expected_at = k->second->expected_at;
            } else {
                o.reason = "uuid_reused";
            }
            results[i] = OutcomeJson(o, same ? "" : "this uuid was stored with different content");
            continue;
        }
        RecordCheck check = CheckRecord(env, *catalogue, *numbers, now, terminal->grid_path);
        if (!check.ok) {
            o.reason = check.reason;
            results[i] = OutcomeJson(o, check.message, check.problems);
            continue;
        }
        incoming.push_back(std::move(check.record));
        incoming_index.push_back(i);
    }
    auto stored = ctx.storage.StoreRecords(*terminal, incoming, now);
    if (!stored) {
        LogLine("batch_store_failed")
            .Add("terminal", terminal->id)
            .Add("code", stored.error().code)
            .Error();
        res.set_header("Retry-After", std::to_string(kStoreRetryAfterSeconds));
        return SendApiError(res, 503, "unavailable", "store busy, nothing was stored; retry later");
    }
    for (size_t j = 0; j < stored->size(); ++j)
        results[incoming_index[j]] = OutcomeJson((*stored)[j]);

    std::map<std::string, int> counts;
    for (const auto& r : results) counts[r["result"].get<std::string>()]++;
    LogLine("batch")
        .Add("terminal", terminal->id)
        .Add("records", n)
        .Add("accepted", counts["accepted"])
        .Add("duplicate", counts["duplicate"])
        .Add("conflict", counts["conflict"])
        .Add("rejected", counts["rejected"])
        .Info();
    SendJson(res, 200, {{"results", results}, {"server_time", FormatChinaTime(now)}});
}

void Feed(ServerContext& ctx, TerminalLimiter& limiter, const Request& req, Response& res) {
    auto terminal = Authenticate(ctx, limiter, req, res);
    if (!terminal) return;
    const std::string cursor_text = req.get_param_value("cursor");
    int64_t cursor = 0;
    if (!cursor_text.empty()) {
        if (cursor_text.size() > 18 || !AllDigits(cursor_text)) {
            return SendApiError(res, 400, "bad_cursor",
                                "cursor must be a value this feed returned");
        }
        cursor = std::stoll(cursor_text);
    }
    int limit = ctx.config.max_feed_items;
    if (req.has_param("limit")) {
        const std::string l = req.get_param_value("limit");
        if (l.empty() || l.size() > 5 || !AllDigits(l) || std::stoi(l) < 1) {
            return SendApiError(res, 400, "bad_limit",
                                "limit must be 1.." + std::to_string(ctx.config.max_feed_items));
        }
        limit = std::min(std::stoi(l), ctx.config.max_feed_items);
    }
    auto page = ctx.storage.ReadFeed(terminal->kiosk_id, cursor, limit);
    if (!page) {
        res.set_header("Retry-After", std::to_string(kStoreRetryAfterSeconds));
        return SendApiError(res, 503, "unavailable", "store unavailable, retry later");
    }
    if (cursor > page->last_seq) {
        return SendApiError(res, 409, "cursor_ahead",
                            "cursor is ahead of this server; start again without one");
    }
    json items = json::array();
    for (const auto& e : page->events) {
        json item = json::parse(e.payload_json, nullptr, false);
        if (item.is_discarded()) continue;
        item["seq"] = e.seq;
        items.push_back(std::move(item));
    }
    // Without more to come the cursor moves to the end, past events meant for other kiosks.
    const int64_t next = page->more ? page->events.back().seq : std::max(cursor, page->last_seq);
    SendJson(res, 200,
             {{"cursor", std::to_string(next)},
              {"more", page->more},
              {"items", items},
              {"server_time", FormatChinaTime(ctx.NowSeconds())}});
}

}  // namespace

void RegisterSyncApi(httplib::Server& server, ServerContext& ctx) {
    // One budget per terminal token, shared by uploads and the feed; lives as long as the routes.
    auto limiter = std::make_shared<TerminalLimiter>(
        ctx.clock, TerminalLimiter::Options{ctx.config.terminal_burst,
                                            ctx.config.terminal_per_minute, 100'000});
    server.Get("/api/v1/health", [&ctx](const Request&, Response& res) {
        Guarded("health", res, false, [&] {
            SendJson(res, 200,
                     {{"status", "ok"},
                      {"server_time", FormatChinaTime(ctx.NowSeconds())},
                      {"catalogue_version", ctx.catalogue.Get()->version}});
        });
    });
    server.Post("/api/v1/enroll", [&ctx](const Request& req, Response& res) {
        SetDateHeader(res, ctx.NowSeconds());
        Guarded("enroll", res, false, [&] { Enroll(ctx, req, res); });
    });
    server.Post("/api/v1/records", [&ctx, limiter](const Request& req, Response& res) {
        SetDateHeader(res, ctx.NowSeconds());
        Guarded("records", res, false, [&] { UploadRecords(ctx, *limiter, req, res); });
    });
    server.Get("/api/v1/feed", [&ctx, limiter](const Request& req, Response& res) {
        SetDateHeader(res, ctx.NowSeconds());
        Guarded("feed", res, false, [&] { Feed(ctx, *limiter, req, res); });
    });
}

}  // namespace gk::server
