#include "lib/format.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

std::string formatted(const char* pattern, auto... arguments) {
    char buffer[128];
    lib::format_to(buffer, sizeof buffer, pattern, arguments...);
    return buffer;
}

std::string expected(const char* pattern, auto... arguments) {
    char buffer[128];
    std::snprintf(buffer, sizeof buffer, pattern, arguments...);
    return buffer;
}

TEST(Format, MatchesSnprintfForSupportedConversions) {
    EXPECT_EQ(formatted("plain"), "plain");
    EXPECT_EQ(formatted("%d %i %u", -42, 7, 3000000000u), expected("%d %i %u", -42, 7, 3000000000u));
    EXPECT_EQ(formatted("%x %X %lx", 0xbeefu, 0xbeefu, 0xffffffff80000000ul),
              expected("%x %X %lx", 0xbeefu, 0xbeefu, 0xffffffff80000000ul));
    EXPECT_EQ(formatted("%016lx|%5d|%05d|%-3s", 0x1234ul, 42, -42, "ab"), "0000000000001234|   42|-0042|%-3s");
    EXPECT_EQ(formatted("%zu %ld %c %%", size_t{12}, -5l, 'q'), expected("%zu %ld %c %%", size_t{12}, -5l, 'q'));
    const char* volatile missing = nullptr;  // hidden from the compiler's format check
    EXPECT_EQ(formatted("%s and %s", "this", missing), "this and (null)");
    EXPECT_EQ(formatted("%d", INT32_MIN), expected("%d", INT32_MIN));
    EXPECT_EQ(formatted("%ld", INT64_MIN), expected("%ld", INT64_MIN));
}

TEST(Format, PointerIsSixteenHexDigits) {
    EXPECT_EQ(formatted("%p", reinterpret_cast<void*>(0x1000)), "0x0000000000001000");
}

TEST(Format, TruncatesButReportsFullLength) {
    char buffer[6];
    EXPECT_EQ(lib::format_to(buffer, sizeof buffer, "%s", "truncated"), 9u);
    EXPECT_STREQ(buffer, "trunc");
    EXPECT_EQ(lib::format_to(nullptr, 0, "%d", 12345), 5u);
}

TEST(Format, TrailingPercentEndsPattern) {
    EXPECT_EQ(formatted("50%"), "50");
}

}  // namespace
