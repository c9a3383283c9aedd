// Shared by the signal call families (linux/signal*.cpp).
#pragma once
#include <stdint.h>

#include "lib/error.h"
#include "sched/signal.h"

namespace sched {
struct Process;
}

namespace linux {

// Linux's siginfo_t (128 bytes) at a user address.
lib::Status write_signal_info(uint64_t address, const sched::SignalInfo& info);

// kill(2)'s permission rule: root, the same real or effective user as the
// target's real or saved one, or SIGCONT within the session.
bool may_signal(const sched::Process& sender, const sched::Process& target, int signal);

}  // namespace linux
