// pipe and pipe2: the two ends installed as the lowest free descriptors.
#include "ipc/pipe.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr uint64_t o_nonblock = 04000, o_cloexec = 02000000;

Result make_pipe(uint64_t user_fds, uint64_t flags) {
    if (flags & ~(o_nonblock | o_cloexec)) return lib::Error::invalid_argument;
    ipc::PipeEnds ends = TRY(ipc::create_pipe(static_cast<int>(flags & o_nonblock)));
    return install_new_file_pair(ends.read_end, ends.write_end, (flags & o_cloexec) != 0, user_fds);
}

}  // namespace

Result sys_pipe(const Arguments& a) {
    return make_pipe(a.a0, 0);
}

Result sys_pipe2(const Arguments& a) {
    return make_pipe(a.a0, a.a1);
}

}  // namespace linux
