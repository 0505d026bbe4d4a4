// The wire and storage form of a service request: one JSON object, the same on the terminal's
// outbox, in the sync API and in the server's store.
//
// {"uuid":"…","receipt_code":"…","service_code":"…","description":"…",
//  "location":{"building":"…","unit":"…","room":"…"},
//  "contact":{"name":"…","phone":"…","by_proxy":false,"relation":"…"},
//  "grid_path":"…","lang":"zh","created_at":"2026-11-27T10:00:00+08:00"}
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/request.h"
#include "core/result.h"

namespace gk {

nlohmann::json RequestToJson(const ServiceRequest& request);
// Shape and type checks only (fields present, right types, valid UTF-8, a UUID, a canonical
// receipt code with a good check character). Business rules are in ValidateRequest.
Result<ServiceRequest> RequestFromJson(const nlohmann::json& object);

// "2026-11-27T10:00:00+08:00" for a Unix time (seconds); the inverse accepts any offset.
std::string FormatChinaTime(int64_t unix_seconds);
bool ParseIsoTime(std::string_view text, int64_t& unix_seconds);

}  // namespace gk
