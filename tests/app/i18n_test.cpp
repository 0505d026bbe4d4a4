// The i18n catalogue: zh and en have the same keys, placeholders match, every key the code uses
// exists, and every character of every string (and of the service catalogue) has a glyph in
// the font the terminal loads, so no "?" box is ever drawn.
#include "core/i18n.h"

#include <gtest/gtest.h>
#include <stb_truetype.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "core/catalogue.h"
#include "core/utf8.h"
#include "platform/fonts.h"

namespace gk {
namespace {

std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

Strings Load() {
    Strings s;
    const auto st = s.LoadDir(std::string(GK_ASSETS_DIR) + "/i18n");
    EXPECT_TRUE(st.ok()) << st.error().message;
    return s;
}

TEST(I18n, BothLanguagesHaveTheSameKeys) {
    Strings s = Load();
    EXPECT_TRUE(s.MissingIn(Lang::kEn).empty())
        << "missing in en: " << s.MissingIn(Lang::kEn).front();
    // And the other way round: English has nothing Chinese lacks.
    const auto zh = nlohmann::json::parse(Slurp(std::string(GK_ASSETS_DIR) + "/i18n/zh.json"));
    const auto en = nlohmann::json::parse(Slurp(std::string(GK_ASSETS_DIR) + "/i18n/en.json"));
    for (const auto& [k, v] : en.items()) EXPECT_TRUE(zh.contains(k)) << k;
}

TEST(I18n, PlaceholdersMatchAcrossLanguages) {
    Strings s = Load();
    const auto zh = nlohmann::json::parse(Slurp(std::string(GK_ASSETS_DIR) + "/i18n/zh.json"));
    const std::regex ph(R"(\{[a-z_]+\})");
    for (const auto& [key, v] : zh.items()) {
        std::set<std::string> a, b;
        const std::string zt = s.Get(Lang::kZh, key), et = s.Get(Lang::kEn, key);
        for (std::sregex_iterator i(zt.begin(), zt.end(), ph), e; i != e; ++i) a.insert(i->str());
        for (std::sregex_iterator i(et.begin(), et.end(), ph), e; i != e; ++i) b.insert(i->str());
        EXPECT_EQ(a, b) << key;
    }
}

TEST(I18n, EveryKeyUsedInCodeExists) {
    Strings s = Load();
    // Keys appear as T("…") arguments, in assignments to *_key fields, and in the tables of
    // tiles and offers that are handed to T() through a variable.
    const std::regex t_call(R"re(T\("([a-z_0-9.]+)"\))re");
    const std::regex key_assign(R"re(_key\s*=\s*([^;]+);)re");
    const std::regex literal(R"re("([a-z]+\.[a-z_0-9]+)")re");
    const std::regex table_key(
        R"re("((?:home\.[a-z]+_sub)|(?:attract\.offer_[a-z]+)|(?:request\.contact_[a-z_]+_note))")re");
    int found = 0;
    const auto check = [&](const std::string& key, const std::string& where) {
        ++found;
        EXPECT_TRUE(s.Has(Lang::kZh, key)) << key << " in " << where;
    };
    for (const char* dir : {"kiosk/ui", "kiosk/app"}) {
        for (const auto& f :
             std::filesystem::directory_iterator(std::string(GK_SOURCE_DIR) + "/" + dir)) {
            const std::string text = Slurp(f.path().string());
            for (std::sregex_iterator i(text.begin(), text.end(), t_call), e; i != e; ++i)
                check((*i)[1], f.path());
            for (std::sregex_iterator i(text.begin(), text.end(), table_key), e; i != e; ++i)
                check((*i)[1], f.path());
            for (std::sregex_iterator i(text.begin(), text.end(), key_assign), e; i != e; ++i) {
                const std::string rhs = (*i)[1];
                for (std::sregex_iterator j(rhs.begin(), rhs.end(), literal), e2; j != e2; ++j)
                    check((*j)[1], f.path());
            }
        }
    }
    EXPECT_GT(found, 60);
}

TEST(I18n, ValidationKeysExist) {
    Strings s = Load();
    std::ifstream in(std::string(GK_SOURCE_DIR) + "/tests/core/validation_i18n_keys.txt");
    std::string key;
    int n = 0;
    while (std::getline(in, key)) {
        if (key.empty()) continue;
        ++n;
        EXPECT_TRUE(s.Has(Lang::kZh, key) && s.Has(Lang::kEn, key)) << key;
    }
    EXPECT_GT(n, 10);
}

// Every code point that the terminal may draw from its own texts has a glyph in the CJK font.
TEST(I18n, FontHasEveryGlyph) {
    const std::string path = FindCjkFont(false);
    if (path.empty()) GTEST_SKIP() << "no CJK font installed";
    const std::string font = Slurp(path);
    const auto* data = reinterpret_cast<const unsigned char*>(font.data());
    const int face = path.find("NotoSansCJK") != std::string::npos ? 2 : 0;
    stbtt_fontinfo info;
    ASSERT_TRUE(stbtt_InitFont(&info, data, stbtt_GetFontOffsetForIndex(data, face)));

    Strings s = Load();
    std::vector<std::string> texts;
    for (auto t : s.AllTexts()) texts.emplace_back(t);
    auto cat = ParseCatalogueJson(Slurp(std::string(GK_ASSETS_DIR) + "/catalogue.json"));
    ASSERT_TRUE(cat.ok());
    for (const auto& g : cat->groups) {
        texts.push_back(g.name.zh + g.name.en);
        for (const auto& sv : g.services) {
            texts.push_back(sv.name.zh + sv.name.en + sv.description.zh + sv.description.en);
            for (const auto& p : sv.quick_phrases) texts.push_back(p.zh + p.en);
        }
    }
    std::set<char32_t> missing;
    for (const auto& t : texts) {
        ForEachCodePoint(t, [&](char32_t cp) {
            if (cp >= 0x20 && stbtt_FindGlyphIndex(&info, static_cast<int>(cp)) == 0)
                missing.insert(cp);
        });
    }
    std::string list;
    for (char32_t cp : missing) list += " U+" + std::to_string(static_cast<unsigned>(cp));
    EXPECT_TRUE(missing.empty()) << "no glyph for:" << list;
}

// GB2312 as the font builder enumerates it: 6,763 hanzi plus symbols, and the characters
// ImGui's "ChineseSimplifiedCommon" range is known to miss are among them.
TEST(Fonts, Gb2312Coverage) {
    const auto cps = Gb2312CodePoints();
    EXPECT_GE(cps.size(), 7400u);
    const std::set<char32_t> set(cps.begin(), cps.end());
    for (char32_t cp : {U'馈', U'馨', U'谐', U'网', U'格'})
        EXPECT_TRUE(set.count(cp)) << static_cast<unsigned>(cp);
}

}  // namespace
}  // namespace gk
