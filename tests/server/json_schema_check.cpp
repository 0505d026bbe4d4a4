// The JSON Schema subset of json_schema_check.h.
#include "tests/server/json_schema_check.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace gk::test {
namespace {

using nlohmann::json;

bool HasType(const json& v, const std::string& type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "integer") return v.is_number_integer();
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_boolean();
    if (type == "null") return v.is_null();
    throw std::runtime_error("schema: unknown type " + type);
}

class Checker {
  public:
    explicit Checker(const json& root) : root_(root) {}

    void Check(const json& s, const json& v, const std::string& path) {
        if (s.contains("$ref")) {
            const std::string ref = s["$ref"];
            const std::string prefix = "#/definitions/";
            if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("schema: only local $ref");
            return Check(root_.at("definitions").at(ref.substr(prefix.size())), v, path);
        }
        if (s.contains("type")) {
            bool ok = false;
            if (s["type"].is_array()) {
                for (const auto& t : s["type"]) ok = ok || HasType(v, t);
            } else {
                ok = HasType(v, s["type"]);
            }
            if (!ok)
                return Fail(
                    path, "expected type " + s["type"].dump() + ", got " + v.dump().substr(0, 80));
        }
        if (s.contains("enum")) {
            bool found = false;
            for (const auto& e : s["enum"]) found = found || e == v;
            if (!found) Fail(path, "not one of " + s["enum"].dump());
        }
        if (s.contains("const") && s["const"] != v) Fail(path, "must be " + s["const"].dump());
        if (v.is_string()) {
            const auto& text = v.get_ref<const std::string&>();
            if (s.contains("minLength") && text.size() < s["minLength"].get<size_t>())
                Fail(path, "too short");
            if (s.contains("pattern") &&
                !std::regex_search(text, std::regex(s["pattern"].get<std::string>()))) {
                Fail(path, "\"" + text + "\" does not match " + s["pattern"].get<std::string>());
            }
        }
        if (v.is_number()) {
            if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>())
                Fail(path, "below minimum");
            if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>())
                Fail(path, "above maximum");
        }
        if (v.is_object()) {
            for (const auto& key : s.value("required", json::array())) {
                if (!v.contains(key.get<std::string>()))
                    Fail(path, "missing required " + key.get<std::string>());
            }
            const json props = s.value("properties", json::object());
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (props.contains(it.key())) {
                    Check(props[it.key()], it.value(), path + "." + it.key());
                } else if (s.contains("additionalProperties") &&
                           s["additionalProperties"] == false) {
                    Fail(path, "unexpected property " + it.key());
                }
            }
        }
        if (v.is_array()) {
            if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>())
                Fail(path, "too few items");
            if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>())
                Fail(path, "too many items");
            if (s.contains("items")) {
                for (size_t i = 0; i < v.size(); ++i)
                    Check(s["items"], v[i], path + "[" + std::to_string(i) + "]");
            }
        }
    }

    std::vector<std::string> errors;

  private:
    void Fail(const std::string& path, const std::string& what) {
        errors.push_back(path + ": " + what);
    }
    const json& root_;
};

}  // namespace

std::vector<std::string> CheckJsonSchema(const json& schema, const json& value) {
    Checker c(schema);
    c.Check(schema, value, "$");
    return c.errors;
}

json LoadSchema(const std::string& name) {
    std::ifstream in(std::string(GK_SERVER_TEST_DIR) + "/schemas/" + name);
    if (!in) throw std::runtime_error("no schema " + name);
    return json::parse(in);
}

}  // namespace gk::test
