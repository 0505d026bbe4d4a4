// Staff operations shared by the command line and the admin HTTP API: initialise the server,
// make enrollment codes and API keys, load the catalogue, move a request to a stage, list
// requests. Each checks its inputs and returns an Error with a machine code and a one-line
// message (codes: "bad_input", "not_found", plus the store's).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "server/storage.h"

namespace gk::server {

// Makes keys and the admin token; returns the token (shown once, stored hashed).
Result<std::string> InitServer(Storage& storage);

// "市/区/街道/社区/网格": 1..8 non-empty segments of valid UTF-8, ≤ 200 bytes in all.
bool IsValidGridPath(std::string_view path);
// [A-Za-z0-9._-], 1..64 characters.
bool IsValidKioskId(std::string_view id);

// Returns the one-time code (grouped, as shown to staff).
Result<std::string> CreateEnrollCode(Storage& storage, const std::string& kiosk_id,
                                     const std::string& grid_path, int ttl_hours, int64_t now);

// Returns the API key for an Open311 channel (shown once, stored hashed). role: "channel"
// (files requests, reads everything with descriptions) or "reader" (reads, without
// descriptions or receipt codes). See docs/OPEN311.md.
Result<std::string> CreateApiKey(Storage& storage, const std::string& name, const std::string& role,
                                 int64_t now);
Status RevokeApiKey(Storage& storage, const std::string& name, int64_t now);
// Revokes the terminal(s) with this kiosk id: their tokens stop working at once.
Result<int> RevokeKiosk(Storage& storage, const std::string& kiosk_id, int64_t now);
// Replaces the admin token; returns the new one (shown once). The old one stops working at
// once, also on a running server (it reads the hash from the store on every request).
Result<std::string> RotateAdminToken(Storage& storage);

// Records a staff or admin write in the audit log. `actor` says who and through what:
// "cli:USER", "admin-api@ADDRESS".
Status Audit(Storage& storage, const std::string& actor, const std::string& action,
             const std::string& detail, int64_t now);
// "cli:USER" for the one running this process (SUDO_USER when run through sudo).
std::string CliActor();

// Removes the personal fields of requests closed more than retention_days ago.
Result<PurgeOutcome> PurgeExpired(Storage& storage, int retention_days, int64_t now);

// Whether a staff note holds something that looks like a mainland phone number or an
// 18-digit resident ID number (notes are public on the tracking page and in Open311).
bool NoteHasPersonalNumber(std::string_view note);

// Parses, checks and stores a catalogue document; returns its version.
Result<int> LoadCatalogue(Storage& storage, const std::string& document, int64_t now);

// `code` as typed (any case, dashes); `stage` by name; note 1..500 code points.
Result<StoredRequest> SetRequestStage(Storage& storage, const std::string& code,
                                      const std::string& stage, const std::string& note,
                                      const std::string& actor, int64_t now);

struct StaffListQuery {
    std::string grid_prefix;
    std::string stage;  // empty: any
    bool overdue_only = false;
    int limit = 100;
    int offset = 0;
};
Result<std::vector<StoredRequest>> ListForStaff(Storage& storage, const StaffListQuery& query,
                                                int64_t now);

bool IsOverdue(const StoredRequest& r, int64_t now);

// A request as staff see it (admin API): everything, including description and contact.
nlohmann::json StaffRequestJson(const StoredRequest& r, int64_t now);

}  // namespace gk::server
