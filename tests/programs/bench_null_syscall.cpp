// bench-null-syscall [ITERATIONS [REPETITIONS]]: the cost of the cheapest
// system call, getppid (glibc does not cache it), through the syscall
// instruction itself (no vDSO). Prints the median and the minimum over the
// repetitions of the mean time per call.
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char** argv) {
    using namespace tessera::bench;
    long iterations = count_argument(argc, argv, 1, 1'000'000);
    long repetitions = count_argument(argc, argv, 2, 7);
    std::vector<double> per_call;
    long sink = 0;
    for (long r = 0; r < repetitions; ++r) {
        std::int64_t start = monotonic_ns();
        for (long i = 0; i < iterations; ++i) sink += syscall(SYS_getppid);
        per_call.push_back(static_cast<double>(monotonic_ns() - start) / iterations);
    }
    std::printf("bench null_syscall ns_per_op=%.1f min_ns_per_op=%.1f iterations=%ld repetitions=%ld\n",
                median(per_call), minimum(per_call), iterations, repetitions);
    if (sink < 0) std::printf("getppid failed\n");  // keeps the calls observable
    done();
    return sink < 0 ? 1 : 0;
}
