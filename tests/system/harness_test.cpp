// The harness itself against a real QEMU: QMP works, screenshots are PNGs,
// and no QEMU outlives its harness, whichever way the harness ends.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "system_test.h"

namespace tessera::system_test {
namespace {

// A machine whose CPU never starts, so it stays up until killed.
qemu::Options frozen_options() {
    auto options = kernel_options();
    options.start_paused = true;
    return options;
}

bool process_gone(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string pid_field, name, state;
    stat >> pid_field >> name >> state;
    return state == "Z" || state == "X";
}

TEST(Harness, QmpAnswersAndScreendumpWritesPng) {
    qemu::Machine machine(frozen_options());
    auto status = machine.qmp().execute("query-status");
    EXPECT_EQ(status.value("status", ""), "prelaunch") << status.dump();
    auto png = machine.work_directory() / "screen.png";
    machine.screendump(png);
    std::ifstream in(png, std::ios::binary);
    char signature[8] = {};
    in.read(signature, 8);
    EXPECT_EQ(std::string(signature, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    // Letting the CPU go runs the kernel to its exit.
    machine.qmp().execute("cont");
    auto exit = machine.wait_for_exit(boot_timeout);
    ASSERT_TRUE(exit.has_value()) << describe(machine);
    EXPECT_EQ(*exit, 0);
}

TEST(Harness, SendsKeysAndPointerToARunningMachine) {
    auto options = kernel_options("hold");
    options.extra_arguments = {"-device", "virtio-tablet-pci", "-device", "virtio-keyboard-pci"};
    qemu::Machine machine(options);
    ASSERT_TRUE(machine.wait_for_serial("holding", boot_timeout)) << describe(machine);
    EXPECT_NO_THROW(machine.qmp().tap_keys({"shift", "a"}));
    EXPECT_NO_THROW(machine.qmp().move_pointer_absolute(0x4000, 0x2000));
    EXPECT_NO_THROW(machine.qmp().send_button("left", true));
    EXPECT_NO_THROW(machine.qmp().send_button("left", false));
    EXPECT_THROW(machine.qmp().send_key("no-such-key", true), std::runtime_error);
    auto png = machine.work_directory() / "running.png";
    machine.screendump(png);
    EXPECT_GT(std::filesystem::file_size(png), 8u);
    EXPECT_TRUE(machine.running());
}

TEST(Harness, UnknownQmpCommandIsAnErrorNotAHang) {
    qemu::Machine machine(frozen_options());
    EXPECT_THROW(machine.qmp().execute("no-such-command"), std::runtime_error);
    EXPECT_EQ(machine.qmp().execute("query-status").value("status", ""), "prelaunch");
}

TEST(Harness, DestroyingTheMachineKillsQemu) {
    pid_t pid;
    {
        qemu::Machine machine(frozen_options());
        pid = machine.pid();
        ASSERT_TRUE(machine.running());
    }
    EXPECT_TRUE(process_gone(pid));
}

TEST(Harness, WaitForSerialTimesOutOnSilence) {
    qemu::Machine machine(frozen_options());
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(machine.wait_for_serial("never printed", 300ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST(Harness, QemuDiesWhenTheHarnessIsKilled) {
    // Orphaned QEMUs are reparented to us, so we can see them end.
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t harness = ::fork();
    ASSERT_GE(harness, 0);
    if (harness == 0) {
        ::close(pipe_fds[0]);
        qemu::Machine machine(frozen_options());
        pid_t qemu_pid = machine.pid();
        if (::write(pipe_fds[1], &qemu_pid, sizeof qemu_pid) != sizeof qemu_pid) ::_exit(1);
        ::pause();
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    pid_t qemu_pid = 0;
    ASSERT_EQ(::read(pipe_fds[0], &qemu_pid, sizeof qemu_pid), static_cast<ssize_t>(sizeof qemu_pid));
    ::close(pipe_fds[0]);
    ::kill(harness, SIGKILL);
    ::waitpid(harness, nullptr, 0);
    auto deadline = std::chrono::steady_clock::now() + 5s;
    bool reaped = false;
    while (!reaped && std::chrono::steady_clock::now() < deadline) {
        reaped = ::waitpid(qemu_pid, nullptr, WNOHANG) == qemu_pid;
        if (!reaped) std::this_thread::sleep_for(10ms);
    }
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
    EXPECT_TRUE(reaped) << "QEMU " << qemu_pid << " outlived its harness";
    if (!reaped) ::kill(qemu_pid, SIGKILL);
}

}  // namespace
}  // namespace tessera::system_test
