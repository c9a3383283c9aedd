// Helpers for the benchmark programs. Each prints machine-readable lines
//   bench <name> <key>=<value> [<key>=<value> ...]
// where the first key is the figure compared across kernels (lower is
// better), and ends with the line "bench-done" so a harness knows the
// program finished. tests/bench collects them from a serial log.
#pragma once

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace tessera::bench {

inline std::int64_t monotonic_ns() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

inline double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

inline double minimum(const std::vector<double>& values) {
    return values.empty() ? 0 : *std::min_element(values.begin(), values.end());
}

// argv[index] as a positive count, or fallback.
inline long count_argument(int argc, char** argv, int index, long fallback) {
    if (argc <= index) return fallback;
    char* end = nullptr;
    long value = std::strtol(argv[index], &end, 10);
    if (*argv[index] == '\0' || *end != '\0' || value <= 0) {
        std::fprintf(stderr, "bad count '%s'\n", argv[index]);
        std::exit(2);
    }
    return value;
}

inline void done() {
    std::printf("bench-done\n");
    std::fflush(stdout);
}

}  // namespace tessera::bench
