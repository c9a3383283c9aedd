// hostile-syscalls: calls every system call of issue 3's list with kernel
// addresses, NULL, non-canonical, unmapped, PROT_NONE and page-straddling
// pointers, huge lengths, bad flags and bad file descriptors. Each case
// states what Linux returns; the program prints a PASS/FAIL line per case and
// exits 0 only if every case behaved, so the same binary proves the cases on
// the Linux host and the kernel inside Tessera. A crash or hang is a failure.
//
// stdout must be a terminal, pipe or file (write() to /dev/null never reads
// the buffer, so it cannot fail with EFAULT). Only cases with a well-defined
// result are here: e.g. read() into a
// buffer that straddles into an unmapped page may legitimately return a
// short count, so it is not a case; writing a straddling timespec is.
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <string>
#include <tuple>
#include <vector>

#include "report.h"

namespace {

using tessera::programs::Report;

struct BadPointer {
    const char* name;
    std::uintptr_t address;
};

// Filled in by main once the probe pages are set up.
std::vector<BadPointer> bad_pointers;  // never valid for any access
std::uintptr_t straddle = 0;           // 8 valid bytes, then an unmapped page
std::uintptr_t valid_page = 0;         // one readable, writable page
constexpr std::uint64_t huge_length = 1ull << 62;

std::string errno_name(int error) {
    switch (error) {
        case EFAULT:
            return "EFAULT";
        case EINVAL:
            return "EINVAL";
        case EBADF:
            return "EBADF";
        case ENOMEM:
            return "ENOMEM";
        case ENOENT:
            return "ENOENT";
        case ENOTDIR:
            return "ENOTDIR";
        case ENAMETOOLONG:
            return "ENAMETOOLONG";
        case EPERM:
            return "EPERM";
        case ESRCH:
            return "ESRCH";
        case EAGAIN:
            return "EAGAIN";
        case ENOSYS:
            return "ENOSYS";
        case ENOTTY:
            return "ENOTTY";
        case EACCES:
            return "EACCES";
        case EISDIR:
            return "EISDIR";
        default:
            return "errno " + std::to_string(error);
    }
}

std::string expected_names(std::initializer_list<int> errors) {
    std::string names;
    for (int error : errors) names += (names.empty() ? "" : " or ") + errno_name(error);
    return names;
}

class Cases {
public:
    explicit Cases(Report& report) : report_(report) {}

    // The call must fail with one of `errors`.
    void expect_error(const std::string& what, std::initializer_list<int> errors, const std::function<long()>& call) {
        errno = 0;
        long result = call();
        int error = errno;
        bool ok = false;
        if (result == -1) {
            for (int expected : errors) ok |= error == expected;
        }
        std::string why = result == -1 ? "failed with " + errno_name(error) : "returned " + std::to_string(result);
        report_.check(ok, what + " -> " + expected_names(errors), why + ", expected " + expected_names(errors));
    }

