#include "ipc/events.h"

#include "lib/allocator.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/thread.h"

namespace ipc {
namespace {

using object::File;
using object::FileStatus;

constexpr int wake_everyone = 1 << 30;
constexpr uint64_t counter_limit = ~uint64_t(0) - 1;  // the largest value an eventfd holds

class EventCounter final : public File {
public:
    EventCounter(uint64_t initial, bool semaphore) : count_(initial), semaphore_(semaphore) {}

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        if (length < sizeof(uint64_t)) return lib::Error::invalid_argument;
        while (count_ == 0) {
            if (status_flags & object::open_nonblocking) return lib::Error::try_again;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            (void)sched::block_on(readers_, 0);
        }
        uint64_t value = semaphore_ ? 1 : count_;
        TRY(mm::copy_value_to_user(user_address, value));
        count_ -= value;
        (void)sched::wake(writers_, wake_everyone);
        readiness.notify(object::poll_out | object::poll_write_normal);
        return sizeof(uint64_t);
    }

    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override {
        if (length < sizeof(uint64_t)) return lib::Error::invalid_argument;
        uint64_t value;
        TRY(mm::copy_value_from_user(value, user_address));
        if (value == ~uint64_t(0)) return lib::Error::invalid_argument;
        while (counter_limit - count_ < value) {
            if (status_flags & object::open_nonblocking) return lib::Error::try_again;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            (void)sched::block_on(writers_, 0);
        }
        if (value == 0) return sizeof(uint64_t);
        count_ += value;
        (void)sched::wake(readers_, wake_everyone);
        readiness.notify(object::poll_in | object::poll_read_normal);
        return sizeof(uint64_t);
    }

    uint32_t ready_events() override {
        uint32_t events = 0;
        if (count_ > 0) events |= object::poll_in | object::poll_read_normal;
        if (count_ < counter_limit) events |= object::poll_out | object::poll_write_normal;
        return events;
    }

    lib::ErrorOr<FileStatus> status() override {
        FileStatus status;
        status.inode = reinterpret_cast<uint64_t>(this) >> 4;
        status.mode = 0600;  // an anonymous inode: no type bits, as Linux
        return status;
    }

private:
    uint64_t count_;
    bool semaphore_;
    sched::WaitQueue readers_;
    sched::WaitQueue writers_;
};

class Timer final : public File {
public:
    explicit Timer(TimerClock clock) : clock_(clock) {}

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        if (length < sizeof(uint64_t)) return lib::Error::invalid_argument;
        for (;;) {
            catch_up(now());
            if (expirations_ > 0) break;
            if (status_flags & object::open_nonblocking) return lib::Error::try_again;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            // Disarmed: only a settime (which wakes us) can change that.
            (void)sched::block_on(readers_, readiness_deadline());
        }
        TRY(mm::copy_value_to_user(user_address, expirations_));
        expirations_ = 0;
        return sizeof(uint64_t);
    }

    // Expiry is a point in time, not an event anyone announces: waiters
    // look again at the next expiry, in monotonic time.
    uint64_t readiness_deadline() override {
        if (next_ns_ == 0) return 0;
        uint64_t current = now();
        uint64_t monotonic = sched::monotonic_ns();
        return next_ns_ <= current ? monotonic : monotonic + (next_ns_ - current);
    }

    uint32_t ready_events() override {
        catch_up(now());
        return expirations_ > 0 ? object::poll_in | object::poll_read_normal : 0;
    }

    lib::ErrorOr<FileStatus> status() override {
        FileStatus status;
        status.inode = reinterpret_cast<uint64_t>(this) >> 4;
        status.mode = 0600;
        return status;
    }

    TimerSetting setting() {
        uint64_t current = now();
        catch_up(current);
        TimerSetting setting;
        setting.interval_ns = interval_ns_;
        if (next_ns_ != 0) setting.value_ns = next_ns_ > current ? next_ns_ - current : 1;
        return setting;
    }

    void arm(const TimerSetting& setting, bool absolute) {
        uint64_t current = now();
        expirations_ = 0;
        interval_ns_ = setting.interval_ns;
        if (setting.value_ns == 0) {
            next_ns_ = 0;
        } else {
            next_ns_ = absolute ? setting.value_ns : current + setting.value_ns;
            if (next_ns_ == 0) next_ns_ = 1;  // 0 means disarmed
        }
        // Blocked readers and pollers wait for a different deadline now.
        (void)sched::wake(readers_, wake_everyone);
        readiness.notify(object::poll_in | object::poll_read_normal);
    }

private:
    uint64_t now() const { return clock_ == TimerClock::monotonic ? sched::monotonic_ns() : sched::realtime_ns(); }

    // Counts the expirations up to current and moves the next one on.
    void catch_up(uint64_t current) {
        if (next_ns_ == 0 || current < next_ns_) return;
        if (interval_ns_ == 0) {
            ++expirations_;
            next_ns_ = 0;
            return;
        }
        uint64_t periods = 1 + (current - next_ns_) / interval_ns_;
        expirations_ += periods;
        next_ns_ += periods * interval_ns_;
    }

    TimerClock clock_;
    uint64_t next_ns_ = 0;  // on clock_; 0: disarmed
    uint64_t interval_ns_ = 0;
    uint64_t expirations_ = 0;
    sched::WaitQueue readers_;
};

}  // namespace

lib::ErrorOr<File*> create_event_counter(uint64_t initial, bool semaphore, int status_flags) {
    auto* counter = lib::make<EventCounter>(initial, semaphore);
    if (counter == nullptr) return lib::Error::no_memory;
    counter->status_flags = status_flags | 2;  // O_RDWR
    counter->kind = object::FileKind::event_counter;
    return static_cast<File*>(counter);
}

lib::ErrorOr<File*> create_timer(TimerClock clock, int status_flags) {
    auto* timer = lib::make<Timer>(clock);
    if (timer == nullptr) return lib::Error::no_memory;
    timer->status_flags = status_flags | 2;
    timer->kind = object::FileKind::timer;
    return static_cast<File*>(timer);
}

lib::ErrorOr<TimerSetting> set_timer(File& file, const TimerSetting& setting, bool absolute) {
    if (file.kind != object::FileKind::timer) return lib::Error::invalid_argument;
    auto& timer = static_cast<Timer&>(file);
    TimerSetting previous = timer.setting();
    timer.arm(setting, absolute);
    return previous;
}

lib::ErrorOr<TimerSetting> get_timer(File& file) {
    if (file.kind != object::FileKind::timer) return lib::Error::invalid_argument;
    return static_cast<Timer&>(file).setting();
}

}  // namespace ipc
