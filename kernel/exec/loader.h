// Loading a program into a fresh address space: the ELF segments, the
// program break after them, and the initial stack. A dynamic program
// (PT_INTERP) gets its loader (ld-linux-x86-64.so.2, itself ET_DYN)
// mapped too, at a randomized base; execution starts in the loader, which
// finds the program through AT_PHDR/AT_ENTRY and maps its libraries itself.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/string.h"

namespace mm {
class AddressSpace;
class MemoryObject;
}
namespace fs {
class Vnode;
}

namespace exec {

struct LoadedProgram {
    uint64_t entry;
    uint64_t stack_pointer;
};

// The user stack: 8 MiB below stack_top, demand-zero.
constexpr uint64_t stack_top = 0x00007FFFFFFFE000ull;
constexpr uint64_t stack_size = 8ull << 20;
// Where static-PIE programs go (Linux uses about 2/3 of the address space).
constexpr uint64_t pie_base = 0x0000555555554000ull;

// Where a dynamic program's loader goes: a random page-aligned base in
// [interpreter_area, interpreter_area + interpreter_span), between the
// mmap area (below 0x7F0000000000) and the stack.
constexpr uint64_t interpreter_area = 0x00007FE000000000ull;
constexpr uint64_t interpreter_span = 1ull << 30;

// An ELF file to load: its first head_size bytes (at least the headers)
// and, when object is set, its pages, which segments map copy-on-write
// instead of copying; without object, head is the whole file.
struct FileImage {
    const uint8_t* head = nullptr;
    size_t head_size = 0;
    uint64_t size = 0;
    mm::MemoryObject* object = nullptr;
};

// The loader a dynamic program names (PT_INTERP); empty for a static one.
lib::ErrorOr<lib::StringView> interpreter_path(const FileImage& file);

// Nothing in space is changed when the ELF is malformed (ENOEXEC): the
// image is validated before anything is mapped. interpreter is the file
// interpreter_path named (ignored for static programs).
lib::ErrorOr<LoadedProgram> load_program(mm::AddressSpace& space, const FileImage& program,
                                         const FileImage& interpreter,
                                         const char* const* arguments, size_t argument_count,
                                         const char* const* environment, size_t environment_count,
                                         const char* executable_name);

// load_program for a file in the tree, finding the loader a dynamic
// program names (ENOENT when it is missing, as on Linux).
lib::ErrorOr<LoadedProgram> load_executable(mm::AddressSpace& space, fs::Vnode& program,
                                            const char* const* arguments, size_t argument_count,
                                            const char* const* environment, size_t environment_count,
                                            const char* executable_name);

}  // namespace exec
