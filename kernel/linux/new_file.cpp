// Handing a freshly made object to the caller as a descriptor.
#include "linux/syscall.h"
#include "object/file.h"
#include "sched/process.h"

namespace linux {

Result install_new_file(object::File* file, bool close_on_exec) {
    auto descriptor = current_process().files.install(file, close_on_exec);
    if (descriptor.is_error()) {
        file->release();
        return descriptor.error();
    }
    return static_cast<uint64_t>(descriptor.value());
}

}  // namespace linux
