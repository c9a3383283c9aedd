#include "boot/command_line.h"

#include <gtest/gtest.h>

#include <string>

namespace {

std::string value_of(const char* line, const char* key) {
    boot::StringView value;
    if (!boot::CommandLine(line).find(key, value)) return "<missing>";
    return std::string(value.data, value.length);
}

TEST(CommandLine, FindsKeyValueWords) {
    EXPECT_EQ(value_of("exit=3 init=/bin/busybox echo hi", "init"), "/bin/busybox");
    EXPECT_EQ(value_of("exit=3 init=/bin/busybox echo hi", "exit"), "3");
    EXPECT_EQ(value_of("  quiet   exit=7  ", "exit"), "7");
    EXPECT_EQ(value_of("exit=", "exit"), "");
}

TEST(CommandLine, KeysMustMatchWholeWords) {
    EXPECT_EQ(value_of("exit_status=3", "exit"), "<missing>");
    EXPECT_EQ(value_of("xexit=3", "exit"), "<missing>");
    EXPECT_EQ(value_of("exit", "exit"), "<missing>");
    EXPECT_EQ(value_of("", "exit"), "<missing>");
    EXPECT_EQ(value_of(nullptr, "exit"), "<missing>");
}

TEST(CommandLine, NumbersRejectGarbageAndOverflow) {
    unsigned long number = 99;
    EXPECT_TRUE(boot::CommandLine("exit=42").find_number("exit", number));
    EXPECT_EQ(number, 42u);
    EXPECT_FALSE(boot::CommandLine("exit=4x").find_number("exit", number));
    EXPECT_FALSE(boot::CommandLine("exit=").find_number("exit", number));
    EXPECT_FALSE(boot::CommandLine("exit=99999999999999999999999").find_number("exit", number));
    EXPECT_EQ(number, 42u);
}

}  // namespace

namespace {

TEST(CommandLine, FlagsAreBareWholeWords) {
    EXPECT_TRUE(boot::CommandLine("kernel.bin hold exit=1").has_flag("hold"));
    EXPECT_TRUE(boot::CommandLine("hold").has_flag("hold"));
    EXPECT_FALSE(boot::CommandLine("hold=1").has_flag("hold"));
    EXPECT_FALSE(boot::CommandLine("holding").has_flag("hold"));
    EXPECT_FALSE(boot::CommandLine("").has_flag("hold"));
}

}  // namespace
