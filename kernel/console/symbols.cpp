#include "console/symbols.h"

#include "console/log.h"
#include "lib/format.h"

struct KernelSymbol {
    uint64_t address;
    uint64_t name_offset;
};

// From the generated kernel_symbols.S (empty in the first link).
extern "C" const uint64_t kernel_symbol_count;
extern "C" const KernelSymbol kernel_symbols[];
extern "C" const char kernel_symbol_names[];
extern "C" char __text_start[], __text_end[];

namespace console {
namespace {

constexpr int max_frames = 32;

bool in_text(uint64_t address) {
    return address >= reinterpret_cast<uint64_t>(__text_start) && address < reinterpret_cast<uint64_t>(__text_end);
}

}  // namespace

void symbolize(uint64_t address, char* buffer, size_t capacity) {
    if (!in_text(address) || kernel_symbol_count == 0) {
        lib::format_to(buffer, capacity, "?");
        return;
    }
    // The table is sorted by address: find the last symbol at or below it.
    uint64_t low = 0, high = kernel_symbol_count;
    while (high - low > 1) {
        uint64_t middle = (low + high) / 2;
        if (kernel_symbols[middle].address <= address)
            low = middle;
        else
            high = middle;
    }
    const KernelSymbol& symbol = kernel_symbols[low];
    if (symbol.address > address) {
        lib::format_to(buffer, capacity, "?");
        return;
    }
    lib::format_to(buffer, capacity, "%s+0x%lx", kernel_symbol_names + symbol.name_offset, address - symbol.address);
}

void print_backtrace(uint64_t rbp) {
    log("  backtrace:\n");
    char name[160];
    for (int depth = 0; depth < max_frames && rbp != 0; ++depth) {
        // Frame pointers must stay in the kernel half and be aligned, or the
        // walk itself could fault while reporting a fault.
        if (rbp < 0xFFFF800000000000ull || (rbp & 7) != 0) break;
        const auto* frame = reinterpret_cast<const uint64_t*>(rbp);
        uint64_t return_address = frame[1];
        if (!in_text(return_address)) break;
        symbolize(return_address, name, sizeof name);
        log("    #%d %016lx %s\n", depth, return_address, name);
        rbp = frame[0];
    }
}

}  // namespace console
