#include "cpio.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace tessera::image {

namespace {

std::size_t padding_to_4(std::uint64_t offset) {
    return static_cast<std::size_t>((4 - offset % 4) % 4);
}

void format_field(char* out, std::uint32_t value) {
    static constexpr char digits[] = "0123456789ABCDEF";
    for (int i = 7; i >= 0; --i) {
        out[i] = digits[value & 0xF];
        value >>= 4;
    }
}

std::string at(std::size_t offset) {
    return " at offset " + std::to_string(offset);
}

}  // namespace

void CpioWriter::write_raw(const char* data, std::size_t size) {
    out_.write(data, static_cast<std::streamsize>(size));
    if (!out_) throw std::runtime_error("cannot write the archive (disk full?)");
    offset_ += size;
}

void CpioWriter::pad_to_4() {
    static constexpr char zeros[4] = {};
    write_raw(zeros, padding_to_4(offset_));
}

void CpioWriter::begin_member(const std::string& name, const CpioHeader& header) {
    if (in_member_) end_member();
    if (name.empty()) throw CpioFormatError("a cpio member needs a name");
    if (name.find('\0') != std::string::npos) throw CpioFormatError("a cpio name cannot contain NUL: " + name);
    std::array<char, cpio_header_size> raw{};
    std::copy_n(cpio_magic, 6, raw.begin());
    const std::uint32_t fields[] = {
        header.inode,
        header.mode,
        header.uid,
        header.gid,
        header.nlink,
        header.mtime,
        header.file_size,
        header.dev_major,
        header.dev_minor,
        header.rdev_major,
        header.rdev_minor,
        static_cast<std::uint32_t>(name.size() + 1),
        0,  // check: only used by the "crc" variant (070702)
    };
    for (std::size_t i = 0; i < std::size(fields); ++i) format_field(raw.data() + 6 + 8 * i, fields[i]);
    write_raw(raw.data(), raw.size());
    write_raw(name.c_str(), name.size() + 1);
    pad_to_4();
    data_remaining_ = header.file_size;
    in_member_ = true;
}

void CpioWriter::write_data(std::span<const char> bytes) {
    if (!in_member_ || bytes.size() > data_remaining_) {
        throw std::logic_error("cpio: more data written than the header announced");
    }
    write_raw(bytes.data(), bytes.size());
    data_remaining_ -= bytes.size();
}

void CpioWriter::end_member() {
    if (data_remaining_ != 0) throw std::logic_error("cpio: member data shorter than its header announced");
    pad_to_4();
    in_member_ = false;
}

void CpioWriter::finish() {
    if (in_member_) end_member();
    CpioHeader trailer;
    trailer.nlink = 1;
    begin_member(cpio_trailer_name, trailer);
    end_member();
}

std::vector<CpioMember> parse_cpio(std::span<const char> archive) {
    std::vector<CpioMember> members;
    std::size_t offset = 0;
    auto field = [&](std::size_t header_offset, int index) {
        std::uint32_t value = 0;
        for (int i = 0; i < 8; ++i) {
            char c = archive[header_offset + 6 + 8 * index + i];
            int digit = (c >= '0' && c <= '9')   ? c - '0'
                        : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                        : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                 : -1;
            if (digit < 0) throw CpioFormatError("cpio: header field is not hexadecimal" + at(header_offset));
            value = (value << 4) | static_cast<std::uint32_t>(digit);
        }
        return value;
    };
    for (;;) {
        if (offset % 4 != 0) throw CpioFormatError("cpio: member not 4-byte aligned" + at(offset));
        if (archive.size() - offset < cpio_header_size) {
            throw CpioFormatError("cpio: archive ends without TRAILER!!!" + at(offset));
        }
        if (std::string_view(archive.data() + offset, 6) != cpio_magic) {
            throw CpioFormatError("cpio: bad magic (not newc 070701)" + at(offset));
        }
        CpioMember member;
        CpioHeader& h = member.header;
        h.inode = field(offset, 0);
        h.mode = field(offset, 1);
        h.uid = field(offset, 2);
        h.gid = field(offset, 3);
        h.nlink = field(offset, 4);
        h.mtime = field(offset, 5);
        h.file_size = field(offset, 6);
        h.dev_major = field(offset, 7);
        h.dev_minor = field(offset, 8);
        h.rdev_major = field(offset, 9);
        h.rdev_minor = field(offset, 10);
        std::uint32_t name_size = field(offset, 11);
        std::size_t header_offset = offset;
        offset += cpio_header_size;
        if (name_size == 0 || name_size > archive.size() - offset) {
            throw CpioFormatError("cpio: name size out of bounds" + at(header_offset));
        }
        if (archive[offset + name_size - 1] != '\0') {
            throw CpioFormatError("cpio: name is not NUL-terminated" + at(header_offset));
        }
        member.name.assign(archive.data() + offset, name_size - 1);
        if (member.name.find('\0') != std::string::npos) {
            throw CpioFormatError("cpio: NUL inside a name" + at(header_offset));
        }
        offset += name_size;
        offset += padding_to_4(offset);
        if (member.name == cpio_trailer_name) {
            if (offset > archive.size()) throw CpioFormatError("cpio: trailer padding truncated");
            for (std::size_t i = offset; i < archive.size(); ++i) {
                if (archive[i] != '\0') throw CpioFormatError("cpio: data after the trailer" + at(i));
            }
            return members;
        }
        if (offset > archive.size() || h.file_size > archive.size() - offset) {
            throw CpioFormatError("cpio: data of '" + member.name + "' runs past the end" + at(header_offset));
        }
        member.data.assign(archive.data() + offset, h.file_size);
        offset += h.file_size;
        std::size_t pad = padding_to_4(offset);
        if (pad > archive.size() - offset) throw CpioFormatError("cpio: data padding truncated" + at(offset));
        offset += pad;
        members.push_back(std::move(member));
    }
}

}  // namespace tessera::image
