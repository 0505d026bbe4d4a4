// The records a terminal uploads, checked before they reach the store: the envelope
// {"uuid","kind","data"} and its canonical content hash, then the business rules of each kind
// (the catalogue, ValidateRequest, the receipt code's terminal number). See docs/SYNC_API.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/catalogue.h"
#include "core/validation.h"
#include "server/storage.h"

namespace gk::server {

struct RecordEnvelope {
    std::string uuid;  // as sent; a valid UUID when ok
    std::string kind;
    nlohmann::json data;
    std::string content_hash;  // BLAKE2b-256 of {"data":…,"kind":…} dumped canonically
    // When the envelope itself is bad: the rejection.
    bool ok = false;
    std::string reason;
    std::string message;
};

RecordEnvelope ParseEnvelope(const nlohmann::json& element);

struct RecordCheck {
    bool ok = false;
    IncomingRecord record;               // when ok
    std::string reason;                  // when not: "unknown_service_code", "invalid_fields", …
    std::string message;                 // one line, no personal data
    std::vector<FieldProblem> problems;  // for invalid_fields
};

// `own_numbers` are the terminal numbers of this kiosk (its receipt codes must carry one).
// `own_grid_path` is the grid the terminal was enrolled into: a request for any other grid is
// rejected ("grid_not_yours"). The sync API always passes it; empty skips the check (tests of
// the other rules only).
RecordCheck CheckRecord(const RecordEnvelope& envelope, const Catalogue& catalogue,
                        const std::vector<uint32_t>& own_numbers, int64_t now,
                        std::string_view own_grid_path = {});

// expected_at of a request: its service's SLA counted from when the resident submitted it
// (the terminal's time, if plausible) — a queue that waited offline does not stretch it.
int64_t ExpectedAt(int64_t created_at, int64_t received_at, int sla_days);

}  // namespace gk::server
