#include "boot/init_arguments.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(InitArguments, DefaultsToSbinInit) {
    boot::InitArguments arguments;
    boot::parse_init_arguments("quiet exit=3", arguments);
    EXPECT_TRUE(arguments.valid);
    EXPECT_FALSE(arguments.from_command_line);
    ASSERT_EQ(arguments.argc, 1u);
    EXPECT_STREQ(arguments.argv[0], "/sbin/init");
    EXPECT_EQ(arguments.argv[1], nullptr);
}

TEST(InitArguments, WordsAfterInitThatAreNotOptionsBecomeArguments) {
    boot::InitArguments arguments;
    boot::parse_init_arguments("console=ttyS0 init=/bin/busybox echo hi  mem=1G there", arguments);
    EXPECT_TRUE(arguments.from_command_line);
    ASSERT_EQ(arguments.argc, 4u);
    EXPECT_STREQ(arguments.argv[0], "/bin/busybox");
    EXPECT_STREQ(arguments.argv[1], "echo");
    EXPECT_STREQ(arguments.argv[2], "hi");
    EXPECT_STREQ(arguments.argv[3], "there");
    EXPECT_EQ(arguments.argv[4], nullptr);
}

TEST(InitArguments, QuotesGroupWords) {
    boot::InitArguments arguments;
    boot::parse_init_arguments("init=/bin/sh -c \"cd /etc; pwd\" x\"y z\"", arguments);
    ASSERT_EQ(arguments.argc, 4u);
    EXPECT_STREQ(arguments.argv[1], "-c");
    EXPECT_STREQ(arguments.argv[2], "cd /etc; pwd");
    EXPECT_STREQ(arguments.argv[3], "xy z");
}

TEST(InitArguments, TooManyWordsAreReported) {
    std::string line = "init=/x";
    for (int i = 0; i < 40; ++i) line += " a";
    boot::InitArguments arguments;
    boot::parse_init_arguments(line.c_str(), arguments);
    EXPECT_FALSE(arguments.valid);
}

}  // namespace
