// What the image tooling needs to know about an ELF file to copy its
// shared-library closure: class and machine, the program interpreter
// (PT_INTERP) and the dynamic section's DT_NEEDED, DT_RPATH, DT_RUNPATH and
// DT_SONAME. Only reads; every offset is bounds-checked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tessera::image {

struct ElfDynamicInfo {
    bool is_64_bit = false;
    bool little_endian = false;
    std::uint16_t machine = 0;  // e_machine: 62 is x86_64
    std::uint16_t type = 0;     // e_type: ET_EXEC, ET_DYN
    std::optional<std::string> interpreter;
    std::vector<std::string> needed;
    std::vector<std::string> rpath;    // DT_RPATH split at ':'
    std::vector<std::string> runpath;  // DT_RUNPATH split at ':'
    std::optional<std::string> soname;
};

class ElfFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// True when bytes start with the ELF magic.
bool looks_like_elf(std::span<const char> bytes);

// Parses an ELF64 little-endian image. Throws ElfFormatError for a truncated
// or inconsistent file, or an ELF class this tool does not handle (32-bit,
// big-endian): the caller decides whether that is an error.
ElfDynamicInfo parse_elf_dynamic_info(std::span<const char> image);

// Reads the file: nullopt when it is not an ELF file at all.
std::optional<ElfDynamicInfo> read_elf_dynamic_info(const std::filesystem::path& path);

}  // namespace tessera::image
