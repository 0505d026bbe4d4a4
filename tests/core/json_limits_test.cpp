// Depth-bounded JSON parsing: a document nested far deeper than any gridkiosk exchanges is
// refused by the pre-scan (before the parser recurses), brackets inside strings do not count,
// and ordinary documents parse as before.
#include "core/json_limits.h"

#include <gtest/gtest.h>

#include <string>

#include "core/catalogue.h"

namespace gk {
namespace {

TEST(JsonLimits, HundredThousandLevelsAreRefusedWithoutCrashing) {
    // The upload that killed the server with SIGSEGV: 200 KB of nesting.
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    auto parsed = ParseUntrustedJson(deep);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, "too_deep");
    const std::string objects =
        R"({"records":)" + std::string(100'000, '[') + "1" + std::string(100'000, ']') + "}";
    EXPECT_EQ(ParseUntrustedJson(objects).error().code, "too_deep");
}

TEST(JsonLimits, DepthAtTheLimitParsesOneMoreIsRefused) {
    const auto nested = [](int n) { return std::string(n, '[') + std::string(n, ']'); };
    EXPECT_TRUE(ParseUntrustedJson(nested(kMaxJsonDepth)));
    EXPECT_EQ(ParseUntrustedJson(nested(kMaxJsonDepth + 1)).error().code, "too_deep");
    EXPECT_EQ(JsonNestingDepth(nested(5)), 5);
    EXPECT_EQ(JsonNestingDepth(nested(50), 10), 11);
}

TEST(JsonLimits, BracketsInsideStringsAndEscapedQuotesDoNotCount) {
    const std::string text =
        R"({"a":"[[[[[[[[[[{{{{{{{{","b":"\"[[[[[[[[","c":[{"d":"\\"},"[[[["]})";
    EXPECT_EQ(JsonNestingDepth(text, 3), 3);
    auto parsed = ParseUntrustedJson(text, 3);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ((*parsed)["c"][1], "[[[[");
}

TEST(JsonLimits, UnbalancedClosersCannotHideDepth) {
    const std::string text = std::string(1000, ']') + std::string(100, '[');
    EXPECT_GT(JsonNestingDepth(text), kMaxJsonDepth);
}

TEST(JsonLimits, InvalidJsonIsAnErrorNotAnException) {
    EXPECT_EQ(ParseUntrustedJson("{\"a\":").error().code, "invalid_json");
    EXPECT_EQ(ParseUntrustedJson("").error().code, "invalid_json");
    auto ok = ParseUntrustedJson(R"({"n":1})");
    ASSERT_TRUE(ok);
    EXPECT_EQ((*ok)["n"], 1);
}

// The form the terminal's sync worker, the provisioning tool, recovery and the catalogue use.
TEST(JsonLimits, DiscardedFormRefusesDeepAndInvalidAndKeepsGoodDocuments) {
    EXPECT_TRUE(ParseUntrustedJsonOrDiscarded(std::string(100000, '[')).is_discarded());
    EXPECT_TRUE(ParseUntrustedJsonOrDiscarded("{\"a\":").is_discarded());
    EXPECT_EQ(ParseUntrustedJsonOrDiscarded(R"({"n":[1,2]})")["n"][1], 2);
}

// A catalogue from the feed is untrusted: too deep is a clear error, never a crash.
TEST(JsonLimits, CatalogueNestedTooDeepIsRefused) {
    const std::string deep = "{\"groups\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
    auto parsed = ParseCatalogueJson(deep);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, "not_json");
}

}  // namespace
}  // namespace gk
