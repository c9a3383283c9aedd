#include "object/file.h"

#include "lib/allocator.h"
#include "mm/user_copy.h"

namespace object {

lib::ErrorOr<size_t> File::read(uint64_t, size_t) {
    return lib::Error::bad_descriptor;
}
lib::ErrorOr<size_t> File::write(uint64_t, size_t) {
    return lib::Error::bad_descriptor;
}
lib::ErrorOr<size_t> File::write_from(const mm::ByteSource& source) {
    if (!source.in_user_memory()) return lib::Error::invalid_argument;
    return write(source.user_address(), source.length());
}
lib::ErrorOr<uint64_t> File::seek(int64_t, int) {
    return lib::Error::illegal_seek;
}
lib::ErrorOr<size_t> File::read_at(uint64_t, uint64_t, size_t) {
    return lib::Error::illegal_seek;
}
lib::ErrorOr<size_t> File::write_at(uint64_t, uint64_t, size_t) {
    return lib::Error::illegal_seek;
}
lib::ErrorOr<size_t> File::read_directory(uint64_t, size_t) {
    return lib::Error::not_directory;
}
lib::ErrorOr<uint64_t> File::control(uint64_t, uint64_t) {
    return lib::Error::not_tty;
}

uint32_t File::ready_events() {
    return poll_in | poll_read_normal | poll_out | poll_write_normal;
}

void File::release() {
    uint32_t remaining = __atomic_sub_fetch(&references_, 1, __ATOMIC_ACQ_REL);
    if (remaining == 0) {
        lib::destroy(this);
    } else {
        references_dropped(remaining);
    }
}

}  // namespace object