    // The call must succeed and its result satisfy `good` (for calls whose
    // Linux contract is to ignore or not validate an argument).
    void expect_result(const std::string& what, const std::string& expectation, const std::function<long()>& call,
                       const std::function<bool(long)>& good) {
        errno = 0;
        long result = call();
        int error = errno;
        std::string got = result == -1 ? "failed with " + errno_name(error) : "returned " + std::to_string(result);
        report_.check(result != -1 && good(result), what + " -> " + expectation, got + ", expected " + expectation);
    }

private:
    Report& report_;
};

long sys(long number, std::uintptr_t a = 0, std::uintptr_t b = 0, std::uintptr_t c = 0, std::uintptr_t d = 0,
         std::uintptr_t e = 0, std::uintptr_t f = 0) {
    return ::syscall(number, a, b, c, d, e, f);
}

std::uintptr_t ptr(const void* p) {
    return reinterpret_cast<std::uintptr_t>(p);
}

void file_descriptor_cases(Cases& cases, int file, int directory) {
    for (int fd : {-1, 9999, INT_MAX}) {
        std::string f = std::to_string(fd);
        char buffer[16];
        cases.expect_error("read(fd " + f + ")", {EBADF}, [&] { return sys(SYS_read, fd, ptr(buffer), 16); });
        cases.expect_error("write(fd " + f + ")", {EBADF}, [&] { return sys(SYS_write, fd, ptr("x"), 1); });
        cases.expect_error("close(fd " + f + ")", {EBADF}, [&] { return sys(SYS_close, fd); });
        cases.expect_error("lseek(fd " + f + ")", {EBADF}, [&] { return sys(SYS_lseek, fd, 0, SEEK_SET); });
        cases.expect_error("ioctl(fd " + f + ", TCGETS)", {EBADF}, [&] {
            termios t{};
            return sys(SYS_ioctl, fd, TCGETS, ptr(&t));
        });
        cases.expect_error("getdents64(fd " + f + ")", {EBADF},
                           [&] { return sys(SYS_getdents64, fd, valid_page, 4096); });
    }
    struct stat st {};
    cases.expect_error("fstat(fd -1)", {EBADF}, [&] { return sys(SYS_fstat, -1, ptr(&st)); });
    iovec one{const_cast<char*>("x"), 1};
    cases.expect_error("writev(fd -1)", {EBADF}, [&] { return sys(SYS_writev, -1, ptr(&one), 1); });
    cases.expect_error("write(read-only fd)", {EBADF}, [&] { return sys(SYS_write, file, ptr("x"), 1); });
    cases.expect_error("getdents64(regular file)", {ENOTDIR},
                       [&] { return sys(SYS_getdents64, file, valid_page, 4096); });
    cases.expect_error("newfstatat(dirfd 9999, relative)", {EBADF},
                       [&] { return sys(SYS_newfstatat, 9999, ptr("x"), ptr(&st), 0); });
    cases.expect_error("openat(dirfd 9999, relative)", {EBADF},
                       [&] { return sys(SYS_openat, 9999, ptr("x"), O_RDONLY); });
    cases.expect_error("openat(file as dirfd, relative)", {ENOTDIR},
                       [&] { return sys(SYS_openat, file, ptr("x"), O_RDONLY); });
    (void)directory;
}

void pointer_cases(Cases& cases, int file, int directory, bool stdout_is_tty) {
    for (const auto& bad : bad_pointers) {
        std::string p = bad.name;
        std::uintptr_t a = bad.address;
        cases.expect_error("read(file, " + p + ", 16)", {EFAULT}, [&] { return sys(SYS_read, file, a, 16); });
        cases.expect_error("write(stdout, " + p + ", 16)", {EFAULT}, [&] { return sys(SYS_write, 1, a, 16); });
        cases.expect_error("writev(stdout, iov " + p + ", 1)", {EFAULT}, [&] { return sys(SYS_writev, 1, a, 1); });
        cases.expect_error("writev(stdout, iov_base " + p + ")", {EFAULT}, [&] {
            iovec iov{reinterpret_cast<void*>(a), 16};
            return sys(SYS_writev, 1, ptr(&iov), 1);
        });
        cases.expect_error("openat(path " + p + ")", {EFAULT}, [&] { return sys(SYS_openat, AT_FDCWD, a, O_RDONLY); });
        cases.expect_error("fstat(file, " + p + ")", {EFAULT}, [&] { return sys(SYS_fstat, file, a); });
        cases.expect_error("newfstatat(path " + p + ")", {EFAULT}, [&] {
            struct stat st {};
            return sys(SYS_newfstatat, AT_FDCWD, a, ptr(&st), 0);
        });
        cases.expect_error("newfstatat(\"/\", statbuf " + p + ")", {EFAULT},
                           [&] { return sys(SYS_newfstatat, AT_FDCWD, ptr("/"), a, 0); });
        cases.expect_error("getdents64(dir, " + p + ")", {EFAULT},
                           [&] { return sys(SYS_getdents64, directory, a, 4096); });
        cases.expect_error("getrandom(" + p + ", 16)", {EFAULT}, [&] { return sys(SYS_getrandom, a, 16, 0); });
        cases.expect_error("readlinkat(path " + p + ")", {EFAULT},
                           [&] { return sys(SYS_readlinkat, AT_FDCWD, a, valid_page, 64); });
        cases.expect_error("readlink(\"/proc/self/exe\", buf " + p + ")", {EFAULT},
                           [&] { return sys(SYS_readlink, ptr("/proc/self/exe"), a, 64); });
        cases.expect_error("uname(" + p + ")", {EFAULT}, [&] { return sys(SYS_uname, a); });
        cases.expect_error("clock_gettime(MONOTONIC, " + p + ")", {EFAULT},
                           [&] { return sys(SYS_clock_gettime, CLOCK_MONOTONIC, a); });
        cases.expect_error("nanosleep(req " + p + ")", {EFAULT}, [&] { return sys(SYS_nanosleep, a, 0); });
        cases.expect_error("clock_nanosleep(MONOTONIC, req " + p + ")", {EFAULT},
                           [&] { return sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, a, 0); });
        if (a != 0) {  // NULL is valid for prlimit64: "neither set nor get"
            cases.expect_error("prlimit64(new " + p + ")", {EFAULT},
                               [&] { return sys(SYS_prlimit64, 0, RLIMIT_NOFILE, a, 0); });
            cases.expect_error("prlimit64(old " + p + ")", {EFAULT},
                               [&] { return sys(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, a); });
        }
        cases.expect_error("arch_prctl(ARCH_GET_FS, " + p + ")", {EFAULT},
                           [&] { return sys(SYS_arch_prctl, ARCH_GET_FS, a); });
        cases.expect_error("futex(" + p + ", FUTEX_WAIT)", {EFAULT},
                           [&] { return sys(SYS_futex, a, FUTEX_WAIT_PRIVATE, 0, 0); });
        cases.expect_error("ioctl(stdout, TCGETS, " + p + ")", {stdout_is_tty ? EFAULT : ENOTTY},
                           [&] { return sys(SYS_ioctl, 1, TCGETS, a); });
        cases.expect_error("ioctl(stdout, TIOCGWINSZ, " + p + ")", {stdout_is_tty ? EFAULT : ENOTTY},
                           [&] { return sys(SYS_ioctl, 1, TIOCGWINSZ, a); });
    }
    // Structures the kernel writes or reads that start in a valid page and
    // run into an unmapped one.
    std::string s = "straddling pointer";
    cases.expect_error("fstat(file, " + s + ")", {EFAULT}, [&] { return sys(SYS_fstat, file, straddle); });
    cases.expect_error("uname(" + s + ")", {EFAULT}, [&] { return sys(SYS_uname, straddle); });
    cases.expect_error("clock_gettime(" + s + ")", {EFAULT},
                       [&] { return sys(SYS_clock_gettime, CLOCK_MONOTONIC, straddle); });
    cases.expect_error("nanosleep(req " + s + ")", {EFAULT}, [&] { return sys(SYS_nanosleep, straddle, 0); });
    cases.expect_error("openat(unterminated path, " + s + ")", {EFAULT}, [&] {
        std::memset(reinterpret_cast<void*>(straddle), 'a', 8);
        return sys(SYS_openat, AT_FDCWD, straddle, O_RDONLY);
    });
    cases.expect_error("writev(iov array " + s + ")", {EFAULT}, [&] {
        return sys(SYS_writev, 1, straddle, 1);  // an iovec is 16 bytes
    });
    cases.expect_error("readlink(\"/proc/self/exe\", " + s + ", 64)", {EFAULT},
                       [&] { return sys(SYS_readlink, ptr("/proc/self/exe"), straddle, 64); });
}

