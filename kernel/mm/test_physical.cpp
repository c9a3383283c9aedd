#include "mm/test_physical.h"

#include <stdlib.h>
#include <string.h>

#include <map>

#include "mm/layout.h"
#include "mm/physical.h"
#include "mm/user_copy.h"

namespace mm {
namespace {

std::map<uint64_t, uint32_t> references;  // physical address -> count
int failures_left = 0;
constexpr uint64_t unmapped_below = 0x10000;

}  // namespace

lib::ErrorOr<uint64_t> allocate_frame() {
    if (failures_left > 0) {
        --failures_left;
        return lib::Error::no_memory;
    }
    void* page = aligned_alloc(page_size, page_size);
    if (page == nullptr) return lib::Error::no_memory;
    memset(page, 0, page_size);
    uint64_t physical = virtual_to_physical(page);
    references[physical] = 1;
    return physical;
}

void reference_frame(uint64_t physical) {
    ++references.at(physical);
}

void release_frame(uint64_t physical) {
    auto found = references.find(physical);
    if (found == references.end()) abort();  // a double free
    if (--found->second == 0) {
        free(physical_to_virtual(physical));
        references.erase(found);
    }
}

uint32_t frame_references(uint64_t physical) {
    auto found = references.find(physical);
    return found == references.end() ? 0 : found->second;
}

lib::Status copy_from_user(void* destination, uint64_t user_source, size_t length) {
    if (user_source < unmapped_below) return lib::Error::bad_address;
    memcpy(destination, reinterpret_cast<const void*>(user_source), length);
    return lib::ok();
}

lib::Status copy_to_user(uint64_t user_destination, const void* source, size_t length) {
    if (user_destination < unmapped_below) return lib::Error::bad_address;
    memcpy(reinterpret_cast<void*>(user_destination), source, length);
    return lib::ok();
}

lib::Status zero_user(uint64_t user_destination, size_t length) {
    if (user_destination < unmapped_below) return lib::Error::bad_address;
    memset(reinterpret_cast<void*>(user_destination), 0, length);
    return lib::ok();
}

namespace test {

int64_t frames_in_use() {
    return static_cast<int64_t>(references.size());
}

void fail_next_frame_allocations(int count) {
    failures_left = count;
}

}  // namespace test
}  // namespace mm
