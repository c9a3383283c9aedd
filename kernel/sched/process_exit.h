// How arch reports an unhandled user fault: until signals are delivered,
// the process dies as if by that signal's default action.
#pragma once

namespace sched {

[[noreturn]] void kill_current_process_by_signal(int signal);

}  // namespace sched
