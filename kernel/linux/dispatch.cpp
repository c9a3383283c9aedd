#include "console/log.h"
#include "linux/syscall.h"
#include "native/native.h"
#include "sched/process.h"
#include "sched/signal.h"
#include "sched/thread.h"

namespace linux {
namespace {

using Handler = Result (*)(const Arguments&);

struct Table {
    Handler handlers[syscall_table_size] = {};
    constexpr Table() {
#define FILL(number, name) handlers[number] = sys_##name;
        LINUX_SYSCALLS(FILL)
#undef FILL
    }
};

constexpr Table table;
bool reported_unimplemented[syscall_table_size];

}  // namespace

sched::Process& current_process() {
    return *sched::current_thread()->process;
}
sched::Thread& current_thread() {
    return *sched::current_thread();
}

int errno_for(lib::Error error) {
    using lib::Error;
    switch (error) {
        case Error::none:
            return 0;
        case Error::not_permitted:
            return 1;  // EPERM
        case Error::not_found:
            return 2;  // ENOENT
        case Error::no_such_process:
            return 3;  // ESRCH
        case Error::interrupted:
            return 4;  // EINTR
        case Error::too_big:
            return 7;  // E2BIG
        case Error::not_executable:
            return 8;  // ENOEXEC
        case Error::bad_descriptor:
            return 9;  // EBADF
        case Error::no_child:
            return 10;  // ECHILD
        case Error::try_again:
            return 11;  // EAGAIN
        case Error::no_memory:
            return 12;  // ENOMEM
        case Error::access_denied:
            return 13;  // EACCES
        case Error::bad_address:
            return 14;  // EFAULT
        case Error::exists:
            return 17;  // EEXIST
        case Error::not_directory:
            return 20;  // ENOTDIR
        case Error::is_directory:
            return 21;  // EISDIR
        case Error::invalid_argument:
            return 22;  // EINVAL
        case Error::too_many_files:
            return 24;  // EMFILE
        case Error::not_tty:
            return 25;  // ENOTTY
        case Error::illegal_seek:
            return 29;  // ESPIPE
        case Error::read_only:
            return 30;  // EROFS
        case Error::broken_pipe:
            return 32;  // EPIPE
        case Error::out_of_range:
            return 34;  // ERANGE
        case Error::name_too_long:
            return 36;  // ENAMETOOLONG
        case Error::not_implemented:
            return 38;  // ENOSYS
        case Error::not_empty:
            return 39;  // ENOTEMPTY
        case Error::too_many_links:
            return 40;  // ELOOP
        case Error::not_supported:
            return 95;  // EOPNOTSUPP
        case Error::timed_out:
            return 110;  // ETIMEDOUT
        case Error::no_device_or_address:
            return 6;  // ENXIO
        case Error::io_error:
            return 5;  // EIO
        case Error::busy:
            return 16;  // EBUSY
        case Error::cross_device:
            return 18;  // EXDEV
        case Error::no_device:
            return 19;  // ENODEV
        case Error::overflow:
            return 75;  // EOVERFLOW
        case Error::file_too_big:
            return 27;  // EFBIG
        case Error::no_space:
            return 28;  // ENOSPC
        case Error::deadlock:
            return 35;  // EDEADLK
        case Error::address_in_use:
            return 98;  // EADDRINUSE
        case Error::not_socket:
            return 88;  // ENOTSOCK
        case Error::message_too_big:
            return 90;  // EMSGSIZE
        case Error::wrong_protocol_type:
            return 91;  // EPROTOTYPE
        case Error::protocol_not_supported:
            return 93;  // EPROTONOSUPPORT
        case Error::operation_not_supported:
            return 95;  // EOPNOTSUPP
        case Error::family_not_supported:
            return 97;  // EAFNOSUPPORT
        case Error::connection_reset:
            return 104;  // ECONNRESET
        case Error::already_connected:
            return 106;  // EISCONN
        case Error::not_connected:
            return 107;  // ENOTCONN
        case Error::connection_refused:
            return 111;  // ECONNREFUSED
        case Error::socket_type_not_supported:
            return 94;  // ESOCKTNOSUPPORT
        case Error::out_of_domain:
            return 33;  // EDOM
        case Error::no_protocol_option:
            return 92;  // ENOPROTOOPT
        case Error::destination_required:
            return 89;  // EDESTADDRREQ
    }
    return 22;
}

namespace {

// signal(7): the calls a handler with SA_RESTART restarts. Every other
// interrupted call fails with EINTR once a handler has run (poll, select,
// epoll, sleeps, sigsuspend, pause, timed waits); all of them start again
// when the signal ran no handler (it stopped the process, or was ignored).
sched::Restart restart_kind(uint64_t number) {
    switch (number) {
        case 0:    // read
        case 1:    // write
        case 2:    // open
        case 16:   // ioctl
        case 17:   // pread64
        case 18:   // pwrite64
        case 19:   // readv
        case 20:   // writev
        case 40:   // sendfile
        case 42:   // connect
        case 43:   // accept
        case 44:   // sendto
        case 45:   // recvfrom
        case 46:   // sendmsg
        case 47:   // recvmsg
        case 61:   // wait4
        case 72:   // fcntl (F_SETLKW)
        case 73:   // flock
        case 202:  // futex
        case 247:  // waitid
        case 257:  // openat
        case 288:  // accept4
        case 295:  // preadv
        case 296:  // pwritev
        case 318:  // getrandom
            return sched::Restart::if_sa_restart;
        default:
            return sched::Restart::if_no_handler;
    }
}

uint64_t to_rax(const Result& result) {
    return result.is_error() ? static_cast<uint64_t>(-static_cast<int64_t>(errno_for(result.error())))
                             : result.value();
}

}  // namespace

}  // namespace linux

