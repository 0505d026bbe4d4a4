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

const char* const kDateTimeCharacters = "年月日星期一二三四五六";

FirstScreenTexts AttractTexts(const Strings& strings, const std::string& place_line) {
    FirstScreenTexts first;
    for (Lang lang : {Lang::kZh, Lang::kEn}) {
        for (const char* key : {"attract.offer_request", "attract.offer_track",
                                "attract.offer_boards", "attract.offer_projects"}) {
            first.body.emplace_back(strings.Get(lang, key));
        }
        first.title.emplace_back(strings.Get(lang, "attract.touch_to_start"));
    }
    first.body.emplace_back(kDateTimeCharacters);
    first.title.push_back(place_line);
    first.huge = DisplayTexts(strings);
    return first;
}

std::vector<std::string> DisplayTexts(const Strings& strings) {
    return {std::string(strings.Get(Lang::kZh, "app.name")),
            std::string(strings.Get(Lang::kEn, "app.name"))};
}

}  // namespace gk
