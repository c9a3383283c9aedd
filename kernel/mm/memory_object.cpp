#include "mm/memory_object.h"

#include "lib/allocator.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/physical.h"
#include "mm/user_copy.h"

namespace mm {

lib::ErrorOr<MemoryObject*> MemoryObject::create(uint64_t size) {
    if (size > max_size) return lib::Error::file_too_big;
    void* memory = lib::allocate(sizeof(MemoryObject));
    if (memory == nullptr) return lib::Error::no_memory;
    auto* object = new (memory) MemoryObject();
    object->size_ = size;
    return object;
}

MemoryObject::~MemoryObject() {
    free_pages_from(0);
}

void MemoryObject::release() {
    if (--references_ != 0) return;
    this->~MemoryObject();
    lib::deallocate(this);
}

size_t MemoryObject::position_of(uint64_t index) const {
    size_t low = 0, high = pages_.size();
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (pages_[middle].index < index)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

uint64_t MemoryObject::find_frame(uint64_t index) const {
    size_t position = position_of(index);
    if (position < pages_.size() && pages_[position].index == index) return pages_[position].frame;
    return 0;
}

lib::ErrorOr<uint64_t> MemoryObject::find_or_make_frame(uint64_t index) {
    size_t position = position_of(index);
    if (position < pages_.size() && pages_[position].index == index) return pages_[position].frame;
    uint64_t frame = TRY(allocate_frame());  // zero-filled
    auto inserted = pages_.try_insert(position, Page{index, frame});
    if (inserted.is_error()) {
        release_frame(frame);
        return inserted.error();
    }
    return frame;
}

void MemoryObject::free_pages_from(uint64_t first_index) {
    size_t position = position_of(first_index);
    while (pages_.size() > position) {
        release_frame(pages_[pages_.size() - 1].frame);
        pages_.remove(pages_.size() - 1);
    }
}

lib::Status MemoryObject::resize(uint64_t new_size) {
    if (new_size > max_size) return lib::Error::file_too_big;
    if (new_size < size_ && (seals_ & seal_shrink)) return lib::Error::not_permitted;
    if (new_size > size_ && (seals_ & seal_grow)) return lib::Error::not_permitted;
    if (new_size < size_) {
        free_pages_from((new_size + page_size - 1) / page_size);
        // The rest of a partial last page must read as zeros if the object
        // grows again (and mappings of it must see zeros past the end).
        uint64_t tail = new_size % page_size;
        if (tail != 0) {
            uint64_t frame = find_frame(new_size / page_size);
            if (frame != 0) lib::fill_bytes(static_cast<uint8_t*>(physical_to_virtual(frame)) + tail, 0, page_size - tail);
        }
    }
    size_ = new_size;
    return lib::ok();
}

template <typename Copy>
lib::ErrorOr<size_t> MemoryObject::read_with(uint64_t offset, size_t length, Copy&& copy) const {
    if (offset >= size_) return size_t(0);
    length = static_cast<size_t>(lib::min<uint64_t>(length, size_ - offset));
    size_t done = 0;
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t within = position % page_size;
        size_t chunk = static_cast<size_t>(lib::min<uint64_t>(length - done, page_size - within));
        uint64_t frame = find_frame(position / page_size);
        const uint8_t* source = frame != 0 ? static_cast<const uint8_t*>(physical_to_virtual(frame)) + within : nullptr;
        lib::Status copied = copy(done, source, chunk);
        if (copied.is_error()) {
            if (done == 0) return copied.error();
            break;
        }
        done += chunk;
    }
    return done;
}

lib::Status MemoryObject::check_write(uint64_t offset, size_t length) const {
    if (writes_sealed()) return lib::Error::not_permitted;
    uint64_t end;
    if (__builtin_add_overflow(offset, length, &end) || end > max_size) return lib::Error::file_too_big;
    if (end > size_ && (seals_ & seal_grow)) return lib::Error::not_permitted;
    return lib::ok();
}

template <typename Copy>
lib::ErrorOr<size_t> MemoryObject::write_with(uint64_t offset, size_t length, Copy&& copy) {
    TRY(check_write(offset, length));
    size_t done = 0;
    lib::Error failure = lib::Error::none;
    while (done < length) {
        uint64_t position = offset + done;
        uint64_t within = position % page_size;
        size_t chunk = static_cast<size_t>(lib::min<uint64_t>(length - done, page_size - within));
        auto frame = find_or_make_frame(position / page_size);
        if (frame.is_error()) {
            failure = frame.error();
            break;
        }
        lib::Status copied = copy(done, static_cast<uint8_t*>(physical_to_virtual(frame.value())) + within, chunk);
        if (copied.is_error()) {
            failure = copied.error();
            break;
        }
        done += chunk;
    }
    if (offset + done > size_) size_ = offset + done;
    if (done == 0 && failure != lib::Error::none) return failure;
    return done;
}

lib::ErrorOr<size_t> MemoryObject::read(uint64_t offset, void* buffer, size_t length) const {
    auto* out = static_cast<uint8_t*>(buffer);
    return read_with(offset, length, [&](size_t done, const uint8_t* source, size_t chunk) -> lib::Status {
        if (source == nullptr)
            lib::fill_bytes(out + done, 0, chunk);
        else
            lib::copy_bytes(out + done, source, chunk);
        return lib::ok();
    });
}

lib::ErrorOr<size_t> MemoryObject::read_to_user(uint64_t offset, uint64_t user_address, size_t length) const {
    return read_with(offset, length, [&](size_t done, const uint8_t* source, size_t chunk) -> lib::Status {
        if (source == nullptr) return zero_user(user_address + done, chunk);
        return copy_to_user(user_address + done, source, chunk);
    });
}

lib::ErrorOr<size_t> MemoryObject::write(uint64_t offset, const void* data, size_t length) {
    const auto* in = static_cast<const uint8_t*>(data);
    return write_with(offset, length, [&](size_t done, uint8_t* destination, size_t chunk) -> lib::Status {
        lib::copy_bytes(destination, in + done, chunk);
        return lib::ok();
    });
}

lib::ErrorOr<size_t> MemoryObject::write_from_user(uint64_t offset, uint64_t user_address, size_t length) {
    return write_from(offset, ByteSource::user(user_address, length));
}

lib::ErrorOr<size_t> MemoryObject::write_from(uint64_t offset, const ByteSource& source) {
    return write_with(offset, source.length(), [&](size_t done, uint8_t* destination, size_t chunk) -> lib::Status {
        return source.copy_to(destination, done, chunk);
    });
}

lib::ErrorOr<uint64_t> MemoryObject::frame_for_page(uint64_t index, bool allocate) {
    if (index >= (size_ + page_size - 1) / page_size) return lib::Error::out_of_range;
    if (!allocate) return find_frame(index);
    return find_or_make_frame(index);
}

lib::Status MemoryObject::add_seals(uint32_t seals) {
    if (seals & ~all_seals) return lib::Error::invalid_argument;
    if (seals_ & seal_seal) return lib::Error::not_permitted;
    if ((seals & seal_write) && writable_mappings_ > 0) return lib::Error::busy;
    seals_ |= seals;
    return lib::ok();
}

}  // namespace mm
