// Signals seen through busybox's shell as init: trap runs a handler for a
// signal the shell sends itself, kill ends a background job (by job number
// and by pid) and wait reports 128 + SIGTERM, and a child killed by a signal
// is reported as such. The ramdisk is "signals" (CMakeLists.txt): busybox
// with sh, sleep and cat links.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

std::string run_shell(const std::string& script, int expected_status) {
    std::string log;
    int status = boot_and_wait(kernel_test_options("init=/bin/busybox sh -c \"" + script + "\"", "signals"), log);
    EXPECT_EQ(status, expected_status) << log;
    EXPECT_EQ(log.find("panic"), std::string::npos) << log;
    return log;
}

TEST(KernelSignals, TrapRunsForASignalTheShellSendsItself) {
    std::string log = run_shell("trap 'echo caught USR1' USR1; kill -USR1 $$; echo after", 0);
    EXPECT_NE(log.find("\ncaught USR1\nafter\n"), std::string::npos) << log;
}

TEST(KernelSignals, KillEndsABackgroundJobAndWaitSeesTheSignal) {
    auto start = std::chrono::steady_clock::now();
    // (No '=' in the script: the kernel command line keeps such words for itself.)
    std::string log = run_shell("sleep 5 & kill %1; wait; echo waited; sleep 5 & kill $!; wait $!; echo status $?", 0);
    EXPECT_NE(log.find("\nwaited\n"), std::string::npos) << log;
    EXPECT_NE(log.find("\nstatus 143\n"), std::string::npos) << log;
    // Neither sleep ran its 5 seconds.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(9)) << log;
}

TEST(KernelSignals, TrapOnExitAndAKilledChildsStatus) {
    std::string log = run_shell("trap 'echo bye' EXIT; sh -c 'kill -9 $$'; echo child $?; exit 3", 3);
    EXPECT_NE(log.find("\nchild 137\nbye\n"), std::string::npos) << log;
}

TEST(KernelSignals, StoppedJobContinuesWithSigcont) {
    std::string log = run_shell("sleep 1 & kill -STOP $!; kill -CONT $!; wait $!; echo status $?", 0);
    EXPECT_NE(log.find("\nstatus 0\n"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::system_test

namespace tessera::system_test {
namespace {

using namespace std::chrono_literals;

// Busybox's shell as init on the serial console, running `sleep 100` in
// the foreground.
void start_sleep_at_the_prompt(qemu::Machine& machine) {
    ASSERT_TRUE(machine.wait_for_serial("/ # ", 60s)) << machine.serial_output();
    machine.write_serial("sleep 100\n");
    ASSERT_TRUE(machine.wait_for_serial("sleep 100\r?\n", 60s)) << machine.serial_output();
    std::this_thread::sleep_for(500ms);  // let sleep start
}

// Types `exit status` and requires the machine to stop with it.
void exit_shell(qemu::Machine& machine, int code) {
    machine.write_serial("exit " + std::to_string(code) + "\n");
    auto status = machine.wait_for_exit(60s);
    ASSERT_TRUE(status.has_value()) << machine.serial_output();
    EXPECT_EQ(*status, code);
    EXPECT_EQ(machine.serial_output().find("panic"), std::string::npos) << machine.serial_output();
}

// ^C typed on the serial console: the line discipline sends SIGINT to the
// foreground process group (the job ash put there), not to the shell.
TEST(KernelTerminal, ControlCInterruptsTheForegroundJob) {
    qemu::Machine machine(kernel_test_options("init=/bin/sh", "signals"));
    start_sleep_at_the_prompt(machine);
    auto typed = std::chrono::steady_clock::now();
    machine.write_serial("\x03");
    ASSERT_TRUE(machine.wait_for_serial("\\^C", 30s)) << machine.serial_output();
    machine.write_serial("echo status $?\n");
    ASSERT_TRUE(machine.wait_for_serial("status 130", 30s)) << machine.serial_output();
    EXPECT_LT(std::chrono::steady_clock::now() - typed, 20s);
    exit_shell(machine, 5);
}

// ^Z stops the foreground job (SIGTSTP to its group, ash sees it stopped
// through wait's WUNTRACED), fg continues it in the foreground, ^C ends it.
TEST(KernelTerminal, ControlZStopsTheJobAndFgResumesIt) {
    qemu::Machine machine(kernel_test_options("init=/bin/sh", "signals"));
    start_sleep_at_the_prompt(machine);
    machine.write_serial("\x1a");
    ASSERT_TRUE(machine.wait_for_serial("Stopped", 30s)) << machine.serial_output();
    machine.write_serial("fg\n");
    ASSERT_TRUE(machine.wait_for_serial("fg\r?\nsleep 100", 30s)) << machine.serial_output();
    std::this_thread::sleep_for(500ms);
    machine.write_serial("\x03");
    machine.write_serial("echo status $?\n");
    ASSERT_TRUE(machine.wait_for_serial("status 130", 30s)) << machine.serial_output();
    exit_shell(machine, 6);
}

}  // namespace
}  // namespace tessera::system_test
