// ELF64 x86-64 executables: parsing and validation (portable, unit-tested).
// Executables (ET_EXEC) and position-independent ones or shared objects
// (ET_DYN) are accepted, with or without PT_INTERP (the dynamic loader the
// kernel maps beside a dynamic program); anything else, or any
// inconsistency, is Error::not_executable (ENOEXEC).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

namespace exec {

constexpr size_t max_segments = 16;

struct Segment {
    uint64_t virtual_address;  // before relocation by the load base
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t memory_size;
    uint32_t protection;  // mm::protection_* bits
};

struct ElfImage {
    bool position_independent = false;  // ET_DYN: loaded at a base we choose
    uint64_t entry = 0;
    uint64_t program_headers_address = 0;  // for AT_PHDR, before relocation
    uint16_t program_header_count = 0;
    uint16_t program_header_size = 0;
    Segment segments[max_segments];
    size_t segment_count = 0;
    uint64_t lowest_address = 0;  // page-aligned span of all segments
    uint64_t highest_address = 0;
    // PT_INTERP: the loader's path in the file (NUL-terminated there); length 0 when static.
    uint64_t interpreter_offset = 0;
    uint64_t interpreter_length = 0;  // without the NUL
};

lib::ErrorOr<ElfImage> parse_elf(const uint8_t* file, size_t size);
// The same from the first head_size bytes of a file of size bytes: the
// headers and PT_INTERP must lie in the head (segments are checked against
// size), so a loader need not read the whole file.
lib::ErrorOr<ElfImage> parse_elf(const uint8_t* head, size_t head_size, uint64_t size);

}  // namespace exec
