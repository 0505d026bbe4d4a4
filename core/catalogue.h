// The service catalogue (一站式服务): groups of services, each with the attributes it asks
// for, quick phrases and an SLA. Loaded from JSON (assets/catalogue.json, later the feed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace gk {

// Text in both languages. zh is required; en falls back to zh when missing.
struct LocalText {
    std::string zh;
    std::string en;
    const std::string& In(std::string_view lang) const {
        return lang == "en" && !en.empty() ? en : zh;
    }
};

// What a service asks the resident for, beyond the description.
struct ServiceAttributes {
    bool location_required = true;  // 楼栋/单元/门牌 asked and at least building required
    bool contact_required = false;  // anonymous not allowed (e.g. 低保咨询 needs a call back)
};

struct Service {
    std::string code;  // stable, e.g. "city.streetlight"; [a-z0-9._-], ≤ 40
    LocalText name;
    LocalText description;
    ServiceAttributes attributes;
    std::vector<LocalText> quick_phrases;  // e.g. 路灯不亮
    int sla_days = 7;                      // expected days to close, 1..365
    // Whether anyone may read that a request of this service exists (Open311 without a key).
    // Personal matters (family disputes, 低保, disability, legal aid…) are not public. Missing
    // in the document means not public: a forgotten flag hides a request, never exposes it.
    bool is_public = false;
};

struct ServiceGroup {
    std::string code;  // e.g. "city", "civil"
    LocalText name;
    std::string icon;  // short glyph text shown on the tile, may be empty
    std::vector<Service> services;
};

struct Catalogue {
    int version = 0;  // increases with every published change
    std::vector<ServiceGroup> groups;

    const Service* FindService(std::string_view code) const;
    const ServiceGroup* FindGroupOf(std::string_view service_code) const;
    size_t ServiceCount() const;
};

// Parses and validates a catalogue document. Any problem returns an Error whose message
// names the offending path (e.g. "groups[2].services[0].sla_days: must be 1..365").
Result<Catalogue> ParseCatalogueJson(std::string_view json_text);

}  // namespace gk
