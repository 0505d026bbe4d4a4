// Retry timing as arithmetic: full jitter bounds and growth, Retry-After clamping, and the
// Retry-After header in each of its forms. No clock, no network.
#include "kiosk/sync/backoff.h"

#include <gtest/gtest.h>

#include <random>

#include "core/http_date.h"
#include "platform/http.h"

namespace gk {
namespace {

constexpr int64_t kNow = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(FullJitterTest, StaysWithinZeroAndTheExponentialCeiling) {
    const BackoffPolicy p;  // base 1 s, cap 5 min
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int failures = 1; failures <= 40; ++failures) {
        const int64_t ceiling =
            std::min<int64_t>(p.cap_ms, p.base_ms << std::min(failures - 1, 20));
        for (int i = 0; i < 200; ++i) {
            const int64_t d = FullJitterDelayMs(p, failures, uniform(rng));
            EXPECT_GE(d, 0);
            EXPECT_LE(d, ceiling) << "failures=" << failures;
        }
        EXPECT_EQ(FullJitterDelayMs(p, failures, 0.0), 0);
        EXPECT_EQ(FullJitterDelayMs(p, failures, 1.0), ceiling);
    }
}

TEST(FullJitterTest, CeilingDoublesUntilTheCap) {
    BackoffPolicy p;
    p.base_ms = 100;
    p.cap_ms = 1000;
    EXPECT_EQ(FullJitterDelayMs(p, 1, 1.0), 100);
    EXPECT_EQ(FullJitterDelayMs(p, 2, 1.0), 200);
    EXPECT_EQ(FullJitterDelayMs(p, 3, 1.0), 400);
    EXPECT_EQ(FullJitterDelayMs(p, 4, 1.0), 800);
    EXPECT_EQ(FullJitterDelayMs(p, 5, 1.0), 1000);
    EXPECT_EQ(FullJitterDelayMs(p, 1000, 1.0), 1000);
    EXPECT_EQ(FullJitterDelayMs(p, 3, 0.5), 200);
}

TEST(FullJitterTest, IsSpreadOverTheWholeRangeNotBunched) {
    // Full jitter, not "ceiling plus a little": the mean is about half the ceiling and both
    // ends of the range are reached.
    BackoffPolicy p;
    p.base_ms = 1000;
    p.cap_ms = 1000;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    double sum = 0;
    int64_t lo = p.cap_ms, hi = 0;
    const int n = 10000;
    for (int i = 0; i < n; ++i) {
        const int64_t d = FullJitterDelayMs(p, 3, uniform(rng));
        sum += static_cast<double>(d);
        lo = std::min(lo, d);
        hi = std::max(hi, d);
    }
    EXPECT_NEAR(sum / n, 500.0, 25.0);
    EXPECT_LT(lo, 50);
    EXPECT_GT(hi, 950);
}

TEST(FullJitterTest, NonsenseInputsGiveNoNegativeOrHugeWaits) {
    BackoffPolicy p;
    p.base_ms = 100;
    p.cap_ms = 1000;
    EXPECT_EQ(FullJitterDelayMs(p, 0, 1.0), 100);  // no failure yet: the first ceiling
    EXPECT_EQ(FullJitterDelayMs(p, -5, 1.0), 100);
    EXPECT_EQ(FullJitterDelayMs(p, 3, -1.0), 0);  // random clamped into [0, 1]
    EXPECT_EQ(FullJitterDelayMs(p, 3, 7.0), 400);
    p.base_ms = int64_t{1} << 62;  // no overflow on doubling
    EXPECT_EQ(FullJitterDelayMs(p, 60, 1.0), 1000);
}

TEST(RetryDelayTest, RetryAfterIsHonouredWithinTheClamp) {
    BackoffPolicy p;  // Retry-After clamped to [1 s, 1 h]
    EXPECT_EQ(RetryDelayMs(p, 1, 5, 0.0), 5000);
    EXPECT_EQ(RetryDelayMs(p, 9, 120, 0.0), 120000);           // not the jitter
    EXPECT_EQ(RetryDelayMs(p, 1, 0, 0.0), 1000);               // "now" would hammer: 1 s
    EXPECT_EQ(RetryDelayMs(p, 1, 10 * 86400, 0.0), 3600000);   // 10 days: 1 h
    EXPECT_EQ(RetryDelayMs(p, 1, 999'999'999, 0.0), 3600000);  // no overflow
    EXPECT_EQ(RetryDelayMs(p, 1, 3600, 0.0), 3600000);
    EXPECT_EQ(RetryDelayMs(p, 1, 3601, 0.0), 3600000);
}

TEST(RetryDelayTest, NoHeaderFallsBackToFullJitter) {
    BackoffPolicy p;
    p.base_ms = 100;
    p.cap_ms = 1000;
    EXPECT_EQ(RetryDelayMs(p, 3, -1, 1.0), 400);
    EXPECT_EQ(RetryDelayMs(p, 3, -1, 0.25), 100);
}

TEST(RetryDelayTest, SmallPolicyForTests) {
    BackoffPolicy p;
    p.retry_after_min_ms = 100;
    p.retry_after_max_ms = 2500;
    EXPECT_EQ(RetryDelayMs(p, 1, 1, 0.0), 1000);
    EXPECT_EQ(RetryDelayMs(p, 1, 2, 0.0), 2000);
    EXPECT_EQ(RetryDelayMs(p, 1, 3, 0.0), 2500);
    EXPECT_EQ(RetryDelayMs(p, 1, 864000, 0.0), 2500);
    EXPECT_EQ(RetryDelayMs(p, 1, 0, 0.0), 100);
}

TEST(ParseRetryAfterTest, DeltaSeconds) {
    EXPECT_EQ(ParseRetryAfter("0", kNow), 0);
    EXPECT_EQ(ParseRetryAfter("120", kNow), 120);
    EXPECT_EQ(ParseRetryAfter(" 7 ", kNow), 7);
    EXPECT_EQ(ParseRetryAfter("864000", kNow), 864000);
    // Longer than any real wait: still "wait long" (the caller clamps), never "retry at once".
    EXPECT_GE(ParseRetryAfter("99999999999999999999", kNow), 864000);
}

// The server's Date header and the client's reading of it agree, to the second.
TEST(ParseRetryAfterTest, FormattedHttpDateReadsBackExactly) {
    EXPECT_EQ(FormatHttpDate(1795000000), "Wed, 18 Nov 2026 11:06:40 GMT");
    for (int64_t t : {int64_t{0}, int64_t{951782400}, int64_t{1795000000}, int64_t{4102444799}}) {
        EXPECT_EQ(ParseHttpDate(FormatHttpDate(t)), t) << t;
    }
}

TEST(ParseRetryAfterTest, HttpDateInEachForm) {
    EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kNow), 0);
    EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:50:37 GMT", kNow), 60);
    EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:47 GMT", kNow), 10);  // RFC 850
    EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:57 1994", kNow), 20);        // asctime
    EXPECT_EQ(ParseRetryAfter("Wed, 16 Nov 1994 08:49:37 GMT", kNow), 10 * 86400);
    EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 1970 00:00:00 GMT", kNow), 0);  // past: now
    EXPECT_EQ(ParseRetryAfter("Fri, 01 Jan 2100 00:00:00 GMT", 4102444800 - 30), 30);
}

TEST(ParseRetryAfterTest, GarbageIsNoHeader) {
    for (const char* bad : {"", "   ", "soon", "-5", "1.5", "+3", "0x10", "12 s",
                            "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 CET",
                            "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                            "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
                            "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT junk",
                            "Sun, 06 Nov 1994 08:49:37 GMTX", "\xff\xfe", "Sun, 06 Nov 1994"}) {
        EXPECT_EQ(ParseRetryAfter(bad, kNow), -1) << "'" << bad << "'";
    }
}

}  // namespace
}  // namespace gk
