#include "elf_info.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace tessera::image {

namespace {

// Copies a T out of the image at offset, or throws: no pointer into the
// image is ever dereferenced unchecked or misaligned.
template <typename T>
T read_at(std::span<const char> image, std::uint64_t offset, const char* what) {
    if (offset > image.size() || sizeof(T) > image.size() - offset) {
        throw ElfFormatError(std::string("ELF truncated: ") + what + " out of bounds");
    }
    T value;
    std::memcpy(&value, image.data() + offset, sizeof(T));
    return value;
}

std::vector<std::string> split_path_list(const std::string& list) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        std::size_t end = list.find(':', start);
        std::string part = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!part.empty()) parts.push_back(part);
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

}  // namespace

bool looks_like_elf(std::span<const char> bytes) {
    return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

ElfDynamicInfo parse_elf_dynamic_info(std::span<const char> image) {
    if (!looks_like_elf(image)) throw ElfFormatError("not an ELF file");
    if (image.size() < EI_NIDENT) throw ElfFormatError("ELF truncated: identification");
    ElfDynamicInfo info;
    info.is_64_bit = image[EI_CLASS] == ELFCLASS64;
    info.little_endian = image[EI_DATA] == ELFDATA2LSB;
    if (!info.is_64_bit || !info.little_endian) throw ElfFormatError("not a 64-bit little-endian ELF file");
    auto header = read_at<Elf64_Ehdr>(image, 0, "ELF header");
    info.machine = header.e_machine;
    info.type = header.e_type;
    if (header.e_phnum != 0 && header.e_phentsize != sizeof(Elf64_Phdr)) {
        throw ElfFormatError("unexpected program header size");
    }
    std::vector<Elf64_Phdr> segments;
    for (std::uint64_t i = 0; i < header.e_phnum; ++i) {
        segments.push_back(read_at<Elf64_Phdr>(image, header.e_phoff + i * sizeof(Elf64_Phdr), "program header"));
    }
    // Dynamic entries hold virtual addresses; PT_LOAD maps them to file offsets.
    auto file_offset = [&](std::uint64_t address) -> std::uint64_t {
        for (const auto& segment : segments) {
            if (segment.p_type == PT_LOAD && address >= segment.p_vaddr &&
                address - segment.p_vaddr < segment.p_filesz) {
                return segment.p_offset + (address - segment.p_vaddr);
            }
        }
        throw ElfFormatError("dynamic address not inside any PT_LOAD segment");
    };
    auto string_at = [&](std::uint64_t offset, std::uint64_t limit) {
        if (offset >= limit || limit > image.size()) throw ElfFormatError("ELF string out of bounds");
        const char* start = image.data() + offset;
        const void* end = std::memchr(start, '\0', limit - offset);
        if (end == nullptr) throw ElfFormatError("ELF string not terminated");
        return std::string(start, static_cast<const char*>(end));
    };
    const Elf64_Phdr* dynamic = nullptr;
    for (const auto& segment : segments) {
        if (segment.p_type == PT_INTERP) {
            if (segment.p_offset > image.size() || segment.p_filesz > image.size() - segment.p_offset) {
                throw ElfFormatError("PT_INTERP out of bounds");
            }
            info.interpreter = string_at(segment.p_offset, segment.p_offset + segment.p_filesz);
        } else if (segment.p_type == PT_DYNAMIC) {
            dynamic = &segment;
        }
    }
    if (dynamic == nullptr) return info;

    std::vector<Elf64_Dyn> entries;
    std::uint64_t string_table = 0, string_table_size = 0;
    bool have_string_table = false;
    for (std::uint64_t offset = dynamic->p_offset; offset - dynamic->p_offset + sizeof(Elf64_Dyn) <= dynamic->p_filesz;
         offset += sizeof(Elf64_Dyn)) {
        auto entry = read_at<Elf64_Dyn>(image, offset, "dynamic entry");
        if (entry.d_tag == DT_NULL) break;
        if (entry.d_tag == DT_STRTAB) {
            string_table = entry.d_un.d_ptr;
            have_string_table = true;
        } else if (entry.d_tag == DT_STRSZ) {
            string_table_size = entry.d_un.d_val;
        }
        entries.push_back(entry);
    }
    bool wants_strings = false;
    for (const auto& entry : entries) {
        wants_strings |= entry.d_tag == DT_NEEDED || entry.d_tag == DT_RPATH || entry.d_tag == DT_RUNPATH ||
                         entry.d_tag == DT_SONAME;
    }
    if (!wants_strings) return info;
    if (!have_string_table) throw ElfFormatError("dynamic section names strings but has no DT_STRTAB");
    std::uint64_t table = file_offset(string_table);
    if (table > image.size() || string_table_size > image.size() - table) {
        throw ElfFormatError("DT_STRTAB out of bounds");
    }
    auto dynamic_string = [&](std::uint64_t index) {
        if (index >= string_table_size) throw ElfFormatError("dynamic string index out of bounds");
        return string_at(table + index, table + string_table_size);
    };
    for (const auto& entry : entries) {
        switch (entry.d_tag) {
            case DT_NEEDED:
                info.needed.push_back(dynamic_string(entry.d_un.d_val));
                break;
            case DT_RPATH:
                info.rpath = split_path_list(dynamic_string(entry.d_un.d_val));
                break;
            case DT_RUNPATH:
                info.runpath = split_path_list(dynamic_string(entry.d_un.d_val));
                break;
            case DT_SONAME:
                info.soname = dynamic_string(entry.d_un.d_val);
                break;
            default:
                break;
        }
    }
    return info;
}

std::optional<ElfDynamicInfo> read_elf_dynamic_info(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ElfFormatError("cannot read " + path.string());
    char magic[SELFMAG] = {};
    in.read(magic, SELFMAG);
    if (in.gcount() != SELFMAG || !looks_like_elf(std::span<const char>(magic, SELFMAG))) return std::nullopt;
    in.seekg(0);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return parse_elf_dynamic_info(bytes);
    } catch (const ElfFormatError& error) {
        throw ElfFormatError(path.string() + ": " + error.what());
    }
}

}  // namespace tessera::image
