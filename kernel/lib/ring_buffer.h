// A byte ring over caller-owned storage: what a pipe holds between its
// writer and reader. It hands out contiguous spans rather than copying,
// so the pipe can copy straight between user memory and the ring (a user
// copy can fault, and only what was copied is then committed or consumed).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace lib {

struct ByteSpan {
    uint8_t* data;
    size_t length;
};

class RingBuffer {
public:
    RingBuffer(uint8_t* storage, size_t capacity) : storage_(storage), capacity_(capacity) {}

    size_t capacity() const { return capacity_; }
    size_t used() const { return used_; }
    size_t free_space() const { return capacity_ - used_; }
    bool empty() const { return used_ == 0; }

    // The oldest bytes, up to the end of the storage (the rest, if the data
    // wraps, comes as the next span after consume).
    ByteSpan readable() const {
        size_t length = used_ < capacity_ - head_ ? used_ : capacity_ - head_;
        return {storage_ + head_, length};
    }
    void consume(size_t count) {
        if (count > readable().length) count = readable().length;
        head_ = (head_ + count) % capacity_;
        used_ -= count;
        if (used_ == 0) head_ = 0;  // keeps the next write contiguous
    }

    // Free room after the newest byte, up to the end of the storage.
    ByteSpan writable() const {
        size_t tail = (head_ + used_) % capacity_;
        size_t room = free_space();
        size_t length = room < capacity_ - tail ? room : capacity_ - tail;
        return {storage_ + tail, length};
    }
    void commit(size_t count) {
        if (count > writable().length) count = writable().length;
        used_ += count;
    }

private:
    uint8_t* storage_;
    size_t capacity_;
    size_t head_ = 0;  // index of the oldest byte
    size_t used_ = 0;
};

}  // namespace lib
