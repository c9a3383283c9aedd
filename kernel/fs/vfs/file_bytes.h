// A regular file's bytes copied into one heap buffer, for the ELF loader
// (which parses and copies from contiguous memory). Freed with the object.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "fs/vfs/vnode.h"

namespace fs {

class FileBytes {
public:
    // Any regular file; is_directory / access_denied otherwise.
    static lib::ErrorOr<FileBytes> read(Vnode& node);
    static FileBytes empty() { return FileBytes(nullptr, 0); }
    FileBytes(FileBytes&& other) : data_(other.data_), size_(other.size_) { other.data_ = nullptr; }
    FileBytes& operator=(FileBytes&& other) {
        if (this != &other) {
            this->~FileBytes();
            data_ = other.data_;
            size_ = other.size_;
            other.data_ = nullptr;
        }
        return *this;
    }
    FileBytes(const FileBytes&) = delete;
    FileBytes& operator=(const FileBytes&) = delete;
    ~FileBytes();

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }

private:
    FileBytes(uint8_t* data, size_t size) : data_(data), size_(size) {}
    uint8_t* data_;
    size_t size_;
};

}  // namespace fs
