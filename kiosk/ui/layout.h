// What was drawn this frame, for the automation interface: every tappable widget (id, label,
// rectangle, enabled), every text and every character the fonts could not draw, written as
// the --layout-dump JSON and read by --script.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gk {

struct WidgetInfo {
    std::string id;     // "screen.name", stable across languages and releases
    std::string label;  // what is drawn
    float x, y, w, h;   // pixels in the window
    bool enabled;
};

class FrameLayout {
  public:
    void Begin(long frame, std::string_view screen, int width, int height);
    void AddWidget(WidgetInfo widget);
    void AddText(std::string_view text);
    // A character drawn as the font's fallback box ("?"): missing from the atlas.
    void AddMissingGlyph(char32_t code_point);
    void DisableAll();  // an overlay covers everything recorded so far

    const WidgetInfo* Find(std::string_view id) const;
    bool ContainsText(std::string_view needle) const;  // in any widget label or drawn text
    const std::vector<char32_t>& missing_glyphs() const { return missing_glyphs_; }
    const std::vector<WidgetInfo>& widgets() const { return widgets_; }
    long frame() const { return frame_; }
    const std::string& screen() const { return screen_; }

    std::string ToJson() const;
    // temp file + rename, so a reader never sees half a file.
    bool WriteAtomically(const std::string& path) const;

  private:
    long frame_ = 0;
    std::string screen_;
    int width_ = 0, height_ = 0;
    std::vector<WidgetInfo> widgets_;
    std::vector<std::string> texts_;
    std::vector<char32_t> missing_glyphs_;  // distinct, in order of first use this frame
};

}  // namespace gk
