// Huge, sparse address ranges: a process may reserve terabytes it never
// touches. Changing or removing such a range must cost what is mapped, not
// its length (a kernel walking it page by page stalls for minutes; the
// case's 20-second alarm catches that).
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#include "posix_test.h"

namespace {
constexpr size_t huge = size_t{1} << 44;  // 16 TiB
}

POSIX_TEST(huge_range, mprotect_and_munmap_of_a_sparse_reservation_are_quick) {
    void* area = mmap(nullptr, huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(area != MAP_FAILED);
    auto* bytes = static_cast<uint8_t*>(area);
    CHECK_OK(mprotect(bytes, huge, PROT_READ | PROT_WRITE));
    bytes[0] = 1;
    bytes[huge - 1] = 2;  // two pages, a whole address space apart
    CHECK_EQ(bytes[0] + bytes[huge - 1], 3);
    CHECK_OK(mprotect(bytes, huge, PROT_READ));
    CHECK_EQ(bytes[huge - 1], 2);
    CHECK_OK(munmap(bytes, huge));
}

POSIX_TEST(huge_range, mremap_moves_a_sparse_reservation_with_its_pages) {
    void* area = mmap(nullptr, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(area != MAP_FAILED);
    auto* bytes = static_cast<uint8_t*>(area);
    bytes[huge / 2] = 7;
    void* target = mmap(nullptr, huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(target != MAP_FAILED);
    void* moved = mremap(area, huge, huge, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    CHECK(moved == target);
    CHECK_EQ(static_cast<uint8_t*>(moved)[huge / 2], 7);
    CHECK_OK(munmap(moved, huge));
}

POSIX_TEST(huge_range, fork_of_a_process_with_a_sparse_reservation_is_quick) {
    void* area = mmap(nullptr, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(area != MAP_FAILED);
    static_cast<uint8_t*>(area)[huge - 4096] = 9;
    pid_t child = CHECK_OK(fork());
    if (child == 0) _exit(static_cast<uint8_t*>(area)[huge - 4096]);
    int status = 0;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK_EQ(WEXITSTATUS(status), 9);
}