void length_and_flag_cases(Cases& cases, int file, int directory) {
    char buffer[64];
    cases.expect_error("read(file, stack, 2^62)", {EFAULT},
                       [&] { return sys(SYS_read, file, ptr(buffer), huge_length); });
    cases.expect_error("read(file, stack, SIZE_MAX)", {EFAULT},
                       [&] { return sys(SYS_read, file, ptr(buffer), SIZE_MAX); });
    cases.expect_error("write(stdout, stack, 2^62)", {EFAULT},
                       [&] { return sys(SYS_write, 1, ptr(buffer), huge_length); });
    // Linux rejects the count (EINVAL) before it looks at the buffer.
    cases.expect_error("getdents64(dir, kernel, 2^62)", {EINVAL, EFAULT},
                       [&] { return sys(SYS_getdents64, directory, 0xffffffff80000000ull, huge_length); });
    cases.expect_error("getdents64(dir, buf, 0)", {EINVAL},
                       [&] { return sys(SYS_getdents64, directory, valid_page, 0); });
    cases.expect_error("getdents64(dir, buf, 1)", {EINVAL},
                       [&] { return sys(SYS_getdents64, directory, valid_page, 1); });
    cases.expect_error("writev(iovcnt 1025)", {EINVAL}, [&] {
        static iovec many[1025];
        return sys(SYS_writev, 1, ptr(many), 1025);
    });
    cases.expect_error("writev(iovcnt -1)", {EINVAL}, [&] {
        iovec one{buffer, 1};
        return sys(SYS_writev, 1, ptr(&one), static_cast<std::uintptr_t>(-1));
    });
    cases.expect_error("writev(iov_len SIZE_MAX)", {EINVAL}, [&] {
        iovec one{buffer, SIZE_MAX};
        return sys(SYS_writev, 1, ptr(&one), 1);
    });
    std::string long_path(5000, 'a');
    cases.expect_error("openat(path of 5000 bytes)", {ENAMETOOLONG},
                       [&] { return sys(SYS_openat, AT_FDCWD, ptr(long_path.c_str()), O_RDONLY); });
    std::string long_name = "/" + std::string(300, 'b');
    cases.expect_error("openat(component of 300 bytes)", {ENAMETOOLONG},
                       [&] { return sys(SYS_openat, AT_FDCWD, ptr(long_name.c_str()), O_RDONLY); });
    cases.expect_error("openat(missing file)", {ENOENT},
                       [&] { return sys(SYS_openat, AT_FDCWD, ptr("/nonexistent-tessera-hostile"), O_RDONLY); });
    cases.expect_error("openat(file, O_DIRECTORY)", {ENOTDIR},
                       [&] { return sys(SYS_openat, AT_FDCWD, getauxval(AT_EXECFN), O_RDONLY | O_DIRECTORY); });
    struct stat st {};
    cases.expect_error("newfstatat(flags 0x12345)", {EINVAL},
                       [&] { return sys(SYS_newfstatat, AT_FDCWD, ptr("/"), ptr(&st), 0x12345); });
    cases.expect_error("newfstatat(\"\" without AT_EMPTY_PATH)", {ENOENT},
                       [&] { return sys(SYS_newfstatat, AT_FDCWD, ptr(""), ptr(&st), 0); });
    cases.expect_error("lseek(whence 99)", {EINVAL}, [&] { return sys(SYS_lseek, file, 0, 99); });
    cases.expect_error("lseek(SEEK_SET -1)", {EINVAL},
                       [&] { return sys(SYS_lseek, file, static_cast<std::uintptr_t>(-1), SEEK_SET); });
    cases.expect_error("getrandom(flags 0x100)", {EINVAL}, [&] { return sys(SYS_getrandom, ptr(buffer), 16, 0x100); });
    cases.expect_error("readlinkat(bufsiz 0)", {EINVAL},
                       [&] { return sys(SYS_readlinkat, AT_FDCWD, ptr("/proc/self/exe"), ptr(buffer), 0); });
    cases.expect_error("readlinkat(bufsiz -1)", {EINVAL}, [&] {
        return sys(SYS_readlinkat, AT_FDCWD, ptr("/proc/self/exe"), ptr(buffer), static_cast<std::uintptr_t>(-1));
    });
    cases.expect_error("readlinkat(\"/\": not a symlink)", {EINVAL},
                       [&] { return sys(SYS_readlinkat, AT_FDCWD, ptr("/"), ptr(buffer), sizeof buffer); });
    cases.expect_error("readlinkat(missing)", {ENOENT}, [&] {
        return sys(SYS_readlinkat, AT_FDCWD, ptr("/nonexistent-tessera-hostile"), ptr(buffer), sizeof buffer);
    });
    cases.expect_error("clock_gettime(clock 999)", {EINVAL}, [&] { return sys(SYS_clock_gettime, 999, ptr(buffer)); });
    for (auto [name, sec, nsec] : {std::tuple{"tv_nsec 1e9", 0l, 1'000'000'000l}, std::tuple{"tv_nsec -1", 0l, -1l},
                                   std::tuple{"tv_sec -1", -1l, 0l}}) {
        timespec t{sec, nsec};
        cases.expect_error(std::string("nanosleep(") + name + ")", {EINVAL},
                           [&] { return sys(SYS_nanosleep, ptr(&t), 0); });
        cases.expect_error(std::string("clock_nanosleep(") + name + ")", {EINVAL},
                           [&] { return sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, ptr(&t), 0); });
    }
    timespec short_sleep{0, 1000};
    cases.expect_error("clock_nanosleep(clock 999)", {EINVAL},
                       [&] { return sys(SYS_clock_nanosleep, 999, 0, ptr(&short_sleep), 0); });
    rlimit inverted{10, 5};
    cases.expect_result(
        "prlimit64(new NULL, old NULL)", "0 (NULL means neither set nor get)",
        [&] { return sys(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, 0); }, [](long r) { return r == 0; });
    cases.expect_error("prlimit64(resource 999)", {EINVAL}, [&] { return sys(SYS_prlimit64, 0, 999, 0, ptr(buffer)); });
    cases.expect_error("prlimit64(soft > hard)", {EINVAL},
                       [&] { return sys(SYS_prlimit64, 0, RLIMIT_NOFILE, ptr(&inverted), 0); });
    cases.expect_error("prlimit64(pid 2^31-1)", {ESRCH},
                       [&] { return sys(SYS_prlimit64, INT_MAX, RLIMIT_NOFILE, 0, ptr(buffer)); });
    cases.expect_error("ioctl(regular file, TCGETS)", {ENOTTY}, [&] {
        termios t{};
        return sys(SYS_ioctl, file, TCGETS, ptr(&t));
    });
    cases.expect_error("ioctl(stdout, 0xdeadbeef)", {ENOTTY}, [&] { return sys(SYS_ioctl, 1, 0xdeadbeef, 0); });
}

