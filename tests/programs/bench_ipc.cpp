// bench-ipc [ROUND_TRIPS [REPETITIONS]]: one byte bounced between two
// processes, the cost of a round trip (two wakeups, two context switches):
//   pipe_pingpong  over two pipes, blocking read/write;
//   unix_pingpong  over an AF_UNIX stream socketpair;
//   epoll_wakeup   both sides sleeping in epoll_wait on an eventfd, the
//                  figure is half a round trip: write to return from
//                  epoll_wait in the other process.
// Prints the median and the minimum over the repetitions of the mean time.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#include "bench.h"

namespace {

using namespace tessera::bench;

void fail(const char* what) {
    std::printf("bench-ipc: %s failed\n", what);
    std::fflush(stdout);
    std::exit(1);
}

// Bounces a byte: the parent writes to `out` and reads from `in`; the child
// (given the other ends) echoes. Returns ns per round trip per repetition.
std::vector<double> ping_pong(int parent_in, int parent_out, int child_in, int child_out, long round_trips,
                              long repetitions) {
    pid_t child = fork();
    if (child < 0) fail("fork");
    if (child == 0) {
        char byte;
        for (long i = 0; i < round_trips * repetitions; ++i) {
            if (read(child_in, &byte, 1) != 1 || write(child_out, &byte, 1) != 1) _exit(1);
        }
        _exit(0);
    }
    std::vector<double> per_trip;
    char byte = 'x';
    for (long r = 0; r < repetitions; ++r) {
        std::int64_t start = monotonic_ns();
        for (long i = 0; i < round_trips; ++i) {
            if (write(parent_out, &byte, 1) != 1 || read(parent_in, &byte, 1) != 1) fail("ping-pong");
        }
        per_trip.push_back(static_cast<double>(monotonic_ns() - start) / round_trips);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || status != 0) fail("ping-pong child");
    return per_trip;
}

std::vector<double> pipe_ping_pong(long round_trips, long repetitions) {
    int to_child[2], to_parent[2];
    if (pipe(to_child) != 0 || pipe(to_parent) != 0) fail("pipe");
    auto result = ping_pong(to_parent[0], to_child[1], to_child[0], to_parent[1], round_trips, repetitions);
    for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) close(fd);
    return result;
}

std::vector<double> unix_ping_pong(long round_trips, long repetitions) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) fail("socketpair");
    auto result = ping_pong(pair[0], pair[0], pair[1], pair[1], round_trips, repetitions);
    close(pair[0]);
    close(pair[1]);
    return result;
}

// Waits in epoll_wait for `ready`, takes its count, then signals `wake`.
bool epoll_step(int epoll_fd, int ready, int wake) {
    epoll_event event;
    if (epoll_wait(epoll_fd, &event, 1, -1) != 1) return false;
    std::uint64_t value;
    if (read(ready, &value, sizeof value) != sizeof value) return false;
    value = 1;
    return write(wake, &value, sizeof value) == sizeof value;
}

int epoll_on(int fd) {
    int epoll_fd = epoll_create1(0);
    epoll_event event{};
    event.events = EPOLLIN;
    if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) fail("epoll");
    return epoll_fd;
}

std::vector<double> epoll_wakeups(long round_trips, long repetitions) {
    int to_child = eventfd(0, 0), to_parent = eventfd(0, 0);
    if (to_child < 0 || to_parent < 0) fail("eventfd");
    pid_t child = fork();
    if (child < 0) fail("fork");
    if (child == 0) {
        int epoll_fd = epoll_on(to_child);
        for (long i = 0; i < round_trips * repetitions; ++i) {
            if (!epoll_step(epoll_fd, to_child, to_parent)) _exit(1);
        }
        _exit(0);
    }
    int epoll_fd = epoll_on(to_parent);
    std::vector<double> per_wakeup;
    for (long r = 0; r < repetitions; ++r) {
        std::int64_t start = monotonic_ns();
        for (long i = 0; i < round_trips; ++i) {
            std::uint64_t one = 1;
            if (write(to_child, &one, sizeof one) != sizeof one) fail("eventfd write");
            epoll_event event;
            if (epoll_wait(epoll_fd, &event, 1, -1) != 1) fail("epoll_wait");
            std::uint64_t value;
            if (read(to_parent, &value, sizeof value) != sizeof value) fail("eventfd read");
        }
        per_wakeup.push_back(static_cast<double>(monotonic_ns() - start) / round_trips / 2);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || status != 0) fail("epoll child");
    close(epoll_fd);
    close(to_child);
    close(to_parent);
    return per_wakeup;
}

void report(const char* name, const char* key, const std::vector<double>& values, long count, long repetitions) {
    std::printf("bench %s %s=%.1f min_%s=%.1f round_trips=%ld repetitions=%ld\n", name, key, median(values), key,
                minimum(values), count, repetitions);
}

}  // namespace

int main(int argc, char** argv) {
    long round_trips = count_argument(argc, argv, 1, 2000);
    long repetitions = count_argument(argc, argv, 2, 5);
    report("pipe_pingpong", "ns_per_round_trip", pipe_ping_pong(round_trips, repetitions), round_trips, repetitions);
    report("unix_pingpong", "ns_per_round_trip", unix_ping_pong(round_trips, repetitions), round_trips, repetitions);
    report("epoll_wakeup", "ns_per_wakeup", epoll_wakeups(round_trips, repetitions), round_trips, repetitions);
    done();
    return 0;
}
