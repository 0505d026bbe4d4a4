// `serve`: loads the i18n strings, opens the store, binds, registers the routes and runs until
// SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish and returns 0.
//
// HTTP bounds (header size, body framing, connections per client, backlog) are LimitedServer's
// (server/http_limits.h).
//
// Signals are blocked in every thread and taken by one watcher thread with sigtimedwait, so
// no handler runs in signal context; the watcher calls httplib's stop(), whose thread pool
// finishes the requests it has before listen returns.
#include "server/http_server.h"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "core/request.h"
#include "platform/assets.h"
#include "platform/clock.h"
#include "server/http_common.h"
#include "server/http_limits.h"

namespace gk::server {
namespace {

using httplib::Request;
using httplib::Response;

// Receipt codes in paths are secrets of a sort: logs show "*" instead.
std::string RedactPath(const std::string& path) {
    if (path.rfind("/t/", 0) == 0) return "/t/*";
    const std::string requests = "/requests/";
    const size_t at = path.find(requests);
    if (at == std::string::npos) return path;
    const size_t start = at + requests.size();
    const size_t end = path.find_first_of("/.", start);
    const std::string id = path.substr(start, end - start);
    if (!id.empty() && AllDigits(id)) return path;
    return path.substr(0, start) + "*" + (end == std::string::npos ? "" : path.substr(end));
}

void SetErrorFormats(httplib::Server& server, const ServerConfig& config) {
    // Called for every status ≥ 400. Responses our handlers wrote keep their body; the rest
    // (no route, body too large, bad request line) get one in the format of their API.
    httplib::Server::HandlerWithResponse on_error = [](const Request& req, Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string what = "request failed";
        std::string code = "error";
        switch (res.status) {
            case 400:
                what = "malformed request", code = "bad_request";
                break;
            case 404:
                what = "no such endpoint", code = "not_found";
                break;
            case 405:
                what = "method not allowed", code = "method_not_allowed";
                break;
            case 413:
                what = "request body too large", code = "too_large";
                break;
            case 414:
                what = "request URI too long", code = "uri_too_long";
                break;
            default:
                break;
        }
        if (req.path.rfind("/open311/", 0) == 0)
            SendOpen311Error(res, res.status, what);
        else
            SendApiError(res, res.status, code, what);
        return httplib::Server::HandlerResponse::Handled;
    };
    server.set_error_handler(on_error);
    server.set_exception_handler([](const Request& req, Response& res, std::exception_ptr) {
        LogLine("handler_exception").Add("path", RedactPath(req.path)).Error();
        if (req.path.rfind("/open311/", 0) == 0)
            SendOpen311Error(res, 500, "internal error");
        else
            SendApiError(res, 500, "internal", "internal error");
    });
    server.set_logger([&config](const Request& req, const Response& res) {
        // Behind a trusted proxy, the client it vouches for; never a hop anyone could type.
        std::vector<std::string> forwarded;
        auto [first, last] = req.headers.equal_range("X-Forwarded-For");
        for (auto it = first; it != last; ++it) forwarded.push_back(it->second);
        LogLine("http")
            .Add("method", req.method)
            .Add("path", RedactPath(req.path))
            .Add("status", res.status)
            .Add("bytes", res.body.size())
            .Add("remote", ClientAddressFrom(req.remote_addr, forwarded, config.trusted_proxies))
            .Info();
    });
}

// The i18n catalogue of the assets folder, with every key the server shows people present in
// both languages: a missing one stops the server at start rather than showing a bare key later.
Result<Strings> LoadServerTexts() {
    const std::string dir = FindAssetsDir() + "/i18n";
    Strings strings;
    if (auto st = strings.LoadDir(dir); !st)
        return Error{"assets", dir + ": " + st.error().message};
    std::vector<std::string_view> keys(TrackingPageKeys().begin(), TrackingPageKeys().end());
    for (int s = static_cast<int>(Stage::kQueued); s <= static_cast<int>(Stage::kReopened); ++s)
        keys.push_back(StageI18nKey(static_cast<Stage>(s)));
    for (std::string_view key : keys) {
        for (Lang lang : {Lang::kZh, Lang::kEn}) {
            if (!strings.Has(lang, key)) {
                return Error{"assets", dir + "/" + std::string(LangCode(lang)) + ".json: no \"" +
                                           std::string(key) + "\""};
            }
        }
    }
    return strings;
}

}  // namespace

int RunServer(const ServerConfig& config_in) {
    ServerConfig config = config_in;
    auto strings = LoadServerTexts();
    if (!strings) {
        std::fprintf(stderr, "gridkiosk-server: %s\n", strings.error().message.c_str());
        return 2;
    }
    auto storage = OpenSqliteStorage(config.db_path);
    if (!storage) {
        std::fprintf(stderr, "gridkiosk-server: cannot open database %s: %s\n",
                     config.db_path.c_str(), storage.error().message.c_str());
        return 3;
    }
    auto keys = (*storage)->LoadKeys();
    if (!keys) {
        std::fprintf(stderr, "gridkiosk-server: %s\n", keys.error().message.c_str());
        return keys.error().code == "not_initialised" ? 2 : 3;
    }

    // Block the signals before any thread starts, so every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    HttpLimits limits;
    limits.max_body_bytes = config.max_body_bytes;
    limits.keep_alive_ms = config.keep_alive_seconds * 1000;
    limits.max_connections_per_client = config.max_connections_per_client;
    limits.trusted_proxies = config.trusted_proxies;
    LimitedServer server(limits);
    const size_t threads = static_cast<size_t>(config.threads);
    server.new_task_queue = [threads] { return NewOnDemandThreadPool(threads); };
    // LimitedServer refuses larger bodies before reading them; this is httplib's own check
    // behind it.
    server.set_payload_max_length(static_cast<size_t>(config.max_body_bytes));
    server.set_keep_alive_timeout(config.keep_alive_seconds);
    // Small JSON replies on kept-alive connections: without this each waits ~40 ms for
    // Nagle's algorithm and the peer's delayed ACK.
    server.set_tcp_nodelay(true);
    server.set_read_timeout(10, 0);
    server.set_write_timeout(10, 0);

    if (config.listen_port == 0) {
        const int port = server.bind_to_any_port(config.listen_host);
        if (port < 0) {
            std::fprintf(stderr, "gridkiosk-server: cannot bind %s\n", config.listen_host.c_str());
            return 2;
        }
        config.listen_port = port;
    } else if (!server.bind_to_port(config.listen_host, config.listen_port)) {
        std::fprintf(stderr, "gridkiosk-server: cannot bind %s:%d\n", config.listen_host.c_str(),
                     config.listen_port);
        return 2;
    }

    if (!server.RaiseListenBacklog()) {
        std::fprintf(stderr, "gridkiosk-server: cannot listen on %s:%d\n",
                     config.listen_host.c_str(), config.listen_port);
        return 2;
    }

    SystemClock clock;
    ServerContext ctx(config, **storage, clock, *keys, std::move(*strings));
    if (auto st = ctx.catalogue.Reload(ctx.storage); !st) {
        LogLine("catalogue_unusable").Add("code", st.error().code).Error();
    }
    SetErrorFormats(server, ctx.config);
    RegisterOpen311(server, ctx);
    RegisterTrackingPage(server, ctx);
    RegisterSyncApi(server, ctx);
    RegisterAdminApi(server, ctx);

    std::atomic<bool> done{false};
    std::thread watcher([&] {
        const timespec tick{0, 200'000'000};
        while (!done.load()) {
            const int sig = sigtimedwait(&signals, nullptr, &tick);
            if (sig != SIGTERM && sig != SIGINT) continue;
            LogLine("stopping").Add("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT").Info();
            // A signal that comes before listen has started must wait for it: stop() on a
            // server that is not running yet does nothing.
            while (!done.load() && !server.is_running())
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            server.stop();
            return;
        }
    });

    std::printf("listening on %s:%d\n", config.listen_host.c_str(), config.listen_port);
    std::fflush(stdout);
    LogLine("listening")
        .Add("host", config.listen_host)
        .Add("port", config.listen_port)
        .Add("catalogue_version", ctx.catalogue.Get()->version)
        .Info();
    const bool ok = server.listen_after_bind();
    done = true;
    watcher.join();
    LogLine("stopped").Add("clean", ok ? "yes" : "no").Info();
    return 0;
}

}  // namespace gk::server