void memory_cases(Cases& cases) {
    const long page = sysconf(_SC_PAGESIZE);
    const std::uintptr_t kernel = 0xffffffff80000000ull;
    auto anonymous = MAP_PRIVATE | MAP_ANONYMOUS;
    cases.expect_error("mmap(length 0)", {EINVAL}, [&] { return sys(SYS_mmap, 0, 0, PROT_READ, anonymous, -1, 0); });
    cases.expect_error("mmap(length 2^62)", {ENOMEM},
                       [&] { return sys(SYS_mmap, 0, huge_length, PROT_READ, anonymous, -1, 0); });
    cases.expect_error("mmap(length SIZE_MAX)", {ENOMEM},
                       [&] { return sys(SYS_mmap, 0, SIZE_MAX, PROT_READ, anonymous, -1, 0); });
    cases.expect_error("mmap(MAP_FIXED, unaligned)", {EINVAL},
                       [&] { return sys(SYS_mmap, valid_page + 1, page, PROT_READ, anonymous | MAP_FIXED, -1, 0); });
    cases.expect_error("mmap(MAP_FIXED, kernel address)", {ENOMEM},
                       [&] { return sys(SYS_mmap, kernel, page, PROT_READ, anonymous | MAP_FIXED, -1, 0); });
    cases.expect_error("mmap(neither MAP_PRIVATE nor MAP_SHARED)", {EINVAL},
                       [&] { return sys(SYS_mmap, 0, page, PROT_READ, MAP_ANONYMOUS, -1, 0); });
    cases.expect_error("mmap(file mapping, fd -1)", {EBADF},
                       [&] { return sys(SYS_mmap, 0, page, PROT_READ, MAP_PRIVATE, -1, 0); });
    cases.expect_error("munmap(unaligned)", {EINVAL}, [&] { return sys(SYS_munmap, valid_page + 1, page); });
    cases.expect_error("munmap(length 0)", {EINVAL}, [&] { return sys(SYS_munmap, valid_page, 0); });
    cases.expect_error("munmap(kernel address)", {EINVAL}, [&] { return sys(SYS_munmap, kernel, page); });
    cases.expect_error("munmap(length 2^62)", {EINVAL}, [&] { return sys(SYS_munmap, valid_page, huge_length); });
    cases.expect_error("mprotect(unaligned)", {EINVAL},
                       [&] { return sys(SYS_mprotect, valid_page + 1, page, PROT_READ); });
    cases.expect_error("mprotect(kernel address)", {ENOMEM, EINVAL},
                       [&] { return sys(SYS_mprotect, kernel, page, PROT_READ); });
    cases.expect_error("mprotect(unmapped page)", {ENOMEM},
                       [&] { return sys(SYS_mprotect, valid_page + page, page, PROT_READ); });
    cases.expect_error("mprotect(prot 0x1000)", {EINVAL}, [&] { return sys(SYS_mprotect, valid_page, page, 0x1000); });
    // brk never fails with an error: it returns the current break unchanged.
    long current = sys(SYS_brk, 0);
    for (auto [name, address] : {std::pair{"kernel address", kernel}, std::pair{"1", std::uintptr_t{1}},
                                 std::pair{"2^62", std::uintptr_t{huge_length}}}) {
        cases.expect_result(
            std::string("brk(") + name + ")", "the current break, unchanged", [&] { return sys(SYS_brk, address); },
            [&](long r) { return r == current; });
    }
    cases.expect_error("mremap(kernel address)", {EFAULT, EINVAL},
                       [&] { return sys(SYS_mremap, kernel, page, 2 * page, MREMAP_MAYMOVE, 0); });
    cases.expect_error("mremap(unmapped)", {EFAULT},
                       [&] { return sys(SYS_mremap, valid_page + page, page, 2 * page, MREMAP_MAYMOVE, 0); });
    cases.expect_error("mremap(new length 2^62)", {ENOMEM, EINVAL},
                       [&] { return sys(SYS_mremap, valid_page, page, huge_length, MREMAP_MAYMOVE, 0); });
    cases.expect_error("mremap(old length 2^62)", {EFAULT, EINVAL},
                       [&] { return sys(SYS_mremap, valid_page, huge_length, page, MREMAP_MAYMOVE, 0); });
    cases.expect_error("mremap(MREMAP_FIXED to a kernel address)", {EINVAL}, [&] {
        return sys(SYS_mremap, valid_page, page, page, MREMAP_MAYMOVE | MREMAP_FIXED, kernel);
    });
    cases.expect_error("mremap(flags 0xF0)", {EINVAL},
                       [&] { return sys(SYS_mremap, valid_page, page, page, 0xF0, 0); });
    cases.expect_error("madvise(kernel address, MADV_DONTNEED)", {EINVAL, ENOMEM},
                       [&] { return sys(SYS_madvise, kernel, page, MADV_DONTNEED); });
    cases.expect_error("madvise(length 2^62)", {EINVAL, ENOMEM},
                       [&] { return sys(SYS_madvise, valid_page, huge_length, MADV_DONTNEED); });
    cases.expect_error("madvise(advice 12345)", {EINVAL}, [&] { return sys(SYS_madvise, valid_page, page, 12345); });
    cases.expect_error("msync(kernel address)", {ENOMEM}, [&] { return sys(SYS_msync, kernel, page, MS_SYNC); });
    cases.expect_result(
        "msync(length SIZE_MAX)", "0 (the length wraps to 0 when rounded, as on Linux)",
        [&] { return sys(SYS_msync, valid_page, SIZE_MAX, MS_SYNC); }, [](long r) { return r == 0; });
    cases.expect_error("msync(length 2^62)", {ENOMEM}, [&] { return sys(SYS_msync, valid_page, huge_length, MS_SYNC); });
    cases.expect_error("arch_prctl(ARCH_SET_FS, kernel address)", {EPERM},
                       [&] { return sys(SYS_arch_prctl, ARCH_SET_FS, kernel); });
    cases.expect_error("arch_prctl(ARCH_SET_GS, non-canonical)", {EPERM},
                       [&] { return sys(SYS_arch_prctl, ARCH_SET_GS, 0x0000800000000000ull); });
    cases.expect_error("arch_prctl(code 0x9999)", {EINVAL}, [&] { return sys(SYS_arch_prctl, 0x9999, valid_page); });
}

