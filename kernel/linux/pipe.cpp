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
    object::FileTable& files = current_process().files;
    bool close_on_exec = (flags & o_cloexec) != 0;
    auto read_fd = files.install(ends.read_end, close_on_exec);
    if (read_fd.is_error()) {
        ends.read_end->release();
        ends.write_end->release();
        return read_fd.error();
    }
    auto write_fd = files.install(ends.write_end, close_on_exec);
    if (write_fd.is_error()) {
        (void)files.close(read_fd.value());
        ends.write_end->release();
        return write_fd.error();
    }
    int32_t fds[2] = {read_fd.value(), write_fd.value()};
    auto copied = mm::copy_to_user(user_fds, fds, sizeof fds);
    if (copied.is_error()) {
        (void)files.close(fds[0]);
        (void)files.close(fds[1]);
        return copied.error();
    }
    return uint64_t(0);
}

}  // namespace

Result sys_pipe(const Arguments& a) {
    return make_pipe(a.a0, 0);
}

Result sys_pipe2(const Arguments& a) {
    return make_pipe(a.a0, a.a1);
}

}  // namespace linux
