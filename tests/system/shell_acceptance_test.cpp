// Issue 4's acceptance: an interactive busybox ash (Debian's busybox-static,
// unmodified) on the serial console of the base image, driven the way a
// user types: pipelines, redirections, ls -l, ps, top, free, file
// commands, sed, sort | uniq -c, here-documents, ^C of a foreground
// sleep, a background job and wait, and the exit status reaching the host.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "system_test.h"

namespace tessera::system_test {
namespace {

using namespace std::chrono_literals;

constexpr auto step_timeout = 60s;

struct Step {
    const char* typed;     // a line typed at the prompt (without the newline)
    const char* expected;  // regex the output must show (not matching the echoed line itself)
};

// Each expected pattern is built so the shell's echo of the typed line
// cannot match it (computed values, or text the command does not contain).
const Step steps[] = {
    {"echo hello | tr a-z A-Z | rev", "\nOLLEH\r?\n"},
    {"echo one > /tmp/f; echo two >> /tmp/f; wc -l < /tmp/f", "\n2\r?\n"},
    {"ls -l /tmp/f", "\n-rw-r--r-- +1 root +root +8 [^\n]* /tmp/f\r?\n"},
    {"mkdir -p /tmp/d/e && cp /tmp/f /tmp/d/e/g && mv /tmp/d/e/g /tmp/d/h && find /tmp/d | sort | tr '\\n' ,",
     "\n/tmp/d,/tmp/d/e,/tmp/d/h,"},
    {"rm -r /tmp/d; ls /tmp/d 2>&1 | sed 's/.*No such file.*/GONE/'", "\nGONE\r?\n"},
    {"sed -e 's/one/uno/' /tmp/f | tr '\\n' +", "\nuno\\+two\\+"},
    {"printf 'b\\na\\nb\\n' | sort | uniq -c | tr -s ' ' | tr '\\n' /", "\n ?1 a/ ?2 b/"},
    {"cat <<EOF\nhere $((20+1))\nEOF", "\nhere 21\r?\n"},
    {"ps", "PID +USER +(TIME +)?COMMAND\r?\n +1 root +[^\n]*sh"},
    {"top -b -n 1 | head -3", "\nMem: [0-9]+K used, [0-9]+K free[^\n]*\r?\nCPU:[^\n]*\r?\nLoad average: "},
    {"free", "total +used +free[^\n]*\r?\nMem: +[0-9]+ +[0-9]+ +[0-9]+"},
    {"uptime", "up [^\n]*load average: [0-9.]+, [0-9.]+, [0-9.]+"},
    {"(sleep 1; exit 3) & wait $!; echo job-$?", "\njob-3\r?\n"},
};

TEST(ShellAcceptance, BusyboxAshOnTheSerialConsoleDoesWhatAUserTypes) {
    auto options = kernel_options("init=/bin/sh /etc/rc");
    options.initrd = std::filesystem::path(TESSERA_BUILD_DIR) / "image/base/tessera-base.cpio";
    qemu::Machine machine(options);
    ASSERT_TRUE(machine.wait_for_serial("'exit' powers off.\n", boot_timeout)) << describe(machine);
    ASSERT_TRUE(machine.wait_for_serial("# ", step_timeout)) << describe(machine);

    for (const Step& step : steps) {
        machine.write_serial(std::string(step.typed) + "\n");
        EXPECT_TRUE(machine.wait_for_serial(step.expected, step_timeout))
            << "typed: " << step.typed << "\nexpected: " << step.expected << "\n" << describe(machine);
        ASSERT_TRUE(machine.wait_for_serial("# ", step_timeout)) << describe(machine);
    }

    // ^C ends a foreground sleep and the prompt comes back with status 130.
    machine.write_serial("sleep 100\n");
    ASSERT_TRUE(machine.wait_for_serial("sleep 100\r?\n", step_timeout)) << describe(machine);
    // As a user would: ^C once the command runs (typed at once, it would go
    // to the shell's own group, as on Linux).
    std::this_thread::sleep_for(1s);
    machine.write_serial("\x03");
    ASSERT_TRUE(machine.wait_for_serial("# ", 10s)) << "^C did not interrupt sleep 100\n" << describe(machine);
    machine.write_serial("echo status-$?\n");
    EXPECT_TRUE(machine.wait_for_serial("\nstatus-130\r?\n", step_timeout)) << describe(machine);
    ASSERT_TRUE(machine.wait_for_serial("# ", step_timeout)) << describe(machine);

    machine.write_serial("exit 7\n");
    auto status = machine.wait_for_exit(step_timeout);
    ASSERT_TRUE(status.has_value()) << describe(machine);
    EXPECT_EQ(*status, 7) << describe(machine);
    std::string log = machine.serial_output();
    EXPECT_EQ(log.find("panic"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::system_test
