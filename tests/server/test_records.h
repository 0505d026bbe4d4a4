// Building sync-API records for tests: valid requests with real receipt codes, ratings and
// heartbeats, in the wire form of docs/SYNC_API.md.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/receipt_code.h"
#include "core/request_json.h"
#include "core/uuid.h"

namespace gk::test {

inline int64_t NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline ReceiptSecret TestSecret() {
    ReceiptSecret s{};
    for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i * 7 + 1);
    return s;
}

inline ServiceRequest MakeRequest(uint32_t terminal_number, uint32_t counter,
                                  const std::string& service = "repair.streetlight",
                                  int64_t created_at = NowSeconds()) {
    ServiceRequest r;
    r.uuid = NewUuid();
    r.receipt_code = MakeReceiptCode(terminal_number, counter, TestSecret()).value();
    r.service_code = service;
    r.description = "3号楼门口路灯不亮，晚上很黑 SECRET-DESCRIPTION";
    r.location = {"3号楼", "2单元", "501"};
    r.contact.name = "王秘密";
    r.contact.phone = "13800138000";
    r.grid_path = "西安市/碑林区/张家村街道/张家村社区/第3网格";
    r.lang = "zh";
    r.created_at_unix = created_at;
    return r;
}

inline nlohmann::json RequestRecord(const ServiceRequest& r) {
    return {{"uuid", r.uuid}, {"kind", "request"}, {"data", RequestToJson(r)}};
}

inline nlohmann::json RatingRecord(const std::string& receipt_code, int level) {
    return {{"uuid", NewUuid()},
            {"kind", "rating"},
            {"data",
             {{"target", "request"},
              {"receipt_code", receipt_code},
              {"level", level},
              {"created_at", FormatChinaTime(NowSeconds())}}}};
}

inline nlohmann::json HeartbeatRecord() {
    return {
        {"uuid", NewUuid()},
        {"kind", "heartbeat"},
        {"data",
         {{"at", FormatChinaTime(NowSeconds())}, {"app_version", "0.1.0"}, {"queue_depth", 0}}}};
}

inline nlohmann::json Batch(const std::vector<nlohmann::json>& records) {
    nlohmann::json batch = {{"records", nlohmann::json::array()}};
    for (const auto& r : records) batch["records"].push_back(r);
    return batch;
}

}  // namespace gk::test
