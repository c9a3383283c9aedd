// getrandom.
#include "lib/random.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"

namespace linux {

Result sys_getrandom(const Arguments& a) {
    constexpr uint64_t known_flags = 1 | 2 | 4;  // GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE
    if (a.a2 & ~known_flags) return lib::Error::invalid_argument;
    uint64_t length = lib::min<uint64_t>(a.a1, 0x1FFFFFF);
    uint8_t chunk[256];
    uint64_t done = 0;
    while (done < length) {
        uint64_t count = lib::min<uint64_t>(sizeof chunk, length - done);
        lib::random_bytes(chunk, count);
        auto copied = mm::copy_to_user(a.a0 + done, chunk, count);
        if (copied.is_error()) {
            if (done > 0) return done;
            return copied.error();
        }
        done += count;
    }
    return done;
}

}  // namespace linux
