#include "init.h"

#include "boot/init_arguments.h"
#include "console/log.h"
#include "console/panic.h"
#include "exec/loader.h"
#include "fs/devfs/devices.h"
#include "fs/procfs/procfs.h"
#include "fs/ramdisk.h"
#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs/mount.h"
#include "fs/vfs/open_file.h"
#include "fs/vfs/path.h"
#include "mm/physical.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace {

// The root filesystem: a tmpfs filled from the ramdisk (module 0), whose
// frames are freed afterwards, with devfs on /dev and procfs on /proc.
void make_root_filesystem(const boot::Module& module) {
    auto root = fs::Tmpfs::create(0755);
    if (root.is_error()) console::panic("fs: no memory for the root filesystem");
    fs::set_root_filesystem(*root.value(), "rootfs");
    if (fs::make_memfd_filesystem().is_error()) console::panic("fs: no memory for the memfd filesystem");
    const auto* archive = static_cast<const uint8_t*>(mm::physical_to_virtual(module.start));
    auto unpacked = fs::unpack_cpio(*fs::root_vnode(), archive, module.end - module.start);
    if (unpacked.is_error()) {
        console::panic("fs: the ramdisk is not a valid cpio (newc) archive: %s", lib::error_name(unpacked.error()));
    }
    // The bytes now live in memory objects: the module's whole frames go back.
    uint64_t first = lib::align_up(module.start, mm::page_size), end = lib::align_down(module.end, mm::page_size);
    if (end > first) mm::free_contiguous_frames(first, (end - first) / mm::page_size);
    console::log("fs: ramdisk unpacked into tmpfs, %lu entries (%lu skipped), %lu KiB of the module freed\n",
                 unpacked.value().entries, unpacked.value().skipped, end > first ? (end - first) / 1024 : 0);
    struct Mount {
        const char* path;
        lib::ErrorOr<fs::FileSystem*> (*create)();
        const char* source;
    };
    static const Mount mounts[] = {{"/dev", fs::create_devfs, "devtmpfs"}, {"/proc", fs::create_procfs, "proc"}};
    fs::Vnode* top = fs::root_vnode();
    for (const Mount& m : mounts) {
        lib::StringView name(m.path + 1);
        auto directory = fs::find_or_make_directory(*top, name, 0755);
        auto filesystem = m.create();
        if (directory.is_error() || filesystem.is_error() ||
            fs::mount(*directory.value(), *filesystem.value(), m.source, m.path).is_error())
            console::panic("fs: cannot mount %s", m.path);
        directory.value()->release();
    }
}

lib::Status open_console(sched::Process& process) {
    fs::VnodeReference node = TRY(fs::resolve(fs::Lookup{fs::root_vnode(), fs::root_vnode(), true}, "/dev/console"));
    for (int descriptor = 0; descriptor < 3; ++descriptor) {
        object::File* file = TRY(node->open(fs::open_read_write));
        TRY(process.files.install_at(descriptor, file, false));
    }
    return lib::ok();
}

}  // namespace

void start_init(const boot::BootInfo& info, const boot::CommandLine& command_line) {
    if (info.module_count > 1) console::log("boot: using module 0 as the ramdisk, ignoring the others\n");
    make_root_filesystem(info.modules[0]);

    static boot::InitArguments arguments;
    boot::parse_init_arguments(command_line.text(), arguments);
    if (!arguments.valid)
        console::panic("boot: init's arguments do not fit (at most %lu words)", boot::InitArguments::max_arguments - 1);
    const char* path = arguments.argv[0];

    fs::Vnode* root = fs::root_vnode();
    auto node = fs::resolve(fs::Lookup{root, root, true}, path);
    if (node.is_error() || !node.value()->is_regular()) {
        console::panic("init: cannot run %s: %s", path,
                       node.is_error() ? lib::error_name(node.error()) : "not a regular file");
    }
    auto created = sched::create_process(0);
    if (created.is_error()) console::panic("init: cannot create the process: %s", lib::error_name(created.error()));
    sched::Process* process = created.value();
    process->cwd = fs::VnodeReference::share(root);
    if (fs::file_path(fs::Lookup{root, root, true}, path, process->executable, sizeof process->executable).is_error())
        lib::copy_bytes(process->executable, path, lib::min(lib::string_length(path) + 1, sizeof process->executable - 1));
    size_t command_length = 0;
    for (size_t i = 0; i < arguments.argc; ++i) command_length += lib::string_length(arguments.argv[i]) + 1;
    static char command_line_buffer[4096];
    if (command_length <= sizeof command_line_buffer) {
        size_t used = 0;
        for (size_t i = 0; i < arguments.argc; ++i) {
            size_t length = lib::string_length(arguments.argv[i]) + 1;
            lib::copy_bytes(command_line_buffer + used, arguments.argv[i], length);
            used += length;
        }
        auto copied = lib::String::copy(lib::StringView(command_line_buffer, used));
        if (!copied.is_error()) process->command_line = copied.release_value();
    }
    if (open_console(*process).is_error()) console::panic("init: cannot open /dev/console");

    static const char* const environment[] = {"HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin"};
    auto loaded =
        exec::load_executable(*process->space, *node.value(), arguments.argv, arguments.argc, environment, 3, path);
    if (loaded.is_error()) console::panic("init: cannot load %s: %s", path, lib::error_name(loaded.error()));
    auto thread = sched::create_user_thread(process, loaded.value().entry, loaded.value().stack_pointer);
    if (thread.is_error()) console::panic("init: no memory for its thread");
    sched::set_thread_name_from_path(*thread.value(), path);
    console::log("init: %s with %lu arguments\n", path, arguments.argc - 1);
    sched::make_runnable(thread.value());
}
