// The i18n catalogue: every string shown to people, keyed ("home.request"), zh first, en second.
// Files: assets/i18n/zh.json and assets/i18n/en.json, flat objects of key → UTF-8 text.
// Text may hold {name} placeholders, filled by Format().
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace gk {

enum class Lang { kZh, kEn };

std::string_view LangCode(Lang lang);              // "zh" | "en"
bool ParseLang(std::string_view code, Lang& out);  // accepts "zh", "zh-CN", "en", "en-US"

class Strings {
  public:
    // Parses one language file. Every value must be a string; keys must be non-empty.
    Status Load(Lang lang, std::string_view json_text);
    // Loads zh.json and en.json from a directory.
    Status LoadDir(const std::string& dir);

    // The text for key in lang; falls back to zh, then to the key itself (visible, so a
    // missing string is caught in review rather than drawn as nothing).
    const std::string& Get(Lang lang, std::string_view key) const;
    bool Has(Lang lang, std::string_view key) const;

    // Every text of every language, for building the font's glyph set.
    std::vector<std::string_view> AllTexts() const;
    // Keys present in zh but missing in en (for the catalogue's own test).
    std::vector<std::string> MissingIn(Lang lang) const;

  private:
    std::map<std::string, std::string, std::less<>> table_[2];
    mutable std::string fallback_;
};

// Replaces {name} with values; unknown placeholders are left as they are.
std::string Format(std::string_view text,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> values);

}  // namespace gk
