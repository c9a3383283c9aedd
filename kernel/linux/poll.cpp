// Waiting on several descriptors: poll, ppoll, select, pselect6. Each
// registers a waiter on every file's readiness queue (object/readiness.h),
// asks the files for ready_events(), returns when any requested event holds
// or the timeout passes, and otherwise sleeps until one of its files
// announces a change (or a file's readiness_deadline passes). A signal
// ends the wait with EINTR (never restarted after a handler, signal(7));
// ppoll and pselect6 wait with their own signal mask.
#include "lib/allocator.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "object/file.h"
#include "object/file_table.h"
#include "object/readiness.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/signal.h"

namespace linux {
namespace {

constexpr uint64_t billion = 1000000000;
constexpr uint64_t forever = 0;  // as a deadline
constexpr uint64_t signal_set_size = 8;
constexpr int select_set_limit = 1024;  // FD_SETSIZE

struct PollDescriptor {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

struct Timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

// A relative timeout (seconds and a fraction in nanoseconds) as a deadline.
lib::ErrorOr<uint64_t> deadline_after(int64_t seconds, int64_t nanoseconds) {
    if (seconds < 0 || nanoseconds < 0 || nanoseconds >= static_cast<int64_t>(billion)) {
        return lib::Error::invalid_argument;
    }
    uint64_t now = sched::monotonic_ns();
    if (static_cast<uint64_t>(seconds) > (~0ull / 4) / billion) return forever;  // near enough
    return now + static_cast<uint64_t>(seconds) * billion + static_cast<uint64_t>(nanoseconds) + 1;
}

// A deadline given as a user struct timespec (0: none, wait forever).
lib::ErrorOr<uint64_t> deadline_from_timespec(uint64_t address) {
    if (address == 0) return forever;
    Timespec value;
    TRY(mm::copy_value_from_user(value, address));
    return deadline_after(value.seconds, value.nanoseconds);
}

bool expired(uint64_t deadline) {
    return deadline != forever && sched::monotonic_ns() >= deadline;
}

// Linux writes the time left back for ppoll, select and pselect6.
lib::Status write_remaining(uint64_t address, uint64_t deadline, bool microseconds) {
    if (address == 0 || deadline == forever) return lib::Status();
    uint64_t now = sched::monotonic_ns();
    uint64_t left = deadline > now ? deadline - now : 0;
    int64_t value[2] = {static_cast<int64_t>(left / billion), static_cast<int64_t>(left % billion)};
    if (microseconds) value[1] /= 1000;
    return mm::copy_to_user(address, value, sizeof value);
}

lib::Status check_signal_set_size(uint64_t mask, uint64_t size) {
    if (mask != 0 && size != signal_set_size) return lib::Error::invalid_argument;
    return lib::Status();
}

// ppoll and pselect6 wait with the caller's mask (when given). Interrupted,
// the original mask comes back after the handler ran; otherwise at once,
// so a signal the temporary mask let through is not delivered (Linux's
// restore_saved_sigmask_unless).
lib::Status apply_wait_mask(uint64_t mask_address) {
    if (mask_address == 0) return lib::ok();
    sched::SignalSet mask;
    TRY(mm::copy_value_from_user(mask, mask_address));
    sched::set_temporary_blocked(mask);
    return lib::ok();
}

Result finish_masked_wait(Result result) {
    if (!result.is_error() || result.error() != lib::Error::interrupted) sched::end_temporary_blocked();
    return result;
}

// The files one poll or select call waits on: a reference and a waiter for
// each descriptor, registered for the whole call.
class WatchSet {
public:
    explicit WatchSet(size_t capacity) : capacity_(capacity) {
        entries_ = static_cast<Entry*>(lib::allocate(sizeof(Entry) * (capacity == 0 ? 1 : capacity)));
        if (entries_ != nullptr) {
            for (size_t i = 0; i < capacity; ++i) new (&entries_[i]) Entry();
        }
    }
    ~WatchSet() {
        if (entries_ == nullptr) return;
        for (size_t i = 0; i < count_; ++i) {
            if (entries_[i].file == nullptr) continue;
            object::ReadinessQueue::remove(entries_[i].waiter);
            entries_[i].file->release();
        }
        lib::deallocate(entries_);
    }
    WatchSet(const WatchSet&) = delete;
    WatchSet& operator=(const WatchSet&) = delete;

    bool allocated() const { return entries_ != nullptr; }

