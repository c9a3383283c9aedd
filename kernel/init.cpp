#include "init.h"

#include "boot/init_arguments.h"
#include "console/log.h"
#include "console/panic.h"
#include "exec/loader.h"
#include "fs/files.h"
#include "fs/path.h"
#include "fs/ramdisk.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace {

void unpack_ramdisk(const boot::Module& module) {
    fs::Tree& tree = fs::root_tree();
    if (tree.init().is_error()) console::panic("fs: no memory for the root directory");
    const auto* archive = static_cast<const uint8_t*>(mm::physical_to_virtual(module.start));
    auto unpacked = fs::unpack_cpio(tree, archive, module.end - module.start);
    if (unpacked.is_error()) {
        console::panic("fs: the ramdisk is not a valid cpio (newc) archive: %s", lib::error_name(unpacked.error()));
    }
    console::log("fs: ramdisk unpacked, %lu entries (%lu skipped)\n", unpacked.value().entries,
                 unpacked.value().skipped);
    // /dev/console is the kernel's, whatever the archive says.
    fs::Node* dev = tree.root()->child("dev");
    if (dev == nullptr) {
        auto made = tree.create(tree.root(), "dev", fs::type_directory | 0755);
        if (made.is_error()) console::panic("fs: cannot create /dev");
        dev = made.value();
    }
    if (dev->child("console") == nullptr) {
        auto console = tree.create(dev, "console", fs::type_character_device | 0600);
        if (console.is_error()) console::panic("fs: cannot create /dev/console");
        console.value()->device = fs::console_device;
    }
}

lib::Status open_console(sched::Process& process) {
    fs::Node* node = TRY(fs::resolve(fs::Lookup{fs::root_tree().root(), fs::root_tree().root(), true}, "/dev/console"));
    for (int descriptor = 0; descriptor < 3; ++descriptor) {
        object::File* file = TRY(fs::open_node(node));
        TRY(process.files.install_at(descriptor, file, false));
    }
    return lib::ok();
}

}  // namespace

void start_init(const boot::BootInfo& info, const boot::CommandLine& command_line) {
    if (info.module_count > 1) console::log("boot: using module 0 as the ramdisk, ignoring the others\n");
    unpack_ramdisk(info.modules[0]);

    static boot::InitArguments arguments;
    boot::parse_init_arguments(command_line.text(), arguments);
    if (!arguments.valid)
        console::panic("boot: init's arguments do not fit (at most %lu words)", boot::InitArguments::max_arguments - 1);
    const char* path = arguments.argv[0];

    fs::Node* root = fs::root_tree().root();
    auto node = fs::resolve(fs::Lookup{root, root, true}, path);
    if (node.is_error() || !node.value()->is_regular()) {
        console::panic("init: cannot run %s: %s", path,
                       node.is_error() ? lib::error_name(node.error()) : "not a regular file");
    }
    auto created = sched::create_process(0);
    if (created.is_error()) console::panic("init: cannot create the process: %s", lib::error_name(created.error()));
    sched::Process* process = created.value();
    process->cwd = root;
    lib::copy_bytes(process->executable, path, lib::min(lib::string_length(path) + 1, sizeof process->executable - 1));
    if (open_console(*process).is_error()) console::panic("init: cannot open /dev/console");

    static const char* const environment[] = {"HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin"};
    auto loaded =
        exec::load_executable(*process->space, *node.value(), arguments.argv, arguments.argc, environment, 3, path);
    if (loaded.is_error()) console::panic("init: cannot load %s: %s", path, lib::error_name(loaded.error()));
    auto thread = sched::create_user_thread(process, loaded.value().entry, loaded.value().stack_pointer);
    if (thread.is_error()) console::panic("init: no memory for its thread");
    console::log("init: %s with %lu arguments\n", path, arguments.argc - 1);
    sched::make_runnable(thread.value());
}
