// /proc: self, the per-process files busybox ps and top read, meminfo,
// uptime, loadavg, stat, mounts; its names cannot be changed.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "posix_test.h"

namespace {

std::string slurp(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) return "<cannot open: " + posix::describe_errno(errno) + ">";
    std::string text;
    char buffer[512];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, n);
    close(fd);
    return text;
}

std::string link_of(const std::string& path) {
    char buffer[4096];
    ssize_t n = readlink(path.c_str(), buffer, sizeof buffer);
    return n < 0 ? "<error>" : std::string(buffer, n);
}

}  // namespace

POSIX_TEST(procfs, self_names_the_caller) {
    CHECK_STREQ(link_of("/proc/self").c_str(), std::to_string(getpid()).c_str());
    struct stat st;
    CHECK_OK(stat("/proc/self", &st));
    CHECK(S_ISDIR(st.st_mode));
}

POSIX_TEST(procfs, stat_line_fields) {
    std::string line = slurp("/proc/self/stat");
    std::string pid = std::to_string(getpid());
    CHECK(line.compare(0, pid.size() + 2, pid + " (") == 0);
    size_t close_paren = line.rfind(')');
    CHECK(close_paren != std::string::npos);
    // After the name: state, ppid, pgrp, session.
    char state;
    int ppid, pgrp, session;
    CHECK_EQ(sscanf(line.c_str() + close_paren + 2, "%c %d %d %d", &state, &ppid, &pgrp, &session), 4);
    CHECK(state == 'R');
    CHECK_EQ(ppid, getppid());
    CHECK_EQ(pgrp, getpgrp());
    CHECK_EQ(session, getsid(0));
    // 52 fields in all.
    int fields = 2;
    for (size_t i = close_paren + 1; i < line.size(); ++i)
        if (line[i] == ' ') ++fields;
    CHECK_EQ(fields, 52);
}

POSIX_TEST(procfs, status_cmdline_comm) {
    std::string status = slurp("/proc/self/status");
    CHECK(status.find("Pid:\t" + std::to_string(getpid()) + "\n") != std::string::npos);
    CHECK(status.find("PPid:\t" + std::to_string(getppid()) + "\n") != std::string::npos);
    CHECK(status.find("State:\tR (running)\n") != std::string::npos);
    CHECK(status.find("\nUid:\t") != std::string::npos);
    CHECK(status.find("\nVmRSS:\t") != std::string::npos);
    std::string command = slurp("/proc/self/cmdline");
    CHECK(!command.empty() && command.back() == '\0');
    CHECK(command.find("posix-procfs") != std::string::npos);
    std::string comm = slurp("/proc/self/comm");
    CHECK_STREQ(comm.c_str(), "posix-procfs\n");
}

POSIX_TEST(procfs, exe_cwd_and_fd_links) {
    CHECK(link_of("/proc/self/exe").find("posix-procfs") != std::string::npos);
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != nullptr);
    CHECK_STREQ(link_of("/proc/self/cwd").c_str(), cwd);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK(link_of("/proc/self/fd/" + std::to_string(fds[0])).compare(0, 6, "pipe:[") == 0);
    int dir = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_STREQ(link_of("/proc/self/fd/" + std::to_string(dir)).c_str(), cwd);
    CHECK_ERRNO(readlink("/proc/self/fd/999", cwd, sizeof cwd), ENOENT);
    // The fd directory lists the open descriptors.
    struct stat st;
    CHECK_OK(stat(("/proc/self/fd/" + std::to_string(dir)).c_str(), &st));
    CHECK(S_ISDIR(st.st_mode));
}

POSIX_TEST(procfs, system_files) {
    std::string meminfo = slurp("/proc/meminfo");
    unsigned long total = 0, free = 0;
    CHECK_EQ(sscanf(meminfo.c_str(), "MemTotal: %lu kB\nMemFree: %lu kB", &total, &free), 2);
    CHECK(total > 0 && free <= total);
    double up = 0, idle = 0;
    CHECK_EQ(sscanf(slurp("/proc/uptime").c_str(), "%lf %lf", &up, &idle), 2);
    double one, five, fifteen;
    int running, total_tasks, last;
    CHECK_EQ(sscanf(slurp("/proc/loadavg").c_str(), "%lf %lf %lf %d/%d %d", &one, &five, &fifteen, &running,
                    &total_tasks, &last),
             6);
    CHECK(slurp("/proc/stat").compare(0, 4, "cpu ") == 0);
    std::string mounts = slurp("/proc/mounts");
    CHECK(mounts.find(" /proc proc ") != std::string::npos);
}

POSIX_TEST(procfs, other_processes_and_read_only) {
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    std::string line = slurp("/proc/" + std::to_string(child) + "/stat");
    CHECK(line.compare(0, std::to_string(child).size(), std::to_string(child)) == 0);
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    CHECK_ERRNO(open(("/proc/" + std::to_string(child) + "/stat").c_str(), O_RDONLY), ENOENT);
    // The names are the kernel's.
    CHECK_ERRNO(mkdir("/proc/new", 0755), ENOENT);
    CHECK_ERRNO(open("/proc/new", O_CREAT | O_WRONLY, 0600), ENOENT);
    CHECK_ERRNO(unlink("/proc/uptime"), EPERM);
    CHECK_ERRNO(open("/proc/999999/stat", O_RDONLY), ENOENT);
}

POSIX_TEST(procfs, fd_links_of_regular_files_name_them) {
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != nullptr);
    int fd = CHECK_OK(open("named", O_CREAT | O_RDWR, 0600));
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    CHECK_STREQ(link_of(link).c_str(), (std::string(cwd) + "/named").c_str());
    CHECK_OK(unlink("named"));
    CHECK_STREQ(link_of(link).c_str(), (std::string(cwd) + "/named (deleted)").c_str());
    // The link still opens the (unlinked) file.
    CHECK_EQ(write(fd, "abc", 3), 3);
    int again = CHECK_OK(open(link.c_str(), O_RDONLY));
    char buffer[4] = {};
    CHECK_EQ(read(again, buffer, 3), 3);
    CHECK_STREQ(buffer, "abc");
}
