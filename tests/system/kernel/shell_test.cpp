// Busybox's shell as init running pipelines, subshells and command
// substitution: fork (copy-on-write), execve, wait4 with Linux's status
// encoding, pipes with blocking reads and writes, EOF and EPIPE, dup2 and
// close-on-exec, end to end. The ramdisk (CMakeLists.txt, "shell") holds
// /bin/busybox, /sbin/kernel-probe and /etc/motd; the root lists bin, dev,
// etc and sbin.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

// Runs `busybox sh -c SCRIPT` as init and returns the serial log.
std::string run_shell(const std::string& script, int expected_status) {
    std::string log;
    int status = boot_and_wait(kernel_test_options("init=/bin/busybox sh -c \"" + script + "\"", "shell"), log);
    EXPECT_EQ(status, expected_status) << log;
    EXPECT_NE(log.find("init exited with status " + std::to_string(expected_status)), std::string::npos) << log;
    EXPECT_EQ(log.find("panic"), std::string::npos) << log;
    return log;
}

TEST(KernelShell, PipelineCarriesBytesToCat) {
    std::string log = run_shell("echo hello | cat", 0);
    EXPECT_NE(log.find("\nhello\n"), std::string::npos) << log;
}

TEST(KernelShell, PipelineCountsTheRootEntries) {
    // bin, etc and sbin from the ramdisk; dev and proc, where the kernel mounts devfs and procfs.
    std::string log = run_shell("ls / | wc -l", 0);
    EXPECT_NE(log.find("\n5\n"), std::string::npos) << log;
}

TEST(KernelShell, ExitStatusOfTrueAndFalse) {
    std::string log = run_shell("true; echo $?; false; echo $?", 0);
    EXPECT_NE(log.find("\n0\n1\n"), std::string::npos) << log;
}

TEST(KernelShell, SubshellExitStatusReachesTheParent) {
    // The subshell is a forked child; its status comes back through wait4.
    std::string log = run_shell("(exit 3); echo $?", 0);
    EXPECT_NE(log.find("\n3\n"), std::string::npos) << log;
}

TEST(KernelShell, ExecutedChildStatusReachesTheParent) {
    std::string log = run_shell("/bin/busybox sh -c 'exit 7'; echo status $?", 0);
    EXPECT_NE(log.find("\nstatus 7\n"), std::string::npos) << log;
}

TEST(KernelShell, FaultingChildIsReportedAsKilledBySignal) {
    // SIGSEGV is 11: WIFSIGNALED with WTERMSIG 11, which ash shows as 139.
    std::string log = run_shell("/sbin/kernel-probe segfault; echo status $?", 0);
    EXPECT_TRUE(std::regex_search(log, std::regex("process [0-9]+ killed by signal 11\n"))) << log;
    EXPECT_NE(log.find("\nstatus 139\n"), std::string::npos) << log;
}

TEST(KernelShell, CommandSubstitutionReadsTheChildsOutput) {
    std::string log = run_shell("echo $(echo nested) $(echo $(echo twice))", 0);
    EXPECT_NE(log.find("\nnested twice\n"), std::string::npos) << log;
}

TEST(KernelShell, LargePipeTransferBlocksAndCompletes) {
    // Busybox itself (about 2 MB) through a 64 KiB pipe: the writer blocks
    // on a full pipe many times and the reader sees every byte, then EOF.
    auto size = std::filesystem::file_size(TESSERA_BUSYBOX);
    std::string log = run_shell("cat /bin/busybox | wc -c", 0);
    EXPECT_NE(log.find("\n" + std::to_string(size) + "\n"), std::string::npos) << log;
}

TEST(KernelShell, WriterDiesOfSigpipeWhenTheReaderLeaves) {
    // yes writes forever; once head has exited its next write fails with
    // EPIPE and SIGPIPE kills it, quietly, as on Linux.
    std::string log = run_shell("yes | head -n 2; echo done", 0);
    EXPECT_TRUE(std::regex_search(log, std::regex("\ny\ny\n"))) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("killed by signal 13\n"))) << log;
    EXPECT_NE(log.find("\ndone\n"), std::string::npos) << log;
    EXPECT_EQ(log.find("Broken pipe"), std::string::npos) << log;
}

TEST(KernelShell, RedirectionsUseDup2) {
    std::string log = run_shell("cat /etc/motd 3>&1 1>&2 2>&3 | wc -c; echo end", 0);
    // cat's output went to the console (stderr swapped in), the pipe saw nothing.
    EXPECT_NE(log.find("\nhello from the ramdisk\n0\nend\n"), std::string::npos) << log;
}

TEST(KernelShell, ForkAndExitLeakNoFrames) {
    // Sixteen pipes, 24 forks; the last subshell's status is the script's.
    std::string log = run_shell("for i in 1 2 3 4 5 6 7 8; do echo $i | cat; (exit $i); done; exit $?", 8);
    EXPECT_NE(log.find("\n1\n2\n3\n4\n5\n6\n7\n8\n"), std::string::npos) << log;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, std::regex("mm: (\\d+) frames free before init, (\\d+) after"))) << log;
    EXPECT_EQ(match[1], match[2]) << log;
}

}  // namespace
}  // namespace tessera::system_test
