// JSON responses, error formats, client address and bearer token.
#include "server/http_common.h"

#include "core/json_limits.h"
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
    std::vector<std::string> forwarded;
    if (!ctx.config.trusted_proxies.empty()) {
        auto [first, last] = req.headers.equal_range("X-Forwarded-For");
        for (auto it = first; it != last; ++it) forwarded.push_back(it->second);
    }
    return ClientAddressFrom(req.remote_addr, forwarded, ctx.config.trusted_proxies);
}

std::string ClientKey(const httplib::Request& req, const ServerContext& ctx) {
    return LimiterKey(ClientAddress(req, ctx));
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
    auto parsed = ParseUntrustedJson(req.body);
    if (!parsed) {
        if (parsed.error().code == "too_deep")
            SendApiError(res, 400, "too_deep", "request body is nested too deeply");
        else
            SendApiError(res, 400, "invalid_json", "request body is not valid JSON");
        return json(json::value_t::discarded);
    }
    return std::move(*parsed);
}

}  // namespace gk::server
