#include "fs/devfs/standard_devices.h"

#include "tty/terminal.h"

#include "fs/devfs/devices.h"
#include "lib/allocator.h"
#include "lib/random.h"
#include "mm/user_copy.h"

namespace fs {
namespace {

enum class Kind { null, zero, full, random };

class MemoryDevice final : public DeviceFile {
public:
    MemoryDevice(Vnode& node, int flags, Kind kind) : DeviceFile(node, flags), kind_(kind) {}

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        switch (kind_) {
            case Kind::null:
                return size_t(0);
            case Kind::zero:
            case Kind::full:
                TRY(mm::zero_user(user_address, length));
                return length;
            case Kind::random:
                return read_random(user_address, length);
        }
        return size_t(0);
    }
    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override {
        return write_from(mm::ByteSource::user(user_address, length));
    }
    lib::ErrorOr<size_t> write_from(const mm::ByteSource& source) override {
        if (kind_ == Kind::full) return lib::Error::no_space;
        return source.length();  // random: written bytes would be mixed into the pool; dropped here
    }
    lib::ErrorOr<size_t> read_at(uint64_t, uint64_t user_address, size_t length) override {
        return read(user_address, length);
    }
    lib::ErrorOr<size_t> write_at(uint64_t, uint64_t user_address, size_t length) override {
        return write(user_address, length);
    }

private:
    static lib::ErrorOr<size_t> read_random(uint64_t user_address, size_t length) {
        uint8_t chunk[256];
        size_t done = 0;
        while (done < length) {
            size_t count = lib::min(sizeof chunk, length - done);
            lib::random_bytes(chunk, count);
            lib::Status copied = mm::copy_to_user(user_address + done, chunk, count);
            if (copied.is_error()) {
                if (done > 0) return done;
                return copied.error();
            }
            done += count;
        }
        return done;
    }

    Kind kind_;
};

lib::ErrorOr<object::File*> open_memory_device(Vnode& node, int flags) {
    Kind kind;
    switch (device_minor(node.device)) {
        case 3:
            kind = Kind::null;
            break;
        case 5:
            kind = Kind::zero;
            break;
        case 7:
            kind = Kind::full;
            break;
        case 8:
        case 9:
            kind = Kind::random;
            break;
        default:
            return lib::Error::no_device_or_address;
    }
    object::File* file = lib::make<MemoryDevice>(node, flags, kind);
    if (file == nullptr) return lib::Error::no_memory;
    return file;
}

}  // namespace

lib::Status register_standard_devices() {
    TRY(register_device(1, 3, 7, open_memory_device));
    TRY(tty::register_terminal_devices());
    TRY(register_device(5, 1, 1, tty::open_console));
    return lib::ok();
}

}  // namespace fs
