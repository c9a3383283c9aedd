// The ramdisk format: cpio "newc" (SVR4 without CRC, magic 070701), as
// the Linux initramfs uses. Headers are 110 ASCII bytes of 13 hex fields;
// names and data are padded to 4 bytes; "TRAILER!!!" ends the archive.
// docs: https://www.kernel.org/doc/html/latest/driver-api/early-userspace/buffer-format.html
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/string.h"

namespace fs {

struct CpioEntry {
    lib::StringView name;  // as stored: no leading "/", maybe "./"
    uint32_t mode = 0;
    uint64_t modified_seconds = 0;
    const uint8_t* data = nullptr;
    size_t size = 0;
};

// Walks every entry until the trailer. A header, name or data that runs
// past the archive, a bad magic or non-hex field gives Error::invalid_argument
// and stops; entries before it have been visited.
class CpioReader {
public:
    CpioReader(const uint8_t* archive, size_t size) : archive_(archive), size_(size) {}
    // The next entry; false at the trailer.
    lib::ErrorOr<bool> next(CpioEntry& entry);

private:
    const uint8_t* archive_;
    size_t size_;
    size_t offset_ = 0;
};

}  // namespace fs
