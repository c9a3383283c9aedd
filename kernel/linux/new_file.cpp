// Handing freshly made objects to the caller as descriptors.
#include "linux/syscall.h"
#include "mm/user_copy.h"
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

Result install_new_file_pair(object::File* first, object::File* second, bool close_on_exec, uint64_t user_fds) {
    object::FileTable& files = current_process().files;
    auto first_fd = files.install(first, close_on_exec);
    if (first_fd.is_error()) {
        first->release();
        second->release();
        return first_fd.error();
    }
    auto second_fd = files.install(second, close_on_exec);
    if (second_fd.is_error()) {
        (void)files.close(first_fd.value());
        second->release();
        return second_fd.error();
    }
    int32_t fds[2] = {first_fd.value(), second_fd.value()};
    auto copied = mm::copy_to_user(user_fds, fds, sizeof fds);
    if (copied.is_error()) {
        (void)files.close(fds[0]);
        (void)files.close(fds[1]);
        return copied.error();
    }
    return uint64_t(0);
}

}  // namespace linux
