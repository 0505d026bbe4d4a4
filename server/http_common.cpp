// JSON responses, error formats, client address and bearer token.
#include "server/http_common.h"

#include "core/utf8.h"

namespace gk::server {

using nlohmann::json;

void SendJson(httplib::Response& res, int status, const json& body) {
    res.status = status;
    // error_handler_t::replace: a stored string that is somehow not UTF-8 must not throw here.
    res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                    "application/json; charset=utf-8");
}

void SendApiError(httplib::Response& res, int status, const std::string& code,
                  const std::string& message) {
    SendJson(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

void SendOpen311Error(httplib::Response& res, int status, const std::string& description) {
    SendJson(res, status, json::array({{{"code", status}, {"description", description}}}));
}

std::string ClientAddress(const httplib::Request& req, const ServerContext& ctx) {
    if (ctx.config.trust_forwarded_for && req.has_header("X-Forwarded-For")) {
        std::string first = req.get_header_value("X-Forwarded-For");
        first = first.substr(0, first.find(','));
        const size_t b = first.find_first_not_of(' ');
        const size_t e = first.find_last_not_of(' ');
        if (b != std::string::npos) return first.substr(b, e - b + 1);
    }
    return req.remote_addr;
}

std::optional<std::string> BearerToken(const httplib::Request& req) {
    const std::string h = req.get_header_value("Authorization");
    constexpr std::string_view kPrefix = "Bearer ";
    if (h.size() <= kPrefix.size() || h.compare(0, kPrefix.size(), kPrefix) != 0)
        return std::nullopt;
    std::string token = h.substr(kPrefix.size());
    while (!token.empty() && token.back() == ' ') token.pop_back();
    if (token.empty() || token.size() > 200) return std::nullopt;
    return token;
}

json ParseJsonBody(const httplib::Request& req, httplib::Response& res) {
    if (!IsValidUtf8(req.body)) {
        SendApiError(res, 400, "invalid_utf8", "request body is not valid UTF-8");
        return json(json::value_t::discarded);
    }
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded()) SendApiError(res, 400, "invalid_json", "request body is not valid JSON");
    return j;
}

}  // namespace gk::server
