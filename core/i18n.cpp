// Loading and looking up the i18n catalogue.
#include "core/i18n.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace gk {

std::string_view LangCode(Lang lang) { return lang == Lang::kEn ? "en" : "zh"; }

bool ParseLang(std::string_view code, Lang& out) {
    if (code == "zh" || code == "zh-CN" || code == "zh_CN") {
        out = Lang::kZh;
        return true;
    }
    if (code == "en" || code == "en-US" || code == "en_US" || code == "en-GB") {
        out = Lang::kEn;
        return true;
    }
    return false;
}

Status Strings::Load(Lang lang, std::string_view json_text) {
    const auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
        return Error{"bad_json", std::string(LangCode(lang)) + ": not a JSON object"};
    }
    auto& table = table_[static_cast<int>(lang)];
    table.clear();
    for (const auto& [key, value] : doc.items()) {
        if (key.empty()) return Error{"bad_key", std::string(LangCode(lang)) + ": empty key"};
        if (!value.is_string()) {
            return Error{"bad_value", std::string(LangCode(lang)) + ": " + key + ": not a string"};
        }
        table.emplace(key, value.get<std::string>());
    }
    return Ok{};
}

Status Strings::LoadDir(const std::string& dir) {
    for (Lang lang : {Lang::kZh, Lang::kEn}) {
        const std::string path = dir + "/" + std::string(LangCode(lang)) + ".json";
        std::ifstream in(path, std::ios::binary);
        if (!in) return Error{"missing_file", "cannot read " + path};
        std::stringstream text;
        text << in.rdbuf();
        if (auto st = Load(lang, text.str()); !st) return st;
    }
    return Ok{};
}

const std::string& Strings::Get(Lang lang, std::string_view key) const {
    const auto& table = table_[static_cast<int>(lang)];
    if (auto it = table.find(key); it != table.end()) return it->second;
    const auto& zh = table_[0];
    if (auto it = zh.find(key); it != zh.end()) return it->second;
    fallback_ = std::string(key);
    return fallback_;
}

bool Strings::Has(Lang lang, std::string_view key) const {
    return table_[static_cast<int>(lang)].count(key) > 0;
}

std::vector<std::string_view> Strings::AllTexts() const {
    std::vector<std::string_view> out;
    for (const auto& table : table_) {
        for (const auto& [key, value] : table) out.push_back(value);
    }
    return out;
}

std::vector<std::string> Strings::MissingIn(Lang lang) const {
    std::vector<std::string> out;
    for (const auto& [key, value] : table_[0]) {
        if (!Has(lang, key)) out.push_back(key);
    }
    return out;
}

std::string Format(std::string_view text,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '{') {
            const size_t close = text.find('}', i);
            if (close != std::string_view::npos) {
                const auto name = text.substr(i + 1, close - i - 1);
                bool replaced = false;
                for (const auto& [k, v] : values) {
                    if (k == name) {
                        out.append(v);
                        replaced = true;
                        break;
                    }
                }
                if (replaced) {
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    return out;
}

}  // namespace gk
