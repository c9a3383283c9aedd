#include "exec/elf.h"

#include "lib/string.h"

namespace exec {
namespace {

constexpr uint16_t type_executable = 2, type_shared = 3;
constexpr uint16_t machine_x86_64 = 62;
constexpr uint32_t program_load = 1, program_interpreter = 3, program_header_table = 6;
constexpr uint64_t page = 4096;
// Everything must fit well inside the lower half.
constexpr uint64_t address_limit = 0x00007F0000000000ull;

struct [[gnu::packed]] Header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct [[gnu::packed]] ProgramHeader {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

}  // namespace

lib::ErrorOr<ElfImage> parse_elf(const uint8_t* file, size_t size) {
    return parse_elf(file, size, size);
}

lib::ErrorOr<ElfImage> parse_elf(const uint8_t* file, size_t head_size, uint64_t size) {
    using lib::Error;
    if (head_size > size || head_size < sizeof(Header)) return Error::not_executable;
    Header header;
    lib::copy_bytes(&header, file, sizeof header);
    if (lib::compare_bytes(header.ident,
                           "\x7F"
                           "ELF",
                           4) != 0)
        return Error::not_executable;
    if (header.ident[4] != 2 || header.ident[5] != 1) return Error::not_executable;  // 64-bit little endian
    if (header.machine != machine_x86_64) return Error::not_executable;
    if (header.type != type_executable && header.type != type_shared) return Error::not_executable;
    if (header.phentsize != sizeof(ProgramHeader) || header.phnum == 0 || header.phnum > 64) {
        return Error::not_executable;
    }
    uint64_t table_end;
    if (__builtin_add_overflow(header.phoff, uint64_t(header.phnum) * sizeof(ProgramHeader), &table_end) ||
        table_end > head_size) {
        return Error::not_executable;
    }

    ElfImage image;
    image.position_independent = header.type == type_shared;
    image.entry = header.entry;
    image.program_header_count = header.phnum;
    image.program_header_size = header.phentsize;
    image.lowest_address = ~0ull;
    bool have_table_address = false;
    for (uint16_t i = 0; i < header.phnum; ++i) {
        ProgramHeader ph;
        lib::copy_bytes(&ph, file + header.phoff + i * sizeof(ProgramHeader), sizeof ph);
        if (ph.type == program_interpreter) {
            uint64_t end;
            // A NUL-terminated path of sensible length inside the file.
            if (ph.filesz < 2 || ph.filesz > 4096 || __builtin_add_overflow(ph.offset, ph.filesz, &end) ||
                end > head_size || file[end - 1] != 0) {
                return Error::not_executable;
            }
            image.interpreter_offset = ph.offset;
            image.interpreter_length = lib::string_length(reinterpret_cast<const char*>(file + ph.offset));
            if (image.interpreter_length == 0) return Error::not_executable;
            continue;
        }
        if (ph.type == program_header_table) {
            image.program_headers_address = ph.vaddr;
            have_table_address = true;
        }
        if (ph.type != program_load) continue;
        if (image.segment_count == max_segments) return Error::not_executable;
        uint64_t file_end, memory_end;
        if (ph.filesz > ph.memsz || __builtin_add_overflow(ph.offset, ph.filesz, &file_end) || file_end > size ||
            __builtin_add_overflow(ph.vaddr, ph.memsz, &memory_end) || memory_end > address_limit ||
            (ph.vaddr % page) != (ph.offset % page)) {
            return Error::not_executable;
        }
        // Segments come in ascending order and must not overlap.
        uint64_t start = ph.vaddr & ~(page - 1);
        if (image.segment_count > 0 && start < image.highest_address) return Error::not_executable;
        Segment& segment = image.segments[image.segment_count++];
        segment.virtual_address = ph.vaddr;
        segment.file_offset = ph.offset;
        segment.file_size = ph.filesz;
        segment.memory_size = ph.memsz;
        segment.protection = ((ph.flags & 4) ? 1 : 0) | ((ph.flags & 2) ? 2 : 0) | ((ph.flags & 1) ? 4 : 0);
        if (start < image.lowest_address) image.lowest_address = start;
        image.highest_address = (memory_end + page - 1) & ~(page - 1);
    }
    if (image.segment_count == 0) return Error::not_executable;
    if (!image.position_independent && image.lowest_address < 0x10000) return Error::not_executable;
    if (image.entry < image.lowest_address || image.entry >= image.highest_address) return Error::not_executable;
    if (!have_table_address) {
        // Without PT_PHDR the table is found through the segment that maps it.
        for (size_t i = 0; i < image.segment_count; ++i) {
            const Segment& s = image.segments[i];
            if (header.phoff >= s.file_offset && table_end <= s.file_offset + s.file_size) {
                image.program_headers_address = s.virtual_address + (header.phoff - s.file_offset);
                have_table_address = true;
            }
        }
    }
    return image;
}

}  // namespace exec
