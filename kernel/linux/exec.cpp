// execve: replaces the calling process's image. Everything that can fail
// (copying the arguments, finding and loading the program into a fresh
// address space) happens before the old image is touched, so a failed
// execve returns to the caller unchanged.
#include "arch/x86_64/cpu.h"
#include "sched/signal.h"
#include "arch/x86_64/gdt.h"
#include "exec/loader.h"
#include "fs/vfs/mount.h"
#include "fs/vfs/path.h"
#include "lib/allocator.h"
#include "linux/syscall.h"
#include "mm/address_space.h"
#include "mm/user_copy.h"
#include "sched/futex.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace linux {
namespace {

constexpr size_t max_strings = 1024;
constexpr size_t max_string_bytes = 128 * 1024;

// argv and envp copied out of the caller: pointers into one buffer.
struct CopiedStrings {
    char* bytes = nullptr;
    size_t used = 0;
    const char** argv = nullptr;
    size_t argc = 0;
    const char** envp = nullptr;
    size_t envc = 0;

    ~CopiedStrings() {
        lib::deallocate(bytes);
        lib::deallocate(argv);
        lib::deallocate(envp);
    }

    lib::Status allocate() {
        bytes = static_cast<char*>(lib::allocate(max_string_bytes));
        argv = static_cast<const char**>(lib::allocate((max_strings + 1) * sizeof(char*)));
        envp = static_cast<const char**>(lib::allocate((max_strings + 1) * sizeof(char*)));
        if (bytes == nullptr || argv == nullptr || envp == nullptr) return lib::Error::no_memory;
        return lib::ok();
    }

    // A NULL-terminated array of user string pointers (NULL itself: empty).
    lib::Status copy_vector(uint64_t user_array, const char** out, size_t& count) {
        count = 0;
        if (user_array == 0) return lib::ok();
        for (;; ++count) {
            uint64_t pointer;
            TRY(mm::copy_value_from_user(pointer, user_array + count * sizeof(uint64_t)));
            if (pointer == 0) break;
            if (count == max_strings) return lib::Error::too_big;
            auto length = mm::copy_string_from_user(bytes + used, pointer, max_string_bytes - used);
            if (length.is_error()) {
                return length.error() == lib::Error::name_too_long ? lib::Error::too_big : length.error();
            }
            out[count] = bytes + used;
            used += length.value() + 1;
        }
        out[count] = nullptr;
        return lib::ok();
    }
};

// The absolute path of the program for /proc/<pid>/exe, where the file
// itself is (busybox's applet links, and its re-exec through
// /proc/self/exe, name the busybox binary).
void record_executable(sched::Process& process, lib::StringView path) {
    auto* buffer = static_cast<char*>(lib::allocate(fs::max_path_length));
    if (buffer == nullptr) return;
    auto length = fs::file_path(fs::Lookup{fs::root_vnode(), process.cwd.get(), true}, path, buffer, fs::max_path_length);
    if (!length.is_error() && length.value() < sizeof process.executable)
        lib::copy_bytes(process.executable, buffer, length.value() + 1);
    else
        process.executable[0] = '\0';
    lib::deallocate(buffer);
}

// argv as one string of NUL-terminated arguments (/proc/<pid>/cmdline).
void record_command_line(sched::Process& process, const char* const* argv, size_t argc) {
    size_t total = 0;
    for (size_t i = 0; i < argc; ++i) total += lib::string_length(argv[i]) + 1;
    char* joined = static_cast<char*>(lib::allocate(total + 1));
    if (joined == nullptr) return;
    size_t used = 0;
    for (size_t i = 0; i < argc; ++i) {
        size_t length = lib::string_length(argv[i]) + 1;
        lib::copy_bytes(joined + used, argv[i], length);
        used += length;
    }
    auto copied = lib::String::copy(lib::StringView(joined, used));
    lib::deallocate(joined);
    if (!copied.is_error()) process.command_line = copied.release_value();
}

}  // namespace

Result sys_execve(const Arguments& a) {
    sched::Process& process = current_process();
    CopiedStrings strings;
    TRY(strings.allocate());
    size_t path_length = TRY(mm::copy_string_from_user(strings.bytes, a.a0, fs::max_path_length));
    const char* path = strings.bytes;
    strings.used = path_length + 1;
    TRY(strings.copy_vector(a.a1, strings.argv, strings.argc));
    TRY(strings.copy_vector(a.a2, strings.envp, strings.envc));

    fs::VnodeReference node = TRY(
        fs::resolve(fs::Lookup{fs::root_vnode(), process.cwd.get(), true}, lib::StringView(path, path_length)));
    if (node->is_directory() || !node->is_regular() || (node->mode & 0111) == 0) return lib::Error::access_denied;

    mm::AddressSpace* space = TRY(mm::AddressSpace::create());
    auto loaded = exec::load_executable(*space, *node, strings.argv, strings.argc, strings.envp, strings.envc, path);
    if (loaded.is_error()) {
        lib::destroy(space);
        return loaded.error();
    }

    // The point of no return: the other threads and the old image go.
    // (Only our own exit can stop the first; the new image is dropped then.)
    if (process.thread_count > 1) {
        lib::Status alone = sched::become_only_thread();
        if (alone.is_error()) {
            lib::destroy(space);
            return alone.error();
        }
    }
    // Robust futexes the caller still holds die with the old image.
    sched::release_robust_futexes(current_thread());
    mm::AddressSpace* old = process.space;
    process.space = space;
    space->activate();
    old->release();  // shared with a vfork parent (CLONE_VM) until now, perhaps
    sched::release_vfork_parent(process);
    process.files.close_on_exec_all();
    record_executable(process, lib::StringView(path, path_length));
    record_command_line(process, strings.argv, strings.argc);
    sched::reset_signals_for_exec(process);
    process.has_execed = true;

    sched::Thread& thread = current_thread();
    thread.signals.alternate_stack = {};
    // comm is the name execve was given (busybox applets show as "sh", "ls"),
    // /proc/<pid>/exe the file itself, as on Linux.
    sched::set_thread_name_from_path(thread, path);
    thread.fs_base = thread.gs_base = 0;
    thread.clear_child_tid = thread.robust_list = 0;
    arch::write_msr(arch::msr_fs_base, 0);
    arch::write_msr(arch::msr_kernel_gs_base, 0);
    // A fresh FPU: x87 and SSE defaults, as for a new program.
    uint32_t mxcsr = 0x1F80;
    asm volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));

    arch::TrapFrame& frame = a.frame;
    lib::fill_bytes(&frame, 0, sizeof frame);
    frame.rip = loaded.value().entry;
    frame.rsp = loaded.value().stack_pointer;
    frame.cs = arch::user_code_selector;
    frame.ss = arch::user_data_selector;
    frame.rflags = 0x202;
    return uint64_t(0);  // rax starts at 0
}

}  // namespace linux
