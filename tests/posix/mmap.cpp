// Memory mappings: mmap (anonymous private and shared, files private and
// shared, MAP_FIXED, MAP_FIXED_NOREPLACE), munmap, mprotect, mremap,
// madvise and msync, with the errors Linux gives, and SIGBUS past the end
// of a mapped file. Files come from /bin/sh, which both systems have.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "posix_test.h"

namespace {

constexpr size_t page = 4096;
const char* file_path = "/bin/sh";

char* map(size_t length, int protection = PROT_READ | PROT_WRITE, int flags = MAP_PRIVATE | MAP_ANONYMOUS,
          int fd = -1, off_t offset = 0, void* hint = nullptr) {
    void* address = mmap(hint, length, protection, flags, fd, offset);
    if (address == MAP_FAILED) posix::fail(__FILE__, __LINE__, "mmap failed: " + posix::describe_errno(errno));
    return static_cast<char*>(address);
}

// Runs body in a child and gives its wait status.
template <typename Body>
int in_child(Body body) {
    pid_t child = fork();
    if (child == 0) {
        body();
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return status;
}

bool killed_by(int status, int signal) {
    return WIFSIGNALED(status) && WTERMSIG(status) == signal;
}

std::vector<char> file_bytes(int fd, size_t size) {
    std::vector<char> bytes(size);
    CHECK_EQ(pread(fd, bytes.data(), size, 0), static_cast<ssize_t>(size));
    return bytes;
}

}  // namespace

POSIX_TEST(mmap, anonymous_private_memory_is_zeroed_and_writable) {
    char* p = map(3 * page);
    for (size_t i = 0; i < 3 * page; i += 512) CHECK_EQ(p[i], 0);
    std::memset(p, 0x5A, 3 * page);
    CHECK_EQ(p[3 * page - 1], 0x5A);
    CHECK_OK(munmap(p, 3 * page));
    CHECK(killed_by(in_child([p] { *static_cast<volatile char*>(p) = 1; }), SIGSEGV));
}

POSIX_TEST(mmap, argument_errors) {
    CHECK(mmap(nullptr, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(nullptr, page, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF);
    CHECK(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, 1000, 0) == MAP_FAILED && errno == EBADF);
    CHECK(mmap(nullptr, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(reinterpret_cast<void*>(0x10001000 + 1), page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
               0) == MAP_FAILED &&
          errno == EINVAL);
    CHECK(mmap(nullptr, page, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    int file = CHECK_OK(open(file_path, O_RDONLY));
    CHECK(mmap(nullptr, page, PROT_READ, MAP_SHARED_VALIDATE | 0x200000, file, 0) == MAP_FAILED && errno == EOPNOTSUPP);
    char* validated = map(page, PROT_READ, MAP_SHARED_VALIDATE, file);
    CHECK_OK(munmap(validated, page));
    CHECK(mmap(nullptr, ~size_t(0) - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
          errno == ENOMEM);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, fds[0], 0) == MAP_FAILED && errno == ENODEV);
}

POSIX_TEST(mmap, populate_and_noreserve_are_accepted) {
    char* p = map(4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_NORESERVE);
    CHECK_EQ(p[4 * page - 1], 0);
    CHECK_OK(munmap(p, 4 * page));
}

POSIX_TEST(mmap, map_fixed_replaces_and_noreplace_refuses) {
    char* p = map(2 * page);
    std::memset(p, 7, 2 * page);
    char* q = map(page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, p + page);
    CHECK(q == p + page);
    CHECK_EQ(p[0], 7);
    CHECK_EQ(q[0], 0);  // a fresh page
    CHECK(mmap(p, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED &&
          errno == EEXIST);
    CHECK_OK(munmap(p, 2 * page));
    char* r = map(page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, p);
    CHECK(r == p);
    CHECK_OK(munmap(r, page));
}

POSIX_TEST(mmap, shared_anonymous_memory_is_shared_across_fork) {
    auto* shared = reinterpret_cast<volatile int*>(map(page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS));
    auto* own = reinterpret_cast<volatile int*>(map(page));
    shared[10] = 1;
    own[10] = 1;
    int status = in_child([&] {
        shared[10] = 42;
        own[10] = 42;
    });
    CHECK(WIFEXITED(status));
    CHECK_EQ(shared[10], 42);
    CHECK_EQ(own[10], 1);
}

POSIX_TEST(mmap, private_file_mapping_has_the_file_and_copies_on_write) {
    int fd = CHECK_OK(open(file_path, O_RDONLY));
    struct stat status;
    CHECK_OK(fstat(fd, &status));
    size_t size = static_cast<size_t>(status.st_size);
    std::vector<char> bytes = file_bytes(fd, size);
    char* p = map(size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    CHECK(std::memcmp(p, "\x7f" "ELF", 4) == 0);
    CHECK(std::memcmp(p, bytes.data(), size) == 0);
    p[0] = 'X';  // our copy only
    char first;
    CHECK_EQ(pread(fd, &first, 1, 0), 1);
    CHECK_EQ(first, 0x7f);
    // MADV_DONTNEED drops the private copy: the file's byte is back.
    CHECK_OK(madvise(p, page, MADV_DONTNEED));
    CHECK_EQ(p[0], 0x7f);
    // An offset maps from there.
    if (size > 2 * page) {
        char* q = map(page, PROT_READ, MAP_PRIVATE, fd, page);
        CHECK(std::memcmp(q, bytes.data() + page, page) == 0);
        CHECK_OK(munmap(q, page));
    }
    CHECK_OK(munmap(p, size));
    close(fd);
}

POSIX_TEST(mmap, shared_mapping_of_a_read_only_file_cannot_be_writable) {
    int fd = CHECK_OK(open(file_path, O_RDONLY));
    CHECK(mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES);
    char* p = map(page, PROT_READ, MAP_SHARED, fd);
    CHECK(std::memcmp(p, "\x7f" "ELF", 4) == 0);
    CHECK_ERRNO(mprotect(p, page, PROT_READ | PROT_WRITE), EACCES);
    CHECK_OK(mprotect(p, page, PROT_NONE));
    CHECK_OK(mprotect(p, page, PROT_READ));
    CHECK_OK(munmap(p, page));
    // A private mapping may be written (copy on write).
    char* q = map(page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    q[1] = 'Z';
    CHECK_OK(munmap(q, page));
    close(fd);
}

POSIX_TEST(mmap, write_only_descriptor_cannot_be_mapped) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK(mmap(nullptr, page, PROT_READ, MAP_PRIVATE, fds[1], 0) == MAP_FAILED && errno == EACCES);
}

POSIX_TEST(mmap, access_past_the_end_of_a_file_is_sigbus) {
    int fd = CHECK_OK(open(file_path, O_RDONLY));
    struct stat status;
    CHECK_OK(fstat(fd, &status));
    size_t size = static_cast<size_t>(status.st_size);
    size_t pages = (size + page - 1) / page;
    char* p = map((pages + 2) * page, PROT_READ, MAP_PRIVATE, fd);
    // The rest of the last page reads as zeros.
    if (size % page != 0) CHECK_EQ(p[size], 0);
    CHECK_EQ(p[size - 1], file_bytes(fd, size)[size - 1]);
    CHECK(killed_by(in_child([&] { (void)*static_cast<volatile char*>(p + pages * page); }), SIGBUS));
    CHECK(killed_by(in_child([&] { (void)*static_cast<volatile char*>(p + (pages + 1) * page + 5); }), SIGBUS));
    char* shared = map((pages + 1) * page, PROT_READ, MAP_SHARED, fd);
    CHECK(killed_by(in_child([&] { (void)*static_cast<volatile char*>(shared + pages * page); }), SIGBUS));
    close(fd);
}

POSIX_TEST(munmap, errors) {
    char* p = map(page);
    CHECK_ERRNO(munmap(p + 1, page), EINVAL);
    CHECK_ERRNO(munmap(p, 0), EINVAL);
    CHECK_OK(munmap(p, page));
    CHECK_OK(munmap(p, page));  // nothing mapped there is fine
}

POSIX_TEST(mprotect, changes_and_errors) {
    char* p = map(2 * page);
    p[0] = 1;
    CHECK_OK(mprotect(p, page, PROT_READ));
    CHECK_EQ(p[0], 1);
    CHECK(killed_by(in_child([p] { *static_cast<volatile char*>(p) = 2; }), SIGSEGV));
    CHECK_OK(mprotect(p, page, PROT_NONE));
    CHECK(killed_by(in_child([p] { (void)*static_cast<volatile char*>(p); }), SIGSEGV));
    CHECK_OK(mprotect(p, page, PROT_READ | PROT_WRITE));
    p[0] = 3;
    CHECK_ERRNO(mprotect(p + 1, page, PROT_READ), EINVAL);
    CHECK_ERRNO(mprotect(p, page, 0x100), EINVAL);
    CHECK_OK(munmap(p + page, page));
    CHECK_ERRNO(mprotect(p, 2 * page, PROT_READ), ENOMEM);
    CHECK_OK(munmap(p, page));
}

POSIX_TEST(mremap, grows_in_place_shrinks_and_moves) {
    char* p = map(3 * page);
    CHECK_OK(munmap(p + page, 2 * page));
    p[0] = 11;
    // In place: the two pages after are free.
    char* grown = static_cast<char*>(mremap(p, page, 3 * page, 0));
    CHECK(grown == p);
    CHECK_EQ(grown[0], 11);
    grown[3 * page - 1] = 12;
    // Shrinking keeps the address and unmaps the tail.
    CHECK(mremap(p, 3 * page, page, 0) == p);
    CHECK(killed_by(in_child([p] { (void)*static_cast<volatile char*>(p + page); }), SIGSEGV));
    // Blocked by a neighbour: ENOMEM without MREMAP_MAYMOVE, a move with it.
    map(page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, p + page);
    CHECK(mremap(p, page, 2 * page, 0) == MAP_FAILED && errno == ENOMEM);
    char* moved = static_cast<char*>(mremap(p, page, 4 * page, MREMAP_MAYMOVE));
    CHECK(moved != MAP_FAILED);
    CHECK(moved != p);
    CHECK_EQ(moved[0], 11);
    CHECK_EQ(moved[4 * page - 1], 0);
    CHECK_ERRNO(mprotect(p, page, PROT_READ), ENOMEM);  // the old place is gone
    CHECK_OK(munmap(moved, 4 * page));
    CHECK_OK(munmap(p + page, page));
}

POSIX_TEST(mremap, fixed_moves_to_the_given_address) {
    char* p = map(2 * page);
    p[page] = 21;
    char* target = map(4 * page);
    char* moved = static_cast<char*>(mremap(p, 2 * page, 3 * page, MREMAP_MAYMOVE | MREMAP_FIXED, target + page));
    CHECK(moved == target + page);
    CHECK_EQ(moved[page], 21);
    CHECK_EQ(moved[2 * page], 0);
    CHECK_ERRNO(mprotect(p, page, PROT_READ), ENOMEM);
    CHECK_OK(munmap(target, 4 * page));
}

POSIX_TEST(mremap, shared_anonymous_memory_stays_shared_after_a_move) {
    auto* p = map(2 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    CHECK_OK(munmap(p + page, page));
    map(page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0, p + page);  // a neighbour of ours
    auto* moved = static_cast<volatile char*>(mremap(p, page, 2 * page, MREMAP_MAYMOVE));
    CHECK(moved != MAP_FAILED);
    int status = in_child([&] { moved[100] = 9; });
    CHECK(WIFEXITED(status));
    CHECK_EQ(moved[100], 9);
}

POSIX_TEST(mremap, errors) {
    char* p = map(2 * page);
    CHECK(mremap(p + 1, page, 2 * page, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p, page, 0, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p, page, 2 * page, 0x40) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p, page, 2 * page, MREMAP_FIXED, p + 8 * page) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p, 2 * page, 2 * page, MREMAP_MAYMOVE | MREMAP_FIXED, p + page) == MAP_FAILED && errno == EINVAL);
    CHECK_OK(munmap(p, 2 * page));
    CHECK(mremap(p, page, 2 * page, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);
}

POSIX_TEST(madvise, dontneed_zeroes_private_memory_and_keeps_shared_memory) {
    char* p = map(2 * page);
    std::memset(p, 5, 2 * page);
    CHECK_OK(madvise(p, 2 * page, MADV_DONTNEED));
    CHECK_EQ(p[0], 0);
    CHECK_EQ(p[2 * page - 1], 0);
    char* shared = map(page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    shared[0] = 6;
    CHECK_OK(madvise(shared, page, MADV_DONTNEED));
    CHECK_EQ(shared[0], 6);
    CHECK_OK(madvise(p, page, MADV_WILLNEED));
    CHECK_OK(madvise(p, page, MADV_SEQUENTIAL));
    CHECK_OK(madvise(p, 0, MADV_DONTNEED));
}

POSIX_TEST(madvise, errors) {
    char* p = map(2 * page);
    CHECK_ERRNO(madvise(p + 1, page, MADV_DONTNEED), EINVAL);
    CHECK_ERRNO(madvise(p, page, 999), EINVAL);
    CHECK_OK(munmap(p + page, page));
    CHECK_ERRNO(madvise(p, 2 * page, MADV_DONTNEED), ENOMEM);
    CHECK_ERRNO(madvise(p, 2 * page, MADV_WILLNEED), ENOMEM);
}

POSIX_TEST(msync, flags_and_ranges) {
    char* p = map(2 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    CHECK_OK(msync(p, 2 * page, MS_SYNC));
    CHECK_OK(msync(p, page, MS_ASYNC | MS_INVALIDATE));
    CHECK_OK(msync(p, 0, MS_SYNC));
    CHECK_ERRNO(msync(p, page, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERRNO(msync(p, page, 0x100), EINVAL);
    CHECK_ERRNO(msync(p + 1, page, MS_SYNC), EINVAL);
    CHECK_OK(munmap(p + page, page));
    CHECK_ERRNO(msync(p, 2 * page, MS_SYNC), ENOMEM);
}

POSIX_TEST(mprotect, prot_none_keeps_the_data_and_refuses_the_kernel_too) {
    char* p = map(2 * page);
    std::memset(p, 0x33, 2 * page);
    CHECK_OK(mprotect(p, page, PROT_NONE));
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(write(fds[1], p, 1), EFAULT);  // the kernel may not read it either
    CHECK_EQ(write(fds[1], "z", 1), 1);
    CHECK_ERRNO(read(fds[0], p, 1), EFAULT);
    // A child inherits the page, still inaccessible, with its data.
    int status = in_child([p] {
        if (mprotect(p, page, PROT_READ) != 0 || p[10] != 0x33) _exit(1);
    });
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_OK(mprotect(p, page, PROT_READ | PROT_WRITE));
    CHECK_EQ(p[0], 0x33);
    CHECK_EQ(p[page - 1], 0x33);
    p[0] = 0x44;
    CHECK_OK(munmap(p, 2 * page));
}

POSIX_TEST(mremap, dontunmap_moves_the_pages_and_keeps_the_old_range_empty) {
    char* p = map(2 * page);
    std::memset(p, 0x61, 2 * page);
    char* moved = static_cast<char*>(mremap(p, 2 * page, 2 * page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, nullptr));
    CHECK(moved != MAP_FAILED);
    CHECK(moved != p);
    CHECK_EQ(moved[0], 0x61);
    CHECK_EQ(moved[2 * page - 1], 0x61);
    CHECK_EQ(p[0], 0);  // still mapped, the pages gone
    p[1] = 1;
    CHECK(mremap(p, 2 * page, 2 * page, MREMAP_DONTUNMAP, nullptr) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p, 2 * page, 3 * page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, nullptr) == MAP_FAILED && errno == EINVAL);
    CHECK_OK(munmap(p, 2 * page));
    CHECK_OK(munmap(moved, 2 * page));
}

POSIX_TEST(mremap, old_size_zero_maps_a_shared_mapping_twice) {
    auto* p = map(page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    auto* twin = static_cast<char*>(mremap(p, 0, page, MREMAP_MAYMOVE, nullptr));
    CHECK(twin != MAP_FAILED);
    CHECK(twin != p);
    p[7] = 42;
    CHECK_EQ(twin[7], 42);  // the same page
    twin[8] = 43;
    CHECK_EQ(p[8], 43);
    char* own = map(page);
    CHECK(mremap(own, 0, page, MREMAP_MAYMOVE, nullptr) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p, 0, page, 0, nullptr) == MAP_FAILED && errno == ENOMEM);
    CHECK_OK(munmap(twin, page));
    CHECK_EQ(p[7], 42);
}
