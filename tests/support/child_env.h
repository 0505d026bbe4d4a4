// The environment of a child process the tests and benchmarks start: this process's environment
// with some variables set and some removed, as the strings execve() takes.
#pragma once

#include <map>
#include <string>
#include <vector>

extern char** environ;

namespace gk::test {

// "NAME=value" strings; keep them alive while the char* array made from them is in use.
// `changes`: pairs of name and std::optional<std::string> value (nullopt removes the variable),
// in any container.
template <class Changes>
std::vector<std::string> ChildEnvironment(const Changes& changes) {
    std::map<std::string, std::string> vars;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string kv(*e);
        const size_t eq = kv.find('=');
        if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [name, value] : changes) {
        if (value) {
            vars[name] = *value;
        } else {
            vars.erase(name);
        }
    }
    std::vector<std::string> out;
    out.reserve(vars.size());
    for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
    return out;
}

// NULL-terminated pointers into strings (for execve's argv or envp).
inline std::vector<char*> CStringArray(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace gk::test
