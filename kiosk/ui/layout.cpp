// The per-frame widget list and its JSON form.
#include "kiosk/ui/layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace gk {

void FrameLayout::Begin(long frame, std::string_view screen, int width, int height) {
    frame_ = frame;
    screen_ = std::string(screen);
    width_ = width;
    height_ = height;
    widgets_.clear();
    texts_.clear();
    missing_glyphs_.clear();
}

void FrameLayout::AddWidget(WidgetInfo widget) { widgets_.push_back(std::move(widget)); }

void FrameLayout::AddText(std::string_view text) { texts_.emplace_back(text); }

void FrameLayout::AddMissingGlyph(char32_t code_point) {
    if (std::find(missing_glyphs_.begin(), missing_glyphs_.end(), code_point) ==
        missing_glyphs_.end()) {
        missing_glyphs_.push_back(code_point);
    }
}

void FrameLayout::DisableAll() {
    for (auto& w : widgets_) w.enabled = false;
}

const WidgetInfo* FrameLayout::Find(std::string_view id) const {
    for (const auto& w : widgets_) {
        if (w.id == id) return &w;
    }
    return nullptr;
}

bool FrameLayout::ContainsText(std::string_view needle) const {
    for (const auto& w : widgets_) {
        if (w.label.find(needle) != std::string::npos) return true;
    }
    for (const auto& t : texts_) {
        if (t.find(needle) != std::string::npos) return true;
    }
    return false;
}

std::string FrameLayout::ToJson() const {
    nlohmann::json widgets = nlohmann::json::array();
    for (const auto& w : widgets_) {
        widgets.push_back({{"id", w.id},
                           {"label", w.label},
                           {"x", std::lround(w.x)},
                           {"y", std::lround(w.y)},
                           {"w", std::lround(w.w)},
                           {"h", std::lround(w.h)},
                           {"enabled", w.enabled}});
    }
    // As "U+4E66": a code point, not text, so no typed words can reach the dump through here.
    nlohmann::json missing = nlohmann::json::array();
    for (char32_t cp : missing_glyphs_) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(cp));
        missing.push_back(hex);
    }
    nlohmann::json doc = {{"frame", frame_},
                          {"screen", screen_},
                          {"width", width_},
                          {"height", height_},
                          {"widgets", std::move(widgets)},
                          {"missing_glyphs", std::move(missing)}};
    // Labels are resident-visible UI text, never typed personal data: fields record their
    // label, not their content. Invalid UTF-8 cannot reach here (the app sanitises input).
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool FrameLayout::WriteAtomically(const std::string& path) const {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        out << ToJson();
        if (!out.flush()) return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace gk
