// Who a process is: the uid/gid family (with Linux's rules for root and
// everyone else), process groups and sessions, and prctl's name and
// parent-death signal.
#include "lib/string.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "sched/process.h"
#include "sched/signal.h"
#include "sched/thread.h"

namespace linux {
namespace {

constexpr uint32_t unchanged = 0xFFFFFFFF;  // (uid_t)-1

sched::Credentials& credentials() {
    return current_process().credentials;
}

// CAP_SETUID / CAP_SETGID: root's effective uid.
bool privileged() {
    return credentials().euid == 0;
}

bool one_of(uint32_t id, uint32_t a, uint32_t b, uint32_t c) {
    return id == a || id == b || id == c;
}

// setresuid/setresgid: without privilege each new id must be one of the
// current real, effective or saved ids.
Result set_ids(uint32_t& real, uint32_t& effective, uint32_t& saved, uint32_t& fs, uint32_t r, uint32_t e,
               uint32_t s) {
    if (!privileged()) {
        uint32_t asked[3] = {r, e, s};
        for (uint32_t id : asked) {
            if (id != unchanged && !one_of(id, real, effective, saved)) return lib::Error::not_permitted;
        }
    }
    if (r != unchanged) real = r;
    if (e != unchanged) effective = e;
    if (s != unchanged) saved = s;
    fs = effective;
    return uint64_t(0);
}

// setreuid/setregid: the real id may become the real or effective one;
// the effective id the real, effective or saved one. The saved id follows
// the new effective id when the real id is set, or the effective id
// changes to something other than the old real id.
Result set_real_effective(uint32_t& real, uint32_t& effective, uint32_t& saved, uint32_t& fs, uint32_t r,
                          uint32_t e) {
    if (!privileged()) {
        if (r != unchanged && r != real && r != effective) return lib::Error::not_permitted;
        if (e != unchanged && !one_of(e, real, effective, saved)) return lib::Error::not_permitted;
    }
    uint32_t old_real = real;
    if (r != unchanged) real = r;
    if (e != unchanged) effective = e;
    if (r != unchanged || (e != unchanged && e != old_real)) saved = effective;
    fs = effective;
    return uint64_t(0);
}

// setuid/setgid: privileged, all ids; otherwise only the effective one,
// and only to the real or saved id.
Result set_one(uint32_t& real, uint32_t& effective, uint32_t& saved, uint32_t& fs, uint32_t id) {
    if (id == unchanged) return lib::Error::invalid_argument;
    if (privileged()) {
        real = effective = saved = fs = id;
        return uint64_t(0);
    }
    if (id != real && id != saved) return lib::Error::not_permitted;
    effective = fs = id;
    return uint64_t(0);
}

// setfsuid/setfsgid return the old id, success or not.
Result set_fs(uint32_t real, uint32_t effective, uint32_t saved, uint32_t& fs, uint32_t id) {
    uint32_t old = fs;
    if (id != unchanged && (privileged() || one_of(id, real, effective, saved) || id == fs)) fs = id;
    return uint64_t(old);
}

Result get_three(uint64_t a, uint64_t b, uint64_t c, uint32_t x, uint32_t y, uint32_t z) {
    TRY(mm::copy_value_to_user(a, x));
    TRY(mm::copy_value_to_user(b, y));
    TRY(mm::copy_value_to_user(c, z));
    return uint64_t(0);
}

lib::ErrorOr<sched::Process*> process_or_self(int64_t pid) {
    if (pid < 0) return lib::Error::no_such_process;
    if (pid == 0) return &current_process();
    sched::Process* process = sched::find_process(static_cast<int>(pid));
    if (process == nullptr) return lib::Error::no_such_process;
    return process;
}

}  // namespace

Result sys_getuid(const Arguments&) {
    return uint64_t(credentials().uid);
}
Result sys_geteuid(const Arguments&) {
    return uint64_t(credentials().euid);
}
Result sys_getgid(const Arguments&) {
    return uint64_t(credentials().gid);
}
Result sys_getegid(const Arguments&) {
    return uint64_t(credentials().egid);
}

Result sys_setuid(const Arguments& a) {
    auto& c = credentials();
    return set_one(c.uid, c.euid, c.suid, c.fsuid, static_cast<uint32_t>(a.a0));
}
Result sys_setgid(const Arguments& a) {
    auto& c = credentials();
    return set_one(c.gid, c.egid, c.sgid, c.fsgid, static_cast<uint32_t>(a.a0));
}
Result sys_setreuid(const Arguments& a) {
    auto& c = credentials();
    return set_real_effective(c.uid, c.euid, c.suid, c.fsuid, static_cast<uint32_t>(a.a0),
                              static_cast<uint32_t>(a.a1));
}
Result sys_setregid(const Arguments& a) {
    auto& c = credentials();
    return set_real_effective(c.gid, c.egid, c.sgid, c.fsgid, static_cast<uint32_t>(a.a0),
                              static_cast<uint32_t>(a.a1));
}
Result sys_setresuid(const Arguments& a) {
    auto& c = credentials();
    return set_ids(c.uid, c.euid, c.suid, c.fsuid, static_cast<uint32_t>(a.a0), static_cast<uint32_t>(a.a1),
                   static_cast<uint32_t>(a.a2));
}
Result sys_setresgid(const Arguments& a) {
    auto& c = credentials();
    return set_ids(c.gid, c.egid, c.sgid, c.fsgid, static_cast<uint32_t>(a.a0), static_cast<uint32_t>(a.a1),
                   static_cast<uint32_t>(a.a2));
}
Result sys_getresuid(const Arguments& a) {
    auto& c = credentials();
    return get_three(a.a0, a.a1, a.a2, c.uid, c.euid, c.suid);
}
Result sys_getresgid(const Arguments& a) {
    auto& c = credentials();
    return get_three(a.a0, a.a1, a.a2, c.gid, c.egid, c.sgid);
}
Result sys_setfsuid(const Arguments& a) {
    auto& c = credentials();
    return set_fs(c.uid, c.euid, c.suid, c.fsuid, static_cast<uint32_t>(a.a0));
}
Result sys_setfsgid(const Arguments& a) {
    auto& c = credentials();
    return set_fs(c.gid, c.egid, c.sgid, c.fsgid, static_cast<uint32_t>(a.a0));
}

Result sys_getgroups(const Arguments& a) {
    int64_t size = static_cast<int32_t>(a.a0);
    auto& c = credentials();
    if (size < 0) return lib::Error::invalid_argument;
    if (size == 0) return static_cast<uint64_t>(c.group_count);
    if (size < c.group_count) return lib::Error::invalid_argument;
    TRY(mm::copy_to_user(a.a1, c.groups, sizeof(uint32_t) * static_cast<size_t>(c.group_count)));
    return static_cast<uint64_t>(c.group_count);
}

// FIXME: Linux allows 65536 supplementary groups; we keep 64 and refuse more (EINVAL).
Result sys_setgroups(const Arguments& a) {
    int64_t size = static_cast<int32_t>(a.a0);
    if (size < 0 || size > sched::Credentials::max_groups) return lib::Error::invalid_argument;
    if (!privileged()) return lib::Error::not_permitted;
    uint32_t groups[sched::Credentials::max_groups];
    TRY(mm::copy_from_user(groups, a.a1, sizeof(uint32_t) * static_cast<size_t>(size)));
    auto& c = credentials();
    lib::copy_bytes(c.groups, groups, sizeof(uint32_t) * static_cast<size_t>(size));
    c.group_count = static_cast<int>(size);
    return uint64_t(0);
}

Result sys_getpgrp(const Arguments&) {
    return static_cast<uint64_t>(current_process().pgid);
}

Result sys_getpgid(const Arguments& a) {
    sched::Process* process = TRY(process_or_self(static_cast<int32_t>(a.a0)));
    return static_cast<uint64_t>(process->pgid);
}

Result sys_getsid(const Arguments& a) {
    sched::Process* process = TRY(process_or_self(static_cast<int32_t>(a.a0)));
    return static_cast<uint64_t>(process->sid);
}

Result sys_setsid(const Arguments&) {
    sched::Process& self = current_process();
    bool leads_a_group = false;
    sched::for_each_process([&](sched::Process& process) { leads_a_group |= process.pgid == self.pid; });
    if (leads_a_group) return lib::Error::not_permitted;
    self.sid = self.pgid = self.pid;
    return static_cast<uint64_t>(self.sid);
}

// setpgid(pid, pgid): the caller or a child of it (not yet exec'd) in the
// caller's session, never a session leader, into a group of that session.
Result sys_setpgid(const Arguments& a) {
    int64_t pid = static_cast<int32_t>(a.a0);
    int64_t pgid = static_cast<int32_t>(a.a1);
    if (pid < 0 || pgid < 0) return lib::Error::invalid_argument;
    sched::Process& self = current_process();
    sched::Process* target = TRY(process_or_self(pid));
    if (target != &self) {
        if (target->parent_pid != self.pid) return lib::Error::no_such_process;
        if (target->sid != self.sid) return lib::Error::not_permitted;
        if (target->has_execed) return lib::Error::access_denied;
    }
    if (target->sid == target->pid) return lib::Error::not_permitted;
    if (pgid == 0) pgid = target->pid;
    if (pgid != target->pid) {
        bool exists = false;
        // A zombie is still a member of its group until it is reaped (Linux
        // keeps its pid attached): a shell joins a pipeline's group after its
        // first, quick process may already have exited.
        sched::for_each_process([&](sched::Process& process) {
            exists |= process.pgid == pgid && process.sid == self.sid;
        });
        if (!exists) return lib::Error::not_permitted;
    }
    target->pgid = static_cast<int>(pgid);
    return uint64_t(0);
}

Result sys_prctl(const Arguments& a) {
    constexpr uint64_t set_pdeathsig = 1, get_pdeathsig = 2, set_name = 15, get_name = 16;
    sched::Thread& thread = current_thread();
    switch (a.a0) {
        case set_pdeathsig:
            if (a.a1 != 0 && !sched::valid_signal(static_cast<int64_t>(a.a1))) return lib::Error::invalid_argument;
            current_process().signals.parent_death_signal = static_cast<int>(a.a1);
            return uint64_t(0);
        case get_pdeathsig: {
            int32_t signal = current_process().signals.parent_death_signal;
            TRY(mm::copy_value_to_user(a.a1, signal));
            return uint64_t(0);
        }
        case set_name: {
            // Longer names are cut to 15 bytes, as on Linux.
            char name[sched::thread_name_length] = {};
            for (int i = 0; i < sched::thread_name_length - 1; ++i) {
                TRY(mm::copy_value_from_user(name[i], a.a1 + static_cast<uint64_t>(i)));
                if (name[i] == '\0') break;
            }
            sched::set_thread_name(thread, name);
            return uint64_t(0);
        }
        case get_name:
            TRY(mm::copy_to_user(a.a1, thread.name, sizeof thread.name));
            return uint64_t(0);
        default:
            return lib::Error::invalid_argument;
    }
}

}  // namespace linux
