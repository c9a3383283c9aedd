// A memory object: a reference-counted, resizable run of pages (Zircon's
// VMO). It is the storage of tmpfs files and memfds, and what file mmap
// maps. Pages are made on first write (or first frame_for_page with
// allocate) and zero-filled; a page never written reads as zeros.
//
// Pages are frames from mm/physical with their own reference count: the
// object holds one reference per page it owns, and a mapping that maps a
// page takes another (reference_frame), so shrinking the object never frees
// a frame a process still has mapped.
//
// FIXME: no lock. The kernel runs on one CPU and is not preempted, and no
// method blocks while the object is in an inconsistent state (a user copy
// may fault in the caller's pages but never sleeps). SMP needs a lock here.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/vector.h"

namespace mm {

class ByteSource;

// memfd seals (F_ADD_SEALS), Linux values.
constexpr uint32_t seal_seal = 0x0001;
constexpr uint32_t seal_shrink = 0x0002;
constexpr uint32_t seal_grow = 0x0004;
constexpr uint32_t seal_write = 0x0008;
constexpr uint32_t seal_future_write = 0x0010;
constexpr uint32_t all_seals = seal_seal | seal_shrink | seal_grow | seal_write | seal_future_write;

class MemoryObject {
public:
    // The largest size an object may have (Linux's MAX_LFS_FILESIZE is
    // larger; this keeps page indices and offsets far from overflow).
    static constexpr uint64_t max_size = 1ull << 44;

    // A new object of size bytes (all zeros), with one reference.
    static lib::ErrorOr<MemoryObject*> create(uint64_t size);

    void reference() { ++references_; }
    // Frees the pages and the object with the last reference.
    void release();

    uint64_t size() const { return size_; }
    // Pages with a frame (what the object really uses).
    uint64_t committed_pages() const { return pages_.size(); }

    // Grows (zeros) or shrinks the object. Shrinking frees the pages wholly
    // past the new end and zeroes the tail of the last partial page, so a
    // later grow reads zeros there. Fails with too_big past max_size and
    // not_permitted when a seal forbids the change.
    lib::Status resize(uint64_t new_size);

    // Copies out of [offset, offset + length) clipped to the size; the
    // count copied (0 at or past the end). Holes read as zeros and stay holes.
    lib::ErrorOr<size_t> read(uint64_t offset, void* buffer, size_t length) const;
    lib::ErrorOr<size_t> read_to_user(uint64_t offset, uint64_t user_address, size_t length) const;

    // Copies in at offset, growing the object when the write ends past the
    // size. not_permitted when sealed against writing (or growing); too_big
    // past max_size. On a fault in user memory midway, the bytes copied so
    // far stay and their count is returned (bad_address if none were).
    lib::ErrorOr<size_t> write(uint64_t offset, const void* data, size_t length);
    lib::ErrorOr<size_t> write_from_user(uint64_t offset, uint64_t user_address, size_t length);
    lib::ErrorOr<size_t> write_from(uint64_t offset, const ByteSource& source);

    // The physical address of page index's frame, for the mapper. With
    // allocate, a missing page is made (zeroed); without, 0 for a hole.
    // out_of_range for a page wholly past the end. The caller takes its own
    // frame reference (mm::reference_frame) if it keeps the frame mapped.
    lib::ErrorOr<uint64_t> frame_for_page(uint64_t index, bool allocate);

    // Seals (memfd). An object starts sealed with seal_seal, as Linux's
    // tmpfs files and memfds without MFD_ALLOW_SEALING do; allow_sealing
    // lifts it. add_seals fails with not_permitted once seal_seal is set,
    // and with busy for seal_write while writable shared mappings exist
    // (the mapper counts them with the two calls below).
    uint32_t seals() const { return seals_; }
    lib::Status add_seals(uint32_t seals);
    void allow_sealing() { seals_ &= ~seal_seal; }
    void writable_mapping_added() { ++writable_mappings_; }
    void writable_mapping_removed() { --writable_mappings_; }
    bool writes_sealed() const { return (seals_ & (seal_write | seal_future_write)) != 0; }

private:
    struct Page {
        uint64_t index;
        uint64_t frame;  // physical address
    };

    MemoryObject() = default;
    ~MemoryObject();
    MemoryObject(const MemoryObject&) = delete;
    MemoryObject& operator=(const MemoryObject&) = delete;

    // Position of the first page with index >= index (binary search).
    size_t position_of(uint64_t index) const;
    uint64_t find_frame(uint64_t index) const;
    lib::ErrorOr<uint64_t> find_or_make_frame(uint64_t index);
    void free_pages_from(uint64_t first_index);
    lib::Status check_write(uint64_t offset, size_t length) const;

    template <typename Copy>
    lib::ErrorOr<size_t> read_with(uint64_t offset, size_t length, Copy&& copy) const;
    template <typename Copy>
    lib::ErrorOr<size_t> write_with(uint64_t offset, size_t length, Copy&& copy);

    uint64_t size_ = 0;
    // Sorted by index: sparse, so a huge ftruncate costs nothing until written.
    lib::Vector<Page> pages_;
    uint32_t references_ = 1;
    uint32_t seals_ = seal_seal;
    uint32_t writable_mappings_ = 0;
};

}  // namespace mm
