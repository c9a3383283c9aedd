// bench-tmpfs-file [ITERATIONS [REPETITIONS]]: create, write 4 KiB, read
// it back, close and unlink a file in an in-memory filesystem (Tessera's
// tmpfs root; Linux's initramfs root, also tmpfs-like), in a directory of
// its own. Prints the median and the minimum over the repetitions of the
// mean time per round.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bench.h"

int main(int argc, char** argv) {
    using namespace tessera::bench;
    long iterations = count_argument(argc, argv, 1, 20'000);
    long repetitions = count_argument(argc, argv, 2, 7);
    const char* directory = "/tmp/bench-tmpfs-file";
    if (mkdir("/tmp", 01777) != 0 && errno != EEXIST) return 1;
    if (mkdir(directory, 0755) != 0 && errno != EEXIST) return 1;
    char data[4096], back[4096];
    std::memset(data, 'x', sizeof data);
    std::vector<double> per_round;
    for (long r = 0; r < repetitions; ++r) {
        std::int64_t start = monotonic_ns();
        for (long i = 0; i < iterations; ++i) {
            int fd = open("/tmp/bench-tmpfs-file/f", O_CREAT | O_RDWR | O_TRUNC, 0600);
            if (fd < 0 || write(fd, data, sizeof data) != sizeof data || pread(fd, back, sizeof back, 0) != sizeof back ||
                close(fd) != 0 || unlink("/tmp/bench-tmpfs-file/f") != 0) {
                std::printf("bench tmpfs_file failed: %s\n", std::strerror(errno));
                return 1;
            }
        }
        per_round.push_back(static_cast<double>(monotonic_ns() - start) / iterations);
    }
    std::printf("bench tmpfs_file ns_per_op=%.1f min_ns_per_op=%.1f iterations=%ld repetitions=%ld\n",
                median(per_round), minimum(per_round), iterations, repetitions);
    rmdir(directory);
    done();
    return 0;
}
