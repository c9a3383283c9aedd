// A growable array whose growth can fail: try_append returns an error
// instead of aborting (the kernel has no infallible append).
#pragma once
#include <stddef.h>

#include "lib/allocator.h"
#include "lib/error.h"

namespace lib {

template <typename T>
class Vector {
public:
    Vector() = default;
    Vector(const Vector&) = delete;
    Vector& operator=(const Vector&) = delete;
    Vector(Vector&& other) : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
        other.data_ = nullptr;
        other.size_ = other.capacity_ = 0;
    }
    ~Vector() { clear(); }

    [[nodiscard]] Status try_reserve(size_t capacity) {
        if (capacity <= capacity_) return ok();
        if (capacity > (size_t(-1) / sizeof(T))) return Error::no_memory;
        return relocate(capacity) ? ok() : Status(Error::no_memory);
    }

    // Gives back storage the vector has outgrown (half or less in use),
    // halving until it fits, so memory returns to what it was before the
    // elements came. Growth doubles, so a vector that shrinks and grows
    // across one boundary copies each time: fine for small tables such as
    // directories, not for hot paths. Best effort: when the smaller copy
    // cannot be allocated, nothing changes.
    void shrink_if_sparse() {
        if (size_ == 0) return clear();
        size_t capacity = capacity_;
        while (capacity >= 8 && size_ <= capacity / 2) capacity /= 2;
        if (capacity != capacity_) (void)relocate(capacity);
    }

    [[nodiscard]] Status try_append(T value) {
        if (size_ == capacity_) {
            Status grown = try_reserve(capacity_ == 0 ? 4 : capacity_ * 2);
            if (grown.is_error()) return grown;
        }
        new (&data_[size_]) T(move(value));
        ++size_;
        return ok();
    }

    // Inserts before index (index == size appends).
    [[nodiscard]] Status try_insert(size_t index, T value) {
        if (index > size_) return Error::out_of_range;
        Status appended = try_append(move(value));
        if (appended.is_error()) return appended;
        for (size_t i = size_ - 1; i > index; --i) {
            T moved = move(data_[i]);
            data_[i] = move(data_[i - 1]);
            data_[i - 1] = move(moved);
        }
        return ok();
    }

    void remove(size_t index) {
        for (size_t i = index; i + 1 < size_; ++i) data_[i] = move(data_[i + 1]);
        --size_;
        data_[size_].~T();
    }

    void clear() {
        for (size_t i = 0; i < size_; ++i) data_[i].~T();
        deallocate(data_);
        data_ = nullptr;
        size_ = capacity_ = 0;
    }

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T& operator[](size_t index) { return data_[index]; }
    const T& operator[](size_t index) const { return data_[index]; }
    T* begin() { return data_; }
    T* end() { return data_ + size_; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }

private:
    // Moves the elements into new storage of capacity (>= size) elements;
    // false, with nothing changed, when it cannot be allocated.
    bool relocate(size_t capacity) {
        T* fresh = static_cast<T*>(allocate(capacity * sizeof(T)));
        if (fresh == nullptr) return false;
        for (size_t i = 0; i < size_; ++i) {
            new (&fresh[i]) T(move(data_[i]));
            data_[i].~T();
        }
        deallocate(data_);
        data_ = fresh;
        capacity_ = capacity;
        return true;
    }

    T* data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace lib