void thread_and_process_cases(Cases& cases) {
    const std::uintptr_t kernel = 0xffffffff80000000ull;
    static std::uint32_t word = 1;
    cases.expect_error("futex(unaligned, FUTEX_WAIT)", {EINVAL},
                       [&] { return sys(SYS_futex, ptr(&word) + 1, FUTEX_WAIT_PRIVATE, 1, 0); });
    cases.expect_error("futex(unaligned, FUTEX_WAKE)", {EINVAL},
                       [&] { return sys(SYS_futex, ptr(&word) + 1, FUTEX_WAKE_PRIVATE, 1); });
    cases.expect_error("futex(kernel address, FUTEX_WAKE)", {EFAULT},
                       [&] { return sys(SYS_futex, kernel, FUTEX_WAKE_PRIVATE, 1); });
    cases.expect_error("futex(FUTEX_WAIT, value mismatch)", {EAGAIN},
                       [&] { return sys(SYS_futex, ptr(&word), FUTEX_WAIT_PRIVATE, 2, 0); });
    cases.expect_error("futex(FUTEX_WAIT, timeout kernel address)", {EFAULT},
                       [&] { return sys(SYS_futex, ptr(&word), FUTEX_WAIT_PRIVATE, 1, kernel); });
    timespec bad_timeout{0, 1'000'000'000};
    cases.expect_error("futex(FUTEX_WAIT, timeout tv_nsec 1e9)", {EINVAL},
                       [&] { return sys(SYS_futex, ptr(&word), FUTEX_WAIT_PRIVATE, 1, ptr(&bad_timeout)); });
    cases.expect_error("futex(op 99)", {ENOSYS}, [&] { return sys(SYS_futex, ptr(&word), 99, 1, 0); });
    cases.expect_error("futex(FUTEX_CMP_REQUEUE, second word kernel address)", {EFAULT},
                       [&] { return sys(SYS_futex, ptr(&word), FUTEX_CMP_REQUEUE, 1, 1, kernel, 1); });
    cases.expect_error("futex(FUTEX_WAKE_OP, second word kernel address)", {EFAULT},
                       [&] { return sys(SYS_futex, ptr(&word), FUTEX_WAKE_OP, 1, 1, kernel, 0); });
    cases.expect_error("futex(FUTEX_REQUEUE, counts -1)", {EINVAL}, [&] {
        return sys(SYS_futex, ptr(&word), FUTEX_REQUEUE, static_cast<std::uintptr_t>(-1), 1, ptr(&word), 0);
    });
    cases.expect_error("futex(FUTEX_WAIT_BITSET, bitset 0)", {EINVAL},
                       [&] { return sys(SYS_futex, ptr(&word), FUTEX_WAIT_BITSET, 1, 0, 0, 0); });
    cases.expect_error("clone(CLONE_THREAD without CLONE_SIGHAND)", {EINVAL},
                       [&] { return sys(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0); });
    cases.expect_error("clone(CLONE_SIGHAND without CLONE_VM)", {EINVAL},
                       [&] { return sys(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0); });
    cases.expect_error("set_robust_list(len 0)", {EINVAL}, [&] { return sys(SYS_set_robust_list, kernel, 0); });
    cases.expect_error("set_robust_list(len 1000)", {EINVAL}, [&] { return sys(SYS_set_robust_list, kernel, 1000); });
    // glibc registered rseq already (or the kernel lacks it: ENOSYS is fine).
    cases.expect_error("rseq(kernel address)", {EINVAL, EFAULT, ENOSYS},
                       [&] { return sys(SYS_rseq, kernel, 32, 0, 0x53053053); });
    cases.expect_error("rseq(flags 0x80)", {EINVAL, ENOSYS},
                       [&] { return sys(SYS_rseq, valid_page, 32, 0x80, 0x53053053); });
    cases.expect_error("rseq(length 7)", {EINVAL, ENOSYS}, [&] { return sys(SYS_rseq, valid_page, 7, 0, 0x53053053); });
    // Linux stores the clear_child_tid pointer without checking it and
    // writes it only when the thread exits; point it back at valid memory.
    long tid = sys(SYS_gettid);
    cases.expect_result(
        "set_tid_address(kernel address)", "the caller's tid", [&] { return sys(SYS_set_tid_address, kernel); },
        [&](long r) { return r == tid; });
    static int harmless_tid_word;
    sys(SYS_set_tid_address, ptr(&harmless_tid_word));
    const std::uintptr_t junk = 0xdeadbeefdeadbeefull;
    cases.expect_result(
        "getpid(junk arguments)", "a pid > 0", [&] { return sys(SYS_getpid, junk, kernel, junk); },
        [](long r) { return r > 0; });
    cases.expect_result(
        "gettid(junk arguments)", "the tid", [&] { return sys(SYS_gettid, kernel, junk); },
        [&](long r) { return r == tid; });
    cases.expect_result(
        "getppid(junk arguments)", "a pid >= 0", [&] { return sys(SYS_getppid, junk, junk); },
        [](long r) { return r >= 0; });
    cases.expect_result(
        "sched_yield(junk arguments)", "0", [&] { return sys(SYS_sched_yield, kernel, junk); },
        [](long r) { return r == 0; });
}

// Not hostile but heavy: many record locks (split by a hole each) and many
// flock descriptions at once, all released again. The kernel keeps these
// in global tables; the system test checks the heap is back where it was
// (the fuzzer found the tables kept their grown storage: a heap leak).
void lock_cases(Cases& cases, const char* path, int file) {
    constexpr long ranges = 40;
    long locked = 0;
    for (long i = 0; i < ranges; ++i) {
        struct flock lock {};
        lock.l_type = F_RDLCK;
        lock.l_whence = SEEK_SET;
        lock.l_start = 2 * i;
        lock.l_len = 1;
        if (sys(SYS_fcntl, file, F_SETLK, ptr(&lock)) != 0) break;
        ++locked;
    }
    cases.expect_result(
        "fcntl(F_SETLK, F_RDLCK) on 40 separate bytes", "40", [&] { return locked; },
        [](long r) { return r == ranges; });
    struct flock middle {};
    middle.l_type = F_UNLCK;
    middle.l_whence = SEEK_SET;
    middle.l_start = 11;
    middle.l_len = 20;
    cases.expect_result(
        "fcntl(F_SETLK, F_UNLCK, a hole in the middle)", "0",
        [&] { return sys(SYS_fcntl, file, F_SETLK, ptr(&middle)); }, [](long r) { return r == 0; });
    struct flock all {};
    all.l_type = F_UNLCK;
    all.l_whence = SEEK_SET;
    cases.expect_result(
        "fcntl(F_SETLK, F_UNLCK, the whole file)", "0", [&] { return sys(SYS_fcntl, file, F_SETLK, ptr(&all)); },
        [](long r) { return r == 0; });
    std::vector<int> descriptions;
    for (int i = 0; i < 20; ++i) {
        int fd = static_cast<int>(sys(SYS_openat, AT_FDCWD, ptr(path), O_RDONLY));
        if (fd < 0) break;
        descriptions.push_back(fd);
        if (sys(SYS_flock, fd, LOCK_SH | LOCK_NB) != 0) break;
    }
    cases.expect_result(
        "flock(LOCK_SH) on 20 descriptions of one file", "20", [&] { return static_cast<long>(descriptions.size()); },
        [](long r) { return r == 20; });
    for (int fd : descriptions) sys(SYS_close, fd);
}

}  // namespace

