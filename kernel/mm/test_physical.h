// Host stand-ins for mm/physical and mm/user_copy, so kernel code that
// owns frames (memory objects) runs under unit tests: a frame is a page
// from the host heap whose "physical address" maps back to it through
// physical_to_virtual, and a "user address" is a host pointer (addresses
// below 64 KiB fault, like an unmapped page, giving bad_address).
#pragma once
#include <stdint.h>

namespace mm::test {

// Frames allocated and not yet released (a leak check for tests).
int64_t frames_in_use();
// Makes the next `count` frame allocations fail (then they succeed again).
void fail_next_frame_allocations(int count);

}  // namespace mm::test