    // Watches fd for the requested events (hang-up and error always, as on
    // Linux); a negative fd is ignored and a closed one is poll_invalid.
    void add(int32_t fd, uint32_t requested) {
        Entry& entry = entries_[count_++];
        entry.requested = requested | object::poll_error | object::poll_hangup;
        if (fd < 0) return;
        auto file = current_process().files.get(fd);
        if (file.is_error()) {
            entry.invalid = true;
            return;
        }
        entry.file = file.value().leak();
        sleeper_.prepare(entry.waiter, entry.requested);
        entry.file->readiness.add(entry.waiter);
    }

    // What entry index reports now.
    uint32_t events(size_t index) const {
        const Entry& entry = entries_[index];
        if (entry.invalid) return object::poll_invalid;
        if (entry.file == nullptr) return 0;
        return entry.file->ready_events() & entry.requested;
    }

    // Sleeps until a watched file announces a change, one's readiness
    // deadline passes, or deadline (0: none).
    void wait(uint64_t deadline) {
        for (size_t i = 0; i < count_; ++i) {
            if (entries_[i].file == nullptr) continue;
            uint64_t recheck = entries_[i].file->readiness_deadline();
            if (recheck != 0 && (deadline == 0 || recheck < deadline)) deadline = recheck;
        }
        (void)sleeper_.block(deadline);
    }

private:
    struct Entry {
        object::SleeperWaiter waiter;
        object::File* file = nullptr;
        uint32_t requested = 0;
        bool invalid = false;
    };
    object::ReadinessSleeper sleeper_;
    Entry* entries_ = nullptr;
    size_t capacity_;
    size_t count_ = 0;
};

Result do_poll(uint64_t user_fds, uint64_t count, uint64_t deadline) {
    if (count > static_cast<uint64_t>(object::FileTable::max_descriptors)) return lib::Error::invalid_argument;
    size_t bytes = count * sizeof(PollDescriptor);
    auto* fds = static_cast<PollDescriptor*>(lib::allocate(bytes == 0 ? 1 : bytes));
    if (fds == nullptr) return lib::Error::no_memory;
    auto copied = mm::copy_from_user(fds, user_fds, bytes);
    if (copied.is_error()) {
        lib::deallocate(fds);
        return copied.error();
    }
    uint64_t ready = 0;
    bool interrupted = false;
    {
        WatchSet watched(count);
        if (!watched.allocated()) {
            lib::deallocate(fds);
            return lib::Error::no_memory;
        }
        for (uint64_t i = 0; i < count; ++i) watched.add(fds[i].fd, static_cast<uint16_t>(fds[i].events));
        for (;;) {
            ready = 0;
            for (uint64_t i = 0; i < count; ++i) {
                fds[i].revents = static_cast<int16_t>(watched.events(i));
                if (fds[i].revents != 0) ++ready;
            }
            if (ready > 0 || expired(deadline)) break;
            if (sched::current_thread_must_exit()) {
                interrupted = true;
                break;
            }
            watched.wait(deadline);
        }
    }
    if (interrupted) {
        lib::deallocate(fds);
        return lib::Error::interrupted;
    }
    auto written = mm::copy_to_user(user_fds, fds, bytes);
    lib::deallocate(fds);
    if (written.is_error()) return written.error();
    return ready;
}

// The three bit sets of select, each select_set_limit bits at most.
struct SelectSets {
    uint64_t addresses[3] = {};
    uint64_t in[3][select_set_limit / 64] = {};
    uint64_t out[3][select_set_limit / 64] = {};
};

// Events that make an fd count in the read, write and exception sets.
constexpr uint32_t select_events[3] = {
    object::poll_in | object::poll_read_normal | object::poll_hangup | object::poll_error,
    object::poll_out | object::poll_write_normal | object::poll_error,
    object::poll_priority,
};

Result do_select(int64_t count, uint64_t reads, uint64_t writes, uint64_t exceptions, uint64_t deadline) {
    if (count < 0) return lib::Error::invalid_argument;
    // Linux clips nfds to the descriptor table's size likewise.
    if (count > object::FileTable::max_descriptors) count = object::FileTable::max_descriptors;
    size_t words = (static_cast<size_t>(count) + 63) / 64;
    auto* sets = lib::make<SelectSets>();
    if (sets == nullptr) return lib::Error::no_memory;
    sets->addresses[0] = reads, sets->addresses[1] = writes, sets->addresses[2] = exceptions;
    lib::Status status;
    for (int set = 0; set < 3 && !status.is_error(); ++set) {
        if (sets->addresses[set] != 0) status = mm::copy_from_user(sets->in[set], sets->addresses[set], words * 8);
    }
    // A bit beyond nfds in the last word is not the caller's to ask about.
    if (count % 64 != 0) {
        for (auto& set : sets->in) set[words - 1] &= (uint64_t(1) << (count % 64)) - 1;
    }
    uint64_t ready = 0;
    // Entry i of watched is descriptor i (unasked ones are ignored entries).
    WatchSet watched(static_cast<size_t>(count));
    if (!watched.allocated()) status = lib::Error::no_memory;
    for (int64_t fd = 0; fd < count && !status.is_error(); ++fd) {
        uint64_t bit = uint64_t(1) << (fd % 64);
        uint32_t requested = 0;
        for (int set = 0; set < 3; ++set) {
            if (sets->in[set][fd / 64] & bit) requested |= select_events[set];
        }
        watched.add(requested == 0 ? -1 : static_cast<int32_t>(fd), requested);
    }
    while (!status.is_error()) {
        ready = 0;
        for (int64_t fd = 0; fd < count && !status.is_error(); ++fd) {
            uint64_t bit = uint64_t(1) << (fd % 64);
            bool asked_any = false;
            for (int set = 0; set < 3; ++set) asked_any |= (sets->in[set][fd / 64] & bit) != 0;
            if (!asked_any) continue;
            uint32_t events = watched.events(static_cast<size_t>(fd));
            if (events & object::poll_invalid) status = lib::Error::bad_descriptor;
            for (int set = 0; set < 3; ++set) {
                bool asked = (sets->in[set][fd / 64] & bit) != 0;
                if (asked && (events & select_events[set])) {
                    sets->out[set][fd / 64] |= bit;
                    ++ready;
                } else {
                    sets->out[set][fd / 64] &= ~bit;
                }
            }
        }
        if (status.is_error() || ready > 0 || expired(deadline)) break;
        if (sched::current_thread_must_exit()) {
            status = lib::Error::interrupted;
            break;
        }
        watched.wait(deadline);
    }
    for (int set = 0; set < 3 && !status.is_error(); ++set) {
        if (sets->addresses[set] != 0) status = mm::copy_to_user(sets->addresses[set], sets->out[set], words * 8);
    }
    lib::destroy(sets);
    if (status.is_error()) return status.error();
    return ready;
}

}  // namespace

Result sys_poll(const Arguments& a) {
    int32_t timeout_ms = static_cast<int32_t>(a.a2);
    uint64_t deadline = forever;
    if (timeout_ms >= 0) deadline = TRY(deadline_after(timeout_ms / 1000, int64_t(timeout_ms % 1000) * 1000000));
    if (timeout_ms == 0) deadline = sched::monotonic_ns();  // look once
    return do_poll(a.a0, a.a1, deadline);
}

Result sys_ppoll(const Arguments& a) {
    TRY(check_signal_set_size(a.a3, a.a4));
    uint64_t deadline = TRY(deadline_from_timespec(a.a2));
    TRY(apply_wait_mask(a.a3));
    Result ready = finish_masked_wait(do_poll(a.a0, a.a1, deadline));
    TRY(write_remaining(a.a2, deadline, false));
    return ready;
}

Result sys_select(const Arguments& a) {
    uint64_t deadline = forever;
    if (a.a4 != 0) {
        int64_t value[2];
        TRY(mm::copy_from_user(value, a.a4, sizeof value));
        if (value[1] < 0 || value[1] >= 1000000) return lib::Error::invalid_argument;
        deadline = TRY(deadline_after(value[0], value[1] * 1000));
    }
    Result ready = do_select(static_cast<int64_t>(static_cast<int32_t>(a.a0)), a.a1, a.a2, a.a3, deadline);
    TRY(write_remaining(a.a4, deadline, true));
    return ready;
}

Result sys_pselect6(const Arguments& a) {
    // The sixth argument points at {const sigset_t* mask; size_t size}.
    uint64_t mask_and_size[2] = {};
    if (a.a5 != 0) {
        TRY(mm::copy_from_user(mask_and_size, a.a5, sizeof mask_and_size));
        TRY(check_signal_set_size(mask_and_size[0], mask_and_size[1]));
    }
    uint64_t deadline = TRY(deadline_from_timespec(a.a4));
    TRY(apply_wait_mask(mask_and_size[0]));
    Result ready = finish_masked_wait(
        do_select(static_cast<int64_t>(static_cast<int32_t>(a.a0)), a.a1, a.a2, a.a3, deadline));
    TRY(write_remaining(a.a4, deadline, false));
    return ready;
}

}  // namespace linux
