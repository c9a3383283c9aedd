// Event objects behind descriptors: eventfd (a 64-bit counter) and timerfd
// (a timer whose expirations are read as a count). Both are waitable: they
// notify their readiness queue when they become readable or writable.
#pragma once
#include <stdint.h>

#include "lib/error.h"
#include "object/file.h"

namespace ipc {

// eventfd: reads take the counter (or 1 with semaphore semantics) and block
// at zero; writes add and block while the sum would reach 2^64-1.
lib::ErrorOr<object::File*> create_event_counter(uint64_t initial, bool semaphore, int status_flags);

enum class TimerClock { monotonic, realtime };

struct TimerSetting {
    uint64_t interval_ns = 0;
    uint64_t value_ns = 0;  // until the next expiry (0: disarmed)
};

// timerfd: its expirations accumulate until a read returns their count.
lib::ErrorOr<object::File*> create_timer(TimerClock clock, int status_flags);
// Arms (value_ns != 0) or disarms the timer; absolute: value_ns is a time on
// the timer's clock. Returns the previous setting. Fails on other files.
lib::ErrorOr<TimerSetting> set_timer(object::File& file, const TimerSetting& setting, bool absolute);
lib::ErrorOr<TimerSetting> get_timer(object::File& file);

}  // namespace ipc
