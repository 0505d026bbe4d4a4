// Helpers every HTTP handler uses: JSON responses, the two error formats (the sync and admin
// API's {"error":{code,message}}, Open311's [{code,description}]), the client's address and
// the bearer token. Included only by the server's HTTP files (httplib.h is heavy).
#pragma once

#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/context.h"

namespace gk::server {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
// {"error":{"code":"bad_token","message":"…"}}
void SendApiError(httplib::Response& res, int status, const std::string& code,
                  const std::string& message);
// [{"code":404,"description":"…"}]
void SendOpen311Error(httplib::Response& res, int status, const std::string& description);

// The client's address: the peer, or behind a trusted proxy the right-most untrusted hop of
// X-Forwarded-For (server/client_address.h). Always an IP address in canonical text.
std::string ClientAddress(const httplib::Request& req, const ServerContext& ctx);
// The key limiters count the client under (IPv6 by /64).
std::string ClientKey(const httplib::Request& req, const ServerContext& ctx);

// The token of "Authorization: Bearer <token>", if present.
std::optional<std::string> BearerToken(const httplib::Request& req);

// True when text is all ASCII digits (and not empty). Not ::isdigit: its argument must not be
// a negative char, which any UTF-8 byte in a URL would be.
inline bool AllDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses a JSON request body: on failure sends 400 (invalid_utf8 / invalid_json) and returns
// a discarded value.
nlohmann::json ParseJsonBody(const httplib::Request& req, httplib::Response& res);

// Route registration, one function per part of the API.
void RegisterOpen311(httplib::Server& server, ServerContext& ctx);
void RegisterTrackingPage(httplib::Server& server, ServerContext& ctx);
void RegisterSyncApi(httplib::Server& server, ServerContext& ctx);
void RegisterAdminApi(httplib::Server& server, ServerContext& ctx);

// The i18n keys of the tracking page's own texts ("page.*"; stage names come on top).
std::span<const std::string_view> TrackingPageKeys();

// Runs a handler body; an escaping exception becomes a 500 in the right format and a log line.
template <class Fn>
void Guarded(const char* route, httplib::Response& res, bool open311, Fn&& fn);

}  // namespace gk::server

#include "server/log_fields.h"

namespace gk::server {

template <class Fn>
void Guarded(const char* route, httplib::Response& res, bool open311, Fn&& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        LogLine("handler_exception").Add("route", route).Add("what", e.what()).Error();
        if (open311)
            SendOpen311Error(res, 500, "internal error");
        else
            SendApiError(res, 500, "internal", "internal error");
    }
}

}  // namespace gk::server
