// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2
// (ipc/epoll.h). epoll_pwait waits with its signal mask, as ppoll does.
#include "ipc/epoll.h"
#include "lib/allocator.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "object/file.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/signal.h"

namespace linux {
namespace {

constexpr uint64_t epoll_cloexec = 02000000;
constexpr uint64_t signal_set_size = 8;
// Linux caps maxevents at INT_MAX / sizeof(struct epoll_event).
constexpr int64_t max_events = 0x7fffffff / 12;
// Events collected per pass: epoll_wait copies out in chunks of this many.
constexpr size_t events_per_pass = 64;

struct [[gnu::packed]] UserEpollEvent {
    uint32_t events;
    uint64_t data;
};

// deadline: monotonic ns, 0 for none.
Result wait_until(uint64_t epoll_fd, uint64_t user_events, int64_t capacity, uint64_t deadline) {
    if (capacity <= 0 || capacity > max_events) return lib::Error::invalid_argument;
    auto epoll = TRY(current_process().files.get(static_cast<int>(epoll_fd)));
    if (epoll->kind != object::FileKind::epoll) return lib::Error::invalid_argument;
    size_t chunk = lib::min(static_cast<size_t>(capacity), events_per_pass);
    ipc::EpollEvent ready[events_per_pass];
    size_t count = TRY(ipc::wait_epoll(*epoll, ready, chunk, deadline));
    for (size_t i = 0; i < count; ++i) {
        UserEpollEvent event{ready[i].events, ready[i].data};
        TRY(mm::copy_value_to_user(user_events + i * sizeof(UserEpollEvent), event));
    }
    return count;
}

Result wait(uint64_t epoll_fd, uint64_t user_events, int64_t capacity, int64_t timeout_ms) {
    uint64_t deadline = 0;
    if (timeout_ms >= 0) deadline = sched::monotonic_ns() + static_cast<uint64_t>(timeout_ms) * 1'000'000 + 1;
    return wait_until(epoll_fd, user_events, capacity, deadline);
}

// With the caller's signal mask for the wait, as ppoll: restored at once
// unless the wait ends with EINTR, then after the handler ran.
Result wait_masked(uint64_t mask_address, uint64_t mask_size, uint64_t epoll_fd, uint64_t user_events,
                   int64_t capacity, uint64_t deadline) {
    if (mask_address == 0) return wait_until(epoll_fd, user_events, capacity, deadline);
    if (mask_size != signal_set_size) return lib::Error::invalid_argument;
    sched::SignalSet mask;
    TRY(mm::copy_value_from_user(mask, mask_address));
    sched::set_temporary_blocked(mask);
    Result result = wait_until(epoll_fd, user_events, capacity, deadline);
    if (!result.is_error() || result.error() != lib::Error::interrupted) sched::end_temporary_blocked();
    return result;
}

}  // namespace

Result sys_epoll_create(const Arguments& a) {
    if (static_cast<int32_t>(a.a0) <= 0) return lib::Error::invalid_argument;
    return install_new_file(TRY(ipc::create_epoll(0)), false);
}

Result sys_epoll_create1(const Arguments& a) {
    if (a.a0 & ~epoll_cloexec) return lib::Error::invalid_argument;
    return install_new_file(TRY(ipc::create_epoll(0)), a.a0 & epoll_cloexec);
}

Result sys_epoll_ctl(const Arguments& a) {
    int operation = static_cast<int>(a.a1);
    auto epoll = TRY(current_process().files.get(static_cast<int>(a.a0)));
    auto target = TRY(current_process().files.get(static_cast<int>(a.a2)));
    if (operation < 1 || operation > 3) return lib::Error::invalid_argument;
    ipc::EpollEvent event{0, 0};
    if (operation != static_cast<int>(ipc::EpollOperation::remove)) {
        UserEpollEvent user;
        TRY(mm::copy_value_from_user(user, a.a3));
        event = ipc::EpollEvent{user.events, user.data};
    }
    TRY(ipc::control_epoll(*epoll, static_cast<ipc::EpollOperation>(operation), static_cast<int>(a.a2), *target,
                           event));
    return uint64_t(0);
}

Result sys_epoll_wait(const Arguments& a) {
    return wait(a.a0, a.a1, static_cast<int32_t>(a.a2), static_cast<int32_t>(a.a3));
}

Result sys_epoll_pwait(const Arguments& a) {
    int32_t timeout_ms = static_cast<int32_t>(a.a3);
    uint64_t deadline = 0;
    if (timeout_ms >= 0) deadline = sched::monotonic_ns() + static_cast<uint64_t>(timeout_ms) * 1'000'000 + 1;
    return wait_masked(a.a4, a.a5, a.a0, a.a1, static_cast<int32_t>(a.a2), deadline);
}

// epoll_pwait2: the timeout is a struct timespec (NULL: none).
Result sys_epoll_pwait2(const Arguments& a) {
    uint64_t deadline = 0;
    if (a.a3 != 0) {
        int64_t timeout[2];
        TRY(mm::copy_from_user(timeout, a.a3, sizeof timeout));
        if (timeout[0] < 0 || timeout[1] < 0 || timeout[1] >= 1'000'000'000) return lib::Error::invalid_argument;
        constexpr int64_t far = (int64_t(1) << 62) / 1'000'000'000;
        deadline = timeout[0] > far ? 0
                                    : sched::monotonic_ns() + static_cast<uint64_t>(timeout[0]) * 1'000'000'000 +
                                          static_cast<uint64_t>(timeout[1]) + 1;
    }
    return wait_masked(a.a4, a.a5, a.a0, a.a1, static_cast<int32_t>(a.a2), deadline);
}

}  // namespace linux
