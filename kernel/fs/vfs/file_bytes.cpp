#include "fs/vfs/file_bytes.h"

#include "lib/allocator.h"
#include "mm/memory_object.h"

namespace fs {

lib::ErrorOr<FileBytes> FileBytes::read(Vnode& node) {
    if (node.is_directory()) return lib::Error::is_directory;
    if (!node.is_regular()) return lib::Error::access_denied;
    mm::MemoryObject* memory = TRY(node.memory_object());
    size_t size = memory->size();
    if (size > (256u << 20)) return lib::Error::no_memory;  // no program is this big; refuse before allocating
    auto* data = static_cast<uint8_t*>(lib::allocate(size > 0 ? size : 1));
    if (data == nullptr) return lib::Error::no_memory;
    auto copied = memory->read(0, data, size);
    if (copied.is_error()) {
        lib::deallocate(data);
        return copied.error();
    }
    return FileBytes(data, copied.value());
}

FileBytes::~FileBytes() {
    lib::deallocate(data_);
}

}  // namespace fs
