#include "fs/cpio.h"

namespace fs {
namespace {

constexpr size_t header_size = 110;

bool parse_hex(const uint8_t* text, uint32_t& value) {
    value = 0;
    for (int i = 0; i < 8; ++i) {
        uint8_t c = text[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return false;
        value = value << 4 | digit;
    }
    return true;
}

size_t align4(size_t value) {
    return (value + 3) & ~size_t(3);
}

}  // namespace

lib::ErrorOr<bool> CpioReader::next(CpioEntry& entry) {
    if (offset_ > size_ || size_ - offset_ < header_size) return lib::Error::invalid_argument;
    const uint8_t* header = archive_ + offset_;
    if (lib::compare_bytes(header, "070701", 6) != 0 && lib::compare_bytes(header, "070702", 6) != 0) {
        return lib::Error::invalid_argument;
    }
    uint32_t fields[13];
    for (int i = 0; i < 13; ++i) {
        if (!parse_hex(header + 6 + i * 8, fields[i])) return lib::Error::invalid_argument;
    }
    uint32_t mode = fields[1], mtime = fields[5], file_size = fields[6], name_size = fields[11];
    if (name_size == 0) return lib::Error::invalid_argument;
    size_t name_offset = offset_ + header_size;
    if (name_size > size_ - name_offset) return lib::Error::invalid_argument;
    const char* name = reinterpret_cast<const char*>(archive_ + name_offset);
    if (name[name_size - 1] != '\0') return lib::Error::invalid_argument;
    size_t data_offset = align4(name_offset + name_size);
    if (data_offset > size_ || file_size > size_ - data_offset) return lib::Error::invalid_argument;
    entry.name = lib::StringView(name, name_size - 1);
    entry.mode = mode;
    entry.modified_seconds = mtime;
    entry.data = archive_ + data_offset;
    entry.size = file_size;
    offset_ = align4(data_offset + file_size);
    if (entry.name.equals("TRAILER!!!")) return false;
    return true;
}

}  // namespace fs