int main() {
    Report report("hostile-syscalls");
    const long page = sysconf(_SC_PAGESIZE);
    // Probe pages: [0] read-write, [1] unmapped, [2] PROT_NONE.
    void* probe = mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe == MAP_FAILED || munmap(static_cast<char*>(probe) + page, page) != 0 ||
        mprotect(static_cast<char*>(probe) + 2 * page, page, PROT_NONE) != 0) {
        std::printf("FAIL hostile-syscalls: cannot set up probe pages\n");
        return 1;
    }
    valid_page = ptr(probe);
    straddle = valid_page + page - 8;
    bad_pointers = {
        {"NULL", 0},
        {"kernel text 0xffffffff80000000", 0xffffffff80000000ull},
        {"kernel direct map 0xffff888000000000", 0xffff888000000000ull},
        {"non-canonical 0x0000800000000000", 0x0000800000000000ull},
        {"unmapped page", valid_page + page},
        {"PROT_NONE page", valid_page + 2 * page},
    };
    // A file and a directory every system has: this program (AT_EXECFN, the
    // path it was executed by) and the root.
    auto self = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
    int file = self ? static_cast<int>(sys(SYS_openat, AT_FDCWD, ptr(self), O_RDONLY)) : -1;
    int directory = static_cast<int>(sys(SYS_openat, AT_FDCWD, ptr("/"), O_RDONLY | O_DIRECTORY));
    if (file < 0 || directory < 0) {
        std::printf("FAIL hostile-syscalls: cannot open %s and / (%s)\n", self ? self : "AT_EXECFN", strerror(errno));
        return 1;
    }
    termios terminal{};
    bool stdout_is_tty = sys(SYS_ioctl, 1, TCGETS, ptr(&terminal)) == 0;
    std::printf("hostile-syscalls: stdout is %sa terminal\n", stdout_is_tty ? "" : "not ");

    Cases cases(report);
    file_descriptor_cases(cases, file, directory);
    pointer_cases(cases, file, directory, stdout_is_tty);
    length_and_flag_cases(cases, file, directory);
    memory_cases(cases);
    thread_and_process_cases(cases);
    lock_cases(cases, self, file);
    // The calls above must not have disturbed the process: files still work.
    char byte = 0;
    report.check(sys(SYS_lseek, file, 0, SEEK_SET) == 0 && sys(SYS_read, file, ptr(&byte), 1) == 1 && byte == 0x7f,
                 "the process still works afterwards (read its own ELF magic)", "reading the program file failed");
    sys(SYS_close, file);
    sys(SYS_close, directory);
    return report.summarize() ? 0 : 1;
}
