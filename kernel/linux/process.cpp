// Lifetime and limits: exit, getpid, gettid, getppid, set_tid_address,
// set_robust_list, arch_prctl, prlimit64, uname, sched_yield and
// sched_getaffinity. The ids are linux/identity.cpp.
#include "sched/process.h"
#include "arch/x86_64/cpu.h"
#include "boot/build_id.h"
#include "lib/string.h"
#include "linux/syscall.h"
#include "mm/layout.h"
#include "mm/user_copy.h"
#include "sched/thread.h"

namespace linux {

Result sys_exit(const Arguments& a) {
    // This thread only; the process ends with its last thread.
    sched::exit_thread(sched::exited_status(static_cast<int>(a.a0 & 0xFF)));
}

Result sys_exit_group(const Arguments& a) {
    sched::exit_process(sched::exited_status(static_cast<int>(a.a0 & 0xFF)));
}

Result sys_getpid(const Arguments&) {
    return static_cast<uint64_t>(current_process().pid);
}
Result sys_gettid(const Arguments&) {
    return static_cast<uint64_t>(current_thread().tid);
}
Result sys_getppid(const Arguments&) {
    return static_cast<uint64_t>(current_process().parent_pid);
}
Result sys_set_tid_address(const Arguments& a) {
    current_thread().clear_child_tid = a.a0;
    return static_cast<uint64_t>(current_thread().tid);
}

Result sys_set_robust_list(const Arguments& a) {
    constexpr uint64_t robust_list_head_size = 24;
    if (a.a1 != robust_list_head_size) return lib::Error::invalid_argument;
    current_thread().robust_list = a.a0;
    return uint64_t(0);
}

Result sys_arch_prctl(const Arguments& a) {
    constexpr uint64_t set_gs = 0x1001, set_fs = 0x1002, get_fs = 0x1003, get_gs = 0x1004;
    switch (a.a0) {
        case set_gs:
            if (a.a1 >= mm::user_top) return lib::Error::not_permitted;
            // In the kernel the user's GS base waits in KERNEL_GS_BASE (swapgs).
            current_thread().gs_base = a.a1;
            arch::write_msr(arch::msr_kernel_gs_base, a.a1);
            return uint64_t(0);
        case get_gs:
            TRY(mm::copy_value_to_user(a.a1, current_thread().gs_base));
            return uint64_t(0);
        case set_fs:
            if (a.a1 >= mm::user_top) return lib::Error::not_permitted;
            current_thread().fs_base = a.a1;
            arch::write_msr(arch::msr_fs_base, a.a1);
            return uint64_t(0);
        case get_fs:
            TRY(mm::copy_value_to_user(a.a1, current_thread().fs_base));
            return uint64_t(0);
        default:
            return lib::Error::invalid_argument;
    }
}

Result sys_prlimit64(const Arguments& a) {
    constexpr uint64_t rlimit_stack = 3, rlimit_nofile = 7, resource_count = 16;
    constexpr uint64_t infinity = ~0ull;
    if (a.a0 != 0 && a.a0 != static_cast<uint64_t>(current_process().pid)) return lib::Error::no_such_process;
    if (a.a1 >= resource_count) return lib::Error::invalid_argument;
    sched::Process& process = current_process();
    if (a.a3 != 0) {
        uint64_t limit[2];
        if (a.a1 == rlimit_stack)
            limit[0] = process.limits_stack, limit[1] = infinity;
        else if (a.a1 == rlimit_nofile)
            limit[0] = limit[1] = object::FileTable::max_descriptors;
        else
            limit[0] = limit[1] = infinity;
        TRY(mm::copy_to_user(a.a3, limit, sizeof limit));
    }
    if (a.a2 != 0) {
        uint64_t limit[2];
        TRY(mm::copy_from_user(limit, a.a2, sizeof limit));
        if (limit[0] > limit[1]) return lib::Error::invalid_argument;
        // Only the stack limit is kept (it shapes the next exec); others are fixed.
        if (a.a1 != rlimit_stack) return lib::Error::not_permitted;
        process.limits_stack = limit[0];
    }
    return uint64_t(0);
}

Result sys_uname(const Arguments& a) {
    char fields[6][65] = {};
    auto set = [&](int i, const char* text) {
        lib::copy_bytes(fields[i], text, lib::min<size_t>(64, lib::string_length(text)));
    };
    set(0, "Tessera");
    set(1, "tessera");
    // The Linux ABI level we implement, for programs that check it.
    set(2, "6.1.0-tessera");
    char build[80];
    boot::build_id_hex(build, sizeof build);
    build[12] = '\0';
    char version[65] = "#1 build ";
    lib::copy_bytes(version + 9, build, 13);
    set(3, version);
    set(4, "x86_64");
    set(5, "(none)");
    TRY(mm::copy_to_user(a.a0, fields, sizeof fields));
    return uint64_t(0);
}

Result sys_sched_yield(const Arguments&) {
    sched::yield();
    return uint64_t(0);
}

namespace {

// sched_{get,set}affinity name a thread by tid (0: the caller).
lib::Status check_affinity_target(uint64_t tid) {
    if (tid == 0) return lib::ok();
    if (tid > 0x7FFFFFFF || sched::find_thread(static_cast<int>(tid)) == nullptr) return lib::Error::no_such_process;
    return lib::ok();
}

}  // namespace

Result sys_sched_getaffinity(const Arguments& a) {
    TRY(check_affinity_target(a.a0));
    if (a.a1 < 8 || (a.a1 & 7) != 0) return lib::Error::invalid_argument;
    uint64_t mask = 1;  // one CPU
    TRY(mm::copy_value_to_user(a.a2, mask));
    return uint64_t(8);
}

// Every thread runs on CPU 0, the only one: a mask must include it.
Result sys_sched_setaffinity(const Arguments& a) {
    TRY(check_affinity_target(a.a0));
    uint64_t mask = 0;
    if (a.a1 > 0) TRY(mm::copy_from_user(&mask, a.a2, lib::min<uint64_t>(a.a1, sizeof mask)));
    if ((mask & 1) == 0) return lib::Error::invalid_argument;
    return uint64_t(0);
}

}  // namespace linux
