#include "exec/loader.h"

#include "arch/x86_64/cpu.h"
#include "exec/elf.h"
#include "exec/initial_stack.h"
#include "fs/vfs/file_bytes.h"
#include "fs/vfs/mount.h"
#include "fs/vfs/path.h"
#include "lib/allocator.h"
#include "lib/random.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "mm/memory_object.h"

namespace exec {

namespace {

// How much of a file is read for its headers (program headers and the
// interpreter path come right after the ELF header in practice).
constexpr size_t head_capacity = 8192;

// Copies length file bytes from offset to address (fresh private memory).
lib::Status copy_file_bytes(mm::AddressSpace& space, const FileImage& file, uint64_t address, uint64_t offset,
                            uint64_t length) {
    if (file.object == nullptr) return space.write(address, file.head + offset, length);
    auto* buffer = static_cast<uint8_t*>(lib::allocate(mm::page_size));
    if (buffer == nullptr) return lib::Error::no_memory;
    lib::Status status;
    for (uint64_t done = 0; done < length && !status.is_error();) {
        size_t chunk = lib::min<uint64_t>(mm::page_size, length - done);
        auto read = file.object->read(offset + done, buffer, chunk);
        status = read.is_error() ? lib::Status(read.error()) : space.write(address + done, buffer, read.value());
        if (!read.is_error() && read.value() < chunk) break;  // the file ends: the rest stays zero
        done += chunk;
    }
    lib::deallocate(buffer);
    return status;
}

lib::Status map_segments(mm::AddressSpace& space, const FileImage& file, const ElfImage& image, uint64_t base) {
    for (size_t i = 0; i < image.segment_count; ++i) {
        const Segment& segment = image.segments[i];
        uint64_t address = segment.virtual_address + base;
        uint64_t start = address & ~(mm::page_size - 1);
        uint64_t end = lib::align_up(address + segment.memory_size, mm::page_size);
        uint64_t file_end = address + segment.file_size;
        // With the file's pages, the segment maps them copy-on-write up to
        // its file bytes' end (the whole last page when it has no bss, as
        // Linux does); the page where bss begins and those after are
        // private memory, the file bytes copied into it. Without, every
        // byte is copied.
        uint64_t mapped_end = start;
        if (file.object != nullptr) {
            mapped_end = segment.memory_size == segment.file_size ? lib::align_up(file_end, mm::page_size)
                                                                  : file_end & ~(mm::page_size - 1);
        }
        if (mapped_end > start) {
            mm::Region region{start, mapped_end, segment.protection};
            region.object = file.object;
            region.object_offset = segment.file_offset & ~(mm::page_size - 1);
            TRY(space.add_mapping(region));
        }
        if (end > mapped_end) {
            TRY(space.add_region(mapped_end, end, segment.protection));
            uint64_t copy_from = lib::max(mapped_end, address);
            if (file_end > copy_from) {
                TRY(copy_file_bytes(space, file, copy_from, segment.file_offset + (copy_from - address),
                                    file_end - copy_from));
            }
        }
    }
    return lib::ok();
}

// A file's head (and memory object) for loading; the whole file, copied,
// when its headers do not fit the head.
struct OpenedImage {
    FileImage image;
    uint8_t* head = nullptr;
    fs::FileBytes whole = fs::FileBytes::empty();
    OpenedImage() = default;
    OpenedImage(const OpenedImage&) = delete;
    ~OpenedImage() { lib::deallocate(head); }

