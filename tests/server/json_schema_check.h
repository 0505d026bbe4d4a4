// A small JSON Schema checker for contract tests: the subset of draft-07 our schemas use —
// type (one or a list), enum, const, required, properties, additionalProperties (bool),
// items, minItems, maxItems, minLength, pattern, minimum, maximum, and local $ref
// ("#/definitions/name"). Returns every violation with its JSON path; empty means valid.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gk::test {

std::vector<std::string> CheckJsonSchema(const nlohmann::json& schema, const nlohmann::json& value);

// Loads tests/server/schemas/NAME.
nlohmann::json LoadSchema(const std::string& name);

}  // namespace gk::test
