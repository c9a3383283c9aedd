#include "exec/loader.h"

#include "arch/x86_64/cpu.h"
#include "exec/elf.h"
#include "exec/initial_stack.h"
#include "lib/allocator.h"
#include "lib/random.h"
#include "mm/address_space.h"
#include "mm/layout.h"

namespace exec {

lib::ErrorOr<LoadedProgram> load_program(mm::AddressSpace& space, const uint8_t* file, size_t size,
                                         const char* const* arguments, size_t argument_count,
                                         const char* const* environment, size_t environment_count,
                                         const char* executable_name) {
    ElfImage image = TRY(parse_elf(file, size));
    uint64_t base = image.position_independent ? pie_base - image.lowest_address : 0;

    for (size_t i = 0; i < image.segment_count; ++i) {
        const Segment& segment = image.segments[i];
        uint64_t start = (segment.virtual_address + base) & ~(mm::page_size - 1);
        uint64_t end = lib::align_up(segment.virtual_address + base + segment.memory_size, mm::page_size);
        TRY(space.add_region(start, end, segment.protection));
        // File bytes now; the rest of the segment (bss) is demand-zero.
        TRY(space.write(segment.virtual_address + base, file + segment.file_offset, segment.file_size));
    }
    space.break_start = space.break_end = image.highest_address + base;

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
    return LoadedProgram{image.entry + base, built.value().stack_pointer};
}

}  // namespace exec
