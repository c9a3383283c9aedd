// bench-page-fault [PAGES [REPETITIONS]]: the cost of a demand-zero page
// fault on anonymous memory: map PAGES pages, write one byte to each, unmap.
// Transparent huge pages are turned off for the mapping (MADV_NOHUGEPAGE) so
// that every 4 KiB page faults on Linux too; a kernel without madvise simply
// ignores the request here.
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char** argv) {
    using namespace tessera::bench;
    long pages = count_argument(argc, argv, 1, 16384);  // 64 MiB
    long repetitions = count_argument(argc, argv, 2, 7);
    const long page = sysconf(_SC_PAGESIZE);
    std::vector<double> per_page;
    for (long r = 0; r < repetitions; ++r) {
        std::size_t length = static_cast<std::size_t>(pages) * page;
        auto* memory = static_cast<volatile char*>(
            mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        if (memory == MAP_FAILED) {
            std::printf("bench anon_page_fault error=mmap_failed\n");
            done();
            return 1;
        }
        madvise(const_cast<char*>(memory), length, MADV_NOHUGEPAGE);
        std::int64_t start = monotonic_ns();
        for (long i = 0; i < pages; ++i) memory[i * page] = 1;
        per_page.push_back(static_cast<double>(monotonic_ns() - start) / pages);
        munmap(const_cast<char*>(memory), length);
    }
    std::printf("bench anon_page_fault ns_per_page=%.1f min_ns_per_page=%.1f pages=%ld repetitions=%ld\n",
                median(per_page), minimum(per_page), pages, repetitions);
    done();
    return 0;
}
