// Checks of uploaded records: envelope, content hash, and the rules of each kind.
#include "server/records.h"

#include <sodium.h>

#include <algorithm>

#include "core/receipt_code.h"
#include "core/request_json.h"
#include "core/uuid.h"
#include "server/staff.h"

namespace gk::server {
namespace {

using nlohmann::json;

std::string Blake2b(const std::string& text) {
    std::string out(crypto_generichash_BYTES, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr,
                       0);
    return out;
}

RecordCheck Reject(std::string reason, std::string message) {
    RecordCheck c;
    c.reason = std::move(reason);
    c.message = std::move(message);
    return c;
}

bool ReadTime(const json& data, const char* key, int64_t& out) {
    auto it = data.find(key);
    return it != data.end() && it->is_string() && ParseIsoTime(it->get<std::string>(), out);
}

RecordCheck CheckRequest(const RecordEnvelope& env, const Catalogue& catalogue,
                         const std::vector<uint32_t>& own_numbers, int64_t now,
                         std::string_view own_grid_path) {
    auto parsed = RequestFromJson(env.data);
    if (!parsed) return Reject("bad_record", parsed.error().code + ": " + parsed.error().message);
    ServiceRequest& r = *parsed;
    if (r.uuid != env.uuid) return Reject("bad_record", "data.uuid differs from the record's uuid");
    auto parts = DecodeReceiptCode(r.receipt_code);
    if (!parts || std::find(own_numbers.begin(), own_numbers.end(), parts->terminal_number) ==
                      own_numbers.end()) {
        return Reject("receipt_code_not_yours",
                      "receipt code does not carry this terminal's number");
    }
    const Service* service = catalogue.FindService(r.service_code);
    if (!service) return Reject("unknown_service_code", "service_code is not in the catalogue");
    if (!IsValidGridPath(r.grid_path))
        return Reject("bad_record", "grid_path is not a valid grid path");
    // A terminal files into the grid it was enrolled into, never into another one.
    if (!own_grid_path.empty() && r.grid_path != own_grid_path)
        return Reject("grid_not_yours", "grid_path is not the grid this terminal serves");
    RecordCheck c;
    c.problems = ValidateRequest(r, *service);
    if (!c.problems.empty()) {
        c.reason = "invalid_fields";
        c.message = "fields:";
        for (const auto& p : c.problems) c.message += " " + p.field;
        return c;
    }
    c.ok = true;
    const int64_t expected = ExpectedAt(r.created_at_unix, now, service->sla_days);
    c.record.data = NewRequestRecord{std::move(r), expected};
    return c;
}

RecordCheck CheckRating(const RecordEnvelope& env) {
    NewRatingRecord rating;
    const json& d = env.data;
    auto target = d.find("target");
    if (target == d.end() || !target->is_string())
        return Reject("bad_record", "data.target missing");
    rating.target = target->get<std::string>();
    if (rating.target == "request") {
        auto code = d.find("receipt_code");
        if (code == d.end() || !code->is_string())
            return Reject("bad_record", "data.receipt_code missing");
        auto canonical = NormaliseReceiptCode(code->get<std::string>());
        if (!canonical || *canonical != code->get<std::string>()) {
            return Reject("bad_record", "data.receipt_code is not a canonical receipt code");
        }
        rating.target_id = *canonical;
    } else if (rating.target == "project") {
        auto id = d.find("project_id");
        if (id == d.end() || !id->is_string() || !IsValidKioskId(id->get<std::string>())) {
            return Reject("bad_record", "data.project_id must be 1..64 of [A-Za-z0-9._-]");
        }
        rating.target_id = id->get<std::string>();
    } else {
        return Reject("bad_record", "data.target must be \"request\" or \"project\"");
    }
    auto level = d.find("level");
    if (level == d.end() || !level->is_number_integer() || *level < 1 || *level > 5) {
        return Reject("bad_record", "data.level must be an integer 1..5");
    }
    rating.level = level->get<int>();
    if (!ReadTime(d, "created_at", rating.created_at)) {
        return Reject("bad_record", "data.created_at must be an ISO 8601 time with offset");
    }
    RecordCheck c;
    c.ok = true;
    c.record.data = rating;
    return c;
}

RecordCheck CheckHeartbeat(const RecordEnvelope& env) {
    NewHeartbeatRecord hb;
    if (!ReadTime(env.data, "at", hb.at))
        return Reject("bad_record", "data.at must be an ISO 8601 time with offset");
    hb.body_json = env.data.dump();
    if (hb.body_json.size() > 4096) return Reject("bad_record", "heartbeat data larger than 4 KiB");
    RecordCheck c;
    c.ok = true;
    c.record.data = std::move(hb);
    return c;
}

}  // namespace

RecordEnvelope ParseEnvelope(const json& element) {
    RecordEnvelope env;
    if (!element.is_object()) {
        env.reason = "bad_record";
        env.message = "record is not an object";
        return env;
    }
    auto uuid = element.find("uuid");
    if (uuid != element.end() && uuid->is_string()) env.uuid = uuid->get<std::string>();
    if (!IsUuid(env.uuid)) {
        env.reason = "bad_uuid";
        env.message = "uuid must be a lower-case 8-4-4-4-12 UUID";
        return env;
    }
    auto kind = element.find("kind");
    if (kind == element.end() || !kind->is_string()) {
        env.reason = "bad_record";
        env.message = "kind missing";
        return env;
    }
    env.kind = kind->get<std::string>();
    if (env.kind != "request" && env.kind != "rating" && env.kind != "heartbeat") {
        env.reason = "unknown_kind";
        env.message = "kind must be request, rating or heartbeat";
        return env;
    }
    auto data = element.find("data");
    if (data == element.end() || !data->is_object()) {
        env.reason = "bad_record";
        env.message = "data must be an object";
        return env;
    }
    env.data = *data;
    // nlohmann::json keeps object keys sorted, so dump() is canonical: the same content gives
    // the same bytes whatever order or spacing the terminal sent. The bytes are exactly
    // json{{"kind", kind}, {"data", data}}.dump() ("data" sorts before "kind"; kind is one of
    // three plain words), written without copying the data into a new object.
    std::string canonical = "{\"data\":";
    canonical += env.data.dump();
    canonical += ",\"kind\":\"";
    canonical += env.kind;
    canonical += "\"}";
    env.content_hash = Blake2b(canonical);
    env.ok = true;
    return env;
}

RecordCheck CheckRecord(const RecordEnvelope& env, const Catalogue& catalogue,
                        const std::vector<uint32_t>& own_numbers, int64_t now,
                        std::string_view own_grid_path) {
    RecordCheck c = env.kind == "request"
                        ? CheckRequest(env, catalogue, own_numbers, now, own_grid_path)
                    : env.kind == "rating" ? CheckRating(env)
                                           : CheckHeartbeat(env);
    if (c.ok) {
        c.record.uuid = env.uuid;
        c.record.kind = env.kind;
        c.record.content_hash = env.content_hash;
    }
    return c;
}

int64_t ExpectedAt(int64_t created_at, int64_t received_at, int sla_days) {
    // A terminal clock far off (no RTC, never synced) must not move the promise.
    const bool plausible = created_at > received_at - 30 * 86400 && created_at <= received_at + 600;
    const int64_t start = plausible ? std::min(created_at, received_at) : received_at;
    return start + int64_t{sla_days} * 86400;
}

}  // namespace gk::server
