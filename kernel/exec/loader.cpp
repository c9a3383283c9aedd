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

namespace exec {

namespace {

lib::Status map_segments(mm::AddressSpace& space, const uint8_t* file, const ElfImage& image, uint64_t base) {
    for (size_t i = 0; i < image.segment_count; ++i) {
        const Segment& segment = image.segments[i];
        uint64_t start = (segment.virtual_address + base) & ~(mm::page_size - 1);
        uint64_t end = lib::align_up(segment.virtual_address + base + segment.memory_size, mm::page_size);
        TRY(space.add_region(start, end, segment.protection));
        // File bytes now; the rest of the segment (bss) is demand-zero.
        TRY(space.write(segment.virtual_address + base, file + segment.file_offset, segment.file_size));
    }
    return lib::ok();
}

}  // namespace

lib::ErrorOr<lib::StringView> interpreter_path(const uint8_t* file, size_t size) {
    ElfImage image = TRY(parse_elf(file, size));
    if (image.interpreter_length == 0) return lib::StringView();
    return lib::StringView(reinterpret_cast<const char*>(file + image.interpreter_offset), image.interpreter_length);
}

lib::ErrorOr<LoadedProgram> load_program(mm::AddressSpace& space, const uint8_t* file, size_t size,
                                         FileImage interpreter, const char* const* arguments,
                                         size_t argument_count, const char* const* environment,
                                         size_t environment_count, const char* executable_name) {
    ElfImage image = TRY(parse_elf(file, size));
    bool dynamic = image.interpreter_length != 0;
    ElfImage loader;
    if (dynamic) {
        loader = TRY(parse_elf(interpreter.data, interpreter.size));
        // The loader must be self-contained.
        if (loader.interpreter_length != 0) return lib::Error::not_executable;
    }
    uint64_t base = image.position_independent ? pie_base - image.lowest_address : 0;
    TRY(map_segments(space, file, image, base));
    space.break_start = space.break_end = image.highest_address + base;

    uint64_t entry = image.entry + base;
    uint64_t loader_base = 0;
    if (dynamic) {
        uint64_t slide = 0;
        lib::random_bytes(&slide, sizeof slide);
        uint64_t chosen = interpreter_area + (slide % (interpreter_span / mm::page_size)) * mm::page_size;
        uint64_t loader_bias = loader.position_independent ? chosen - loader.lowest_address : 0;
        TRY(map_segments(space, interpreter.data, loader, loader_bias));
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
    // The loader parses and copies from contiguous bytes: the files are
    // read out of their memory objects for the duration of the load.
    fs::FileBytes bytes = TRY(fs::FileBytes::read(program));
    lib::StringView path = TRY(interpreter_path(bytes.data(), bytes.size()));
    FileImage interpreter;
    fs::FileBytes interpreter_bytes = fs::FileBytes::empty();
    if (!path.empty()) {
        fs::Vnode* root = fs::root_vnode();
        fs::VnodeReference node = TRY(fs::resolve(fs::Lookup{root, root, true}, path));
        if (!node->is_regular()) return lib::Error::access_denied;
        interpreter_bytes = TRY(fs::FileBytes::read(*node));
        interpreter = FileImage{interpreter_bytes.data(), interpreter_bytes.size()};
    }
    return load_program(space, bytes.data(), bytes.size(), interpreter, arguments, argument_count, environment,
                        environment_count, executable_name);
}

}  // namespace exec
