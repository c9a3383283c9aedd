// Busybox's file utilities on the writable tmpfs root: create, copy, move,
// link, remove, find, sed, sort | uniq -c, here-documents, and ps, top,
// free and uptime over procfs, mount and umount of a tmpfs (files_script.sh
// does the typing).
#include <gtest/gtest.h>

#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

TEST(KernelFiles, BusyboxUtilitiesWorkOnAWritableRoot) {
    std::string log;
    int status = boot_and_wait(kernel_test_options("init=/bin/sh /etc/files.sh", "files"), log);
    EXPECT_EQ(status, 0) << log;
    EXPECT_EQ(log.find("panic"), std::string::npos) << log;
    auto has = [&](const std::string& text) { return log.find(text) != std::string::npos; };
    EXPECT_TRUE(has("\nx\nh\n2 /tmp/a/f\n")) << log;
    EXPECT_TRUE(has("\n/tmp/a\n/tmp/a/b\n/tmp/a/b/h\n/tmp/a/f\n")) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("\n-rw-r--r-- +1 0 +0 +11 .* /tmp/a/f\n"))) << log;
    EXPECT_TRUE(has("\ny\nappended\n")) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("\n +1 a\n +3 b\n +1 c\n"))) << log;
    EXPECT_TRUE(has("\nline one\nline 2\nline one\nline 2\n2\n")) << log;
    EXPECT_TRUE(has("\nremoved\n/tmp\n")) << log;
    // ps lists init (the shell running the script) from /proc.
    EXPECT_TRUE(std::regex_search(log, std::regex("PID +USER +.*COMMAND\n +1 +0 +.* /bin/sh /etc/files.sh\n"))) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("Mem: +[0-9]+ +[0-9]+ +[0-9]+"))) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("up +[0-9:]+.*load average: 0.00, 0.00, 0.00"))) << log;
    // busybox re-executes itself through /proc/self/exe: the link names the binary.
    EXPECT_TRUE(has("\n/bin/busybox\n")) << log;
    EXPECT_TRUE(has("\nin-mount\nscratch /mnt tmpfs rw 0 0\nunmounted\n")) << log;
    EXPECT_TRUE(has("\ndone\n")) << log;
}

}  // namespace
}  // namespace tessera::system_test
