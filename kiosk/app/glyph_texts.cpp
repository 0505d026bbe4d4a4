// Collecting the texts for the font atlas.
#include "kiosk/app/glyph_texts.h"

namespace gk {

std::vector<std::string> GlyphTexts(const Strings& strings, const Catalogue& catalogue,
                                    const std::vector<std::string>& extra) {
    std::vector<std::string> texts;
    for (std::string_view t : strings.AllTexts()) texts.emplace_back(t);
    for (const auto& g : catalogue.groups) {
        texts.push_back(g.name.zh);
        texts.push_back(g.name.en);
        for (const auto& s : g.services) {
            for (const LocalText* t : {&s.name, &s.description}) {
                texts.push_back(t->zh);
                texts.push_back(t->en);
            }
            for (const auto& p : s.quick_phrases) {
                texts.push_back(p.zh);
                texts.push_back(p.en);
            }
        }
    }
    for (const auto& e : extra) texts.push_back(e);
    return texts;
}

std::vector<std::string> DisplayTexts(const Strings& strings) {
    return {std::string(strings.Get(Lang::kZh, "app.name")),
            std::string(strings.Get(Lang::kEn, "app.name"))};
}

}  // namespace gk