    lib::Status open(fs::Vnode& node) {
        if (node.is_directory()) return lib::Error::is_directory;
        if (!node.is_regular()) return lib::Error::access_denied;
        mm::MemoryObject* object = TRY(node.memory_object());
        uint64_t size = object->size();
        size_t wanted = lib::min<uint64_t>(size, head_capacity);
        head = static_cast<uint8_t*>(lib::allocate(wanted > 0 ? wanted : 1));
        if (head == nullptr) return lib::Error::no_memory;
        size_t got = TRY(object->read(0, head, wanted));
        image = FileImage{head, got, size, object};
        if (got < size && parse_elf(head, got, size).is_error()) {
            whole = TRY(fs::FileBytes::read(node));
            image = FileImage{whole.data(), whole.size(), whole.size(), nullptr};
        }
        return lib::ok();
    }
};

}  // namespace

lib::ErrorOr<lib::StringView> interpreter_path(const FileImage& file) {
    ElfImage image = TRY(parse_elf(file.head, file.head_size, file.size));
    if (image.interpreter_length == 0) return lib::StringView();
    return lib::StringView(reinterpret_cast<const char*>(file.head + image.interpreter_offset),
                           image.interpreter_length);
}

lib::ErrorOr<LoadedProgram> load_program(mm::AddressSpace& space, const FileImage& program,
                                         const FileImage& interpreter, const char* const* arguments,
                                         size_t argument_count, const char* const* environment,
                                         size_t environment_count, const char* executable_name) {
    ElfImage image = TRY(parse_elf(program.head, program.head_size, program.size));
    bool dynamic = image.interpreter_length != 0;
    ElfImage loader;
    if (dynamic) {
        loader = TRY(parse_elf(interpreter.head, interpreter.head_size, interpreter.size));
        // The loader must be self-contained.
        if (loader.interpreter_length != 0) return lib::Error::not_executable;
    }
    uint64_t base = image.position_independent ? pie_base - image.lowest_address : 0;
    TRY(map_segments(space, program, image, base));
    space.break_start = space.break_end = image.highest_address + base;

    uint64_t entry = image.entry + base;
    uint64_t loader_base = 0;
    if (dynamic) {
        uint64_t slide = 0;
        lib::random_bytes(&slide, sizeof slide);
        uint64_t chosen = interpreter_area + (slide % (interpreter_span / mm::page_size)) * mm::page_size;
        uint64_t loader_bias = loader.position_independent ? chosen - loader.lowest_address : 0;
        TRY(map_segments(space, interpreter, loader, loader_bias));
        loader_base = loader.lowest_address + loader_bias;
        entry = loader.entry + loader_bias;
    }

    TRY(space.add_region(stack_top - stack_size, stack_top, mm::protection_read | mm::protection_write));
    StackRequest request{};
    request.arguments = arguments;
    request.argument_count = argument_count;
    request.environment = environment;
    request.environment_count = environment_count;
    request.executable_name = executable_name;
    lib::random_bytes(request.random, sizeof request.random);
    request.program_headers = image.program_headers_address + base;
    request.program_header_count = image.program_header_count;
    request.program_header_size = image.program_header_size;
    request.entry = image.entry + base;
    request.interpreter_base = loader_base;
    request.hwcap = arch::cpuid(1).edx;

    constexpr size_t buffer_size = 64 * 1024;  // arguments and environment must fit
    auto* buffer = static_cast<uint8_t*>(lib::allocate(buffer_size));
    if (buffer == nullptr) return lib::Error::no_memory;
    auto built = build_initial_stack(request, buffer, buffer_size, stack_top);
    if (built.is_error()) {
        lib::deallocate(buffer);
        return built.error();
    }
    lib::Status written =
        space.write(built.value().stack_pointer, buffer + buffer_size - built.value().used, built.value().used);
    lib::deallocate(buffer);
    TRY(written);
    return LoadedProgram{entry, built.value().stack_pointer};
}

lib::ErrorOr<LoadedProgram> load_executable(mm::AddressSpace& space, fs::Vnode& program,
                                            const char* const* arguments, size_t argument_count,
                                            const char* const* environment, size_t environment_count,
                                            const char* executable_name) {
    OpenedImage opened;
    TRY(opened.open(program));
    lib::StringView path = TRY(interpreter_path(opened.image));
    OpenedImage interpreter;
    if (!path.empty()) {
        fs::Vnode* root = fs::root_vnode();
        fs::VnodeReference node = TRY(fs::resolve(fs::Lookup{root, root, true}, path));
        TRY(interpreter.open(*node));
    }
    return load_program(space, opened.image, interpreter.image, arguments, argument_count, environment,
                        environment_count, executable_name);
}

}  // namespace exec
