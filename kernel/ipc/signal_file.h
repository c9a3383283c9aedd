// signalfd: a file that reads the caller's pending signals in its mask as
// struct signalfd_siginfo records (taking them, as sigtimedwait does), and
// is readable while one is pending. Every signalfd hears of a signal that
// becomes pending anywhere (sched::set_pending_listener) and looks again.
#pragma once
#include <stdint.h>

#include "lib/error.h"
#include "object/file.h"
#include "sched/signal.h"

namespace ipc {

lib::ErrorOr<object::File*> create_signal_file(sched::SignalSet mask, int status_flags);
// signalfd on an existing descriptor: a new mask (EINVAL for other files).
lib::Status set_signal_file_mask(object::File& file, sched::SignalSet mask);

}  // namespace ipc
