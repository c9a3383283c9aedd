// The cpio "newc" format (magic 070701), the ramdisk format of Linux and
// Tessera: docs/formats/ramdisk.md. A writer that streams entries and a strict
// parser (for tests, `mkramdisk --list` and anything that reads archives back).
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tessera::image {

// Every member of a newc archive is a 110-byte ASCII header, the name (with
// its NUL) padded to 4 bytes, then the data padded to 4 bytes.
inline constexpr std::size_t cpio_header_size = 110;
inline constexpr const char* cpio_magic = "070701";
inline constexpr const char* cpio_trailer_name = "TRAILER!!!";
// File sizes are 8 hex digits: newc cannot hold a file of 4 GiB or more.
inline constexpr std::uint64_t cpio_max_file_size = 0xFFFFFFFFull;

struct CpioHeader {
    std::uint32_t inode = 0;
    std::uint32_t mode = 0;  // file type and permission bits, as st_mode
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::uint32_t nlink = 1;
    std::uint32_t mtime = 0;
    std::uint32_t file_size = 0;
    std::uint32_t dev_major = 0;
    std::uint32_t dev_minor = 0;
    std::uint32_t rdev_major = 0;  // for device nodes
    std::uint32_t rdev_minor = 0;
};

class CpioFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes members one after the other. The caller writes exactly
// header.file_size bytes of data after each header, through write_data.
class CpioWriter {
public:
    explicit CpioWriter(std::ostream& out) : out_(out) {}

    // Starts a member. Throws CpioFormatError for an empty name or one that
    // contains a NUL byte.
    void begin_member(const std::string& name, const CpioHeader& header);
    void write_data(std::span<const char> bytes);
    // Writes the TRAILER!!! member; the archive is complete afterwards.
    void finish();

    std::uint64_t bytes_written() const { return offset_; }

private:
    void write_raw(const char* data, std::size_t size);
    void pad_to_4();
    void end_member();

    std::ostream& out_;
    std::uint64_t offset_ = 0;
    std::uint64_t data_remaining_ = 0;
    bool in_member_ = false;
};

struct CpioMember {
    std::string name;
    CpioHeader header;
    std::string data;  // file contents, or the target of a symlink
};

// Parses a whole archive up to and including TRAILER!!! (which is not
// returned). Bytes after the trailer must be NUL padding. Throws
// CpioFormatError saying what is wrong and at which offset.
std::vector<CpioMember> parse_cpio(std::span<const char> archive);

}  // namespace tessera::image