// From arch/x86_64/syscall.S, on the thread's kernel stack with interrupts
// enabled. The Linux ABI: number in rax, arguments in rdi, rsi, rdx, r10,
// r8, r9; the result (or -errno) back in rax.
extern "C" void syscall_dispatch(arch::TrapFrame* frame) {
    uint64_t number = frame->rax;
    sched::ThreadSignals& signals = sched::current_thread()->signals;
    signals.restart = sched::Restart::none;
    signals.syscall_number = number;
    // Only restart_syscall itself may use what an interrupted sleep left.
    if (number != sched::restart_syscall_number) signals.restart_block.armed = false;
    linux::Arguments arguments{frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8, frame->r9, *frame};
    if (number >= native::native_base) {
        // Tessera's own calls (api/native.h); unknown ones are ENOSYS too.
        native::Handler handler = native::native_handler(number - native::native_base);
        linux::Result result = handler ? handler(arguments) : linux::Result(lib::Error::not_implemented);
        frame->rax = linux::to_rax(result);
        sched::before_user_return(*frame);
        return;
    }
    if (number >= static_cast<uint64_t>(linux::syscall_table_size) || linux::table.handlers[number] == nullptr) {
        if (number < static_cast<uint64_t>(linux::syscall_table_size)) {
            if (!linux::reported_unimplemented[number]) {
                linux::reported_unimplemented[number] = true;
                console::log("linux: system call %lu is not implemented (ENOSYS)\n", number);
            }
        }
        frame->rax = static_cast<uint64_t>(-38);
        sched::before_user_return(*frame);
        return;
    }
    linux::Result result = linux::table.handlers[number](arguments);
    frame->rax = linux::to_rax(result);
    // A handler may have chosen how its call restarts (futex waits with a
    // timeout); otherwise the call's kind decides.
    if (result.is_error() && result.error() == lib::Error::interrupted && signals.restart == sched::Restart::none) {
        signals.restart = linux::restart_kind(number);
    }
    sched::before_user_return(*frame);
}
