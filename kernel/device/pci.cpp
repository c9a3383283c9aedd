#include "device/pci.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "console/log.h"
#include "device/acpi.h"
#include "mm/layout.h"
#include "mm/physical.h"

namespace device {
namespace {

constexpr uint32_t config_vendor = 0x00, config_command = 0x04, config_revision = 0x08, config_header = 0x0E,
                   config_bar0 = 0x10, config_subsystem = 0x2C, config_rom = 0x30, config_capabilities = 0x34,
                   config_interrupt_pin = 0x3D;
constexpr uint16_t command_io = 1 << 0, command_memory = 1 << 1, command_bus_master = 1 << 2,
                   command_intx_disable = 1 << 10;
constexpr uint8_t capability_msix = 0x11;
constexpr uint16_t msix_enable = 1 << 15, msix_function_mask = 1 << 14;

// Where unassigned BARs go: the 32-bit PCI hole above q35's ECAM window
// and below the IOAPIC, and the upper half of the 16-bit port space. The
// physmap maps this range uncached, so the kernel reaches MSI-X tables
// there without a mapping of its own.
constexpr uint64_t memory_window_start = 0xC0000000ull, memory_window_end = 0xFEC00000ull;
constexpr uint64_t io_window_start = 0xC000, io_window_end = 0x10000;

EcamRange ecam;
bool have_ecam = false;

PciFunction functions[native::max_pci_functions];
size_t function_count = 0;

uint32_t raw_read(uint32_t address, uint32_t offset, uint32_t width) {
    uint32_t bus = address >> 8;
    if (have_ecam) {
        uint64_t physical = ecam.base + ((uint64_t(bus - ecam.start_bus) << 20) | (uint64_t(address & 0xFF) << 12) | offset);
        volatile void* pointer = mm::physical_to_virtual(physical);
        if (width == 1) return *static_cast<volatile uint8_t*>(pointer);
        if (width == 2) return *static_cast<volatile uint16_t*>(pointer);
        return *static_cast<volatile uint32_t*>(pointer);
    }
    arch::outl(0xCF8, 0x80000000u | address << 8 | (offset & 0xFC));
    uint16_t port = static_cast<uint16_t>(0xCFC + (offset & 3));
    if (width == 1) return arch::inb(port);
    if (width == 2) return arch::inw(port);
    return arch::inl(port);
}

void raw_write(uint32_t address, uint32_t offset, uint32_t width, uint32_t value) {
    uint32_t bus = address >> 8;
    if (have_ecam) {
        uint64_t physical = ecam.base + ((uint64_t(bus - ecam.start_bus) << 20) | (uint64_t(address & 0xFF) << 12) | offset);
        volatile void* pointer = mm::physical_to_virtual(physical);
        if (width == 1) *static_cast<volatile uint8_t*>(pointer) = static_cast<uint8_t>(value);
        else if (width == 2) *static_cast<volatile uint16_t*>(pointer) = static_cast<uint16_t>(value);
        else *static_cast<volatile uint32_t*>(pointer) = value;
        return;
    }
    arch::outl(0xCF8, 0x80000000u | address << 8 | (offset & 0xFC));
    uint16_t port = static_cast<uint16_t>(0xCFC + (offset & 3));
    if (width == 1) arch::outb(port, static_cast<uint8_t>(value));
    else if (width == 2) arch::outw(port, static_cast<uint16_t>(value));
    else arch::outl(port, value);
}

// Sizes every BAR of a type-0 header: with decoding off, write all ones
// and read back which bits stick.
void size_bars(PciFunction& function) {
    uint32_t address = function.info.address;
    uint16_t command = static_cast<uint16_t>(raw_read(address, config_command, 2));
    raw_write(address, config_command, 2, command & ~(command_io | command_memory));
    for (uint32_t index = 0; index < 6; ++index) {
        uint32_t offset = config_bar0 + index * 4;
        uint32_t original = raw_read(address, offset, 4);
        raw_write(address, offset, 4, 0xFFFFFFFF);
        uint32_t mask = raw_read(address, offset, 4);
        raw_write(address, offset, 4, original);
        native::PciBar& bar = function.info.bars[index];
        if (mask == 0 || mask == 0xFFFFFFFF) continue;
        if (original & 1) {
            uint32_t size = ~(mask & 0xFFFFFFFC) + 1;
            bar = {original & 0xFFFFFFFC, size & 0xFFFF, native::bar_flag_present | native::bar_flag_io, 0};
            continue;
        }
        bool is_64bit = ((original >> 1) & 3) == 2 && index < 5;
        uint64_t base = original & 0xFFFFFFF0;
        uint64_t size_mask = mask & 0xFFFFFFF0;
        if (is_64bit) {
            uint32_t high_original = raw_read(address, offset + 4, 4);
            raw_write(address, offset + 4, 4, 0xFFFFFFFF);
            uint32_t high_mask = raw_read(address, offset + 4, 4);
            raw_write(address, offset + 4, 4, high_original);
            base |= uint64_t(high_original) << 32;
            size_mask |= uint64_t(high_mask) << 32;
        } else {
            size_mask |= 0xFFFFFFFF00000000ull;
        }
        uint32_t flags = native::bar_flag_present | (is_64bit ? native::bar_flag_64bit : 0) |
                         ((original & 8) ? native::bar_flag_prefetchable : 0);
        bar = {base, ~size_mask + 1, flags, 0};
        if (is_64bit) ++index;  // the upper half is not a BAR of its own
    }
    raw_write(address, config_command, 2, command);
}

bool overlaps_assigned(uint64_t start, uint64_t size, bool io) {
    for (size_t f = 0; f < function_count; ++f) {
        for (const native::PciBar& bar : functions[f].info.bars) {
            if (bar.address == 0 || ((bar.flags & native::bar_flag_io) != 0) != io) continue;
            if (start < bar.address + bar.size && bar.address < start + size) return true;
        }
    }
    return false;
}

// Places a BAR naturally aligned in its window, past every BAR already
// assigned (the firmware's included). 0 when the window is full.
uint64_t place(uint64_t size, bool io) {
    uint64_t start = io ? io_window_start : memory_window_start;
    uint64_t end = io ? io_window_end : memory_window_end;
    uint64_t alignment = size < 4096 && !io ? 4096 : size;  // whole pages, so BARs map alone
    for (uint64_t candidate = (start + alignment - 1) & ~(alignment - 1); candidate + size <= end;
         candidate += alignment) {
        if (!overlaps_assigned(candidate, lib::max(size, alignment), io)) return candidate;
    }
    return 0;
}

void assign_bars(PciFunction& function) {
    uint32_t address = function.info.address;
    uint16_t command = static_cast<uint16_t>(raw_read(address, config_command, 2));
    // Largest first keeps the natural alignments packed.
    for (;;) {
        int largest = -1;
        for (int i = 0; i < 6; ++i) {
            const native::PciBar& bar = function.info.bars[i];
            if ((bar.flags & native::bar_flag_present) && bar.address == 0 &&
                (largest < 0 || bar.size > function.info.bars[largest].size))
                largest = i;
        }
        if (largest < 0) break;
        native::PciBar& bar = function.info.bars[largest];
        bool io = bar.flags & native::bar_flag_io;
        uint64_t placed = place(bar.size, io);
        if (placed == 0) {
            console::log("pci: no room for BAR%d (%lu bytes) of %02x:%02x.%x; left off\n", largest, bar.size,
                         address >> 8, (address >> 3) & 31, address & 7);
            bar.flags = 0;
            bar.size = 0;
            continue;
        }
        bar.address = placed;
        uint32_t offset = config_bar0 + largest * 4;
        uint32_t low = raw_read(address, offset, 4) & (io ? 3 : 0xF);
        raw_write(address, offset, 4, low | static_cast<uint32_t>(placed));
        if (bar.flags & native::bar_flag_64bit) raw_write(address, offset + 4, 4, 0);
    }
    bool has_io = false, has_memory = false;
    for (const native::PciBar& bar : function.info.bars) {
        if (!(bar.flags & native::bar_flag_present)) continue;
        (bar.flags & native::bar_flag_io ? has_io : has_memory) = true;
    }
    command |= (has_io ? command_io : 0) | (has_memory ? command_memory : 0);
    raw_write(address, config_command, 2, command);
}

void find_msix(PciFunction& function) {
    uint32_t address = function.info.address;
    uint16_t status = static_cast<uint16_t>(raw_read(address, 0x06, 2));
    if ((status & (1 << 4)) == 0) return;  // no capability list
    uint32_t pointer = raw_read(address, config_capabilities, 1) & 0xFC;
    for (int hops = 0; pointer >= 0x40 && hops < 48; ++hops) {
        uint32_t id = raw_read(address, pointer, 1);
        if (id == capability_msix) {
            uint16_t control = static_cast<uint16_t>(raw_read(address, pointer + 2, 2));
            uint32_t table = raw_read(address, pointer + 4, 4);
            uint32_t pba = raw_read(address, pointer + 8, 4);
            function.msix_capability = static_cast<uint8_t>(pointer);
            function.info.msix_vectors = static_cast<uint16_t>((control & 0x7FF) + 1);
            function.msix_table_bar = table & 7;
            function.msix_table_offset = table & ~7u;
            function.msix_pba_bar = pba & 7;
            return;
        }
        pointer = raw_read(address, pointer + 1, 1) & 0xFC;
    }
}

void probe(uint32_t address) {
    uint32_t ids = raw_read(address, config_vendor, 4);
    if (function_count == native::max_pci_functions) {
        console::log("pci: more than %lu functions; the rest are ignored\n", native::max_pci_functions);
        return;
    }
    PciFunction& function = functions[function_count];
    native::PciDeviceInfo& info = function.info;
    info.address = address;
    info.vendor_id = static_cast<uint16_t>(ids);
    info.device_id = static_cast<uint16_t>(ids >> 16);
    uint32_t class_revision = raw_read(address, config_revision, 4);
    info.revision = static_cast<uint8_t>(class_revision);
    info.programming_interface = static_cast<uint8_t>(class_revision >> 8);
    info.subclass = static_cast<uint8_t>(class_revision >> 16);
    info.class_code = static_cast<uint8_t>(class_revision >> 24);
    info.config_size = have_ecam ? 4096 : 256;
    uint8_t header = static_cast<uint8_t>(raw_read(address, config_header, 1));
    if ((header & 0x7F) == 0) {
        uint32_t subsystem = raw_read(address, config_subsystem, 4);
        info.subsystem_vendor_id = static_cast<uint16_t>(subsystem);
        info.subsystem_id = static_cast<uint16_t>(subsystem >> 16);
        info.interrupt_pin = static_cast<uint8_t>(raw_read(address, config_interrupt_pin, 1));
        size_bars(function);
        find_msix(function);
    }
    ++function_count;
}

}  // namespace

void init_pci() {
    have_ecam = find_ecam(ecam);
    if (have_ecam) {
        mm::set_physmap_uncached(ecam.base, (uint64_t(ecam.end_bus) - ecam.start_bus + 1) << 20);
        console::log("pci: ECAM at 0x%lx, buses %u-%u\n", ecam.base, ecam.start_bus, ecam.end_bus);
    } else {
        console::log("pci: no MCFG; configuration through ports 0xCF8/0xCFC\n");
    }
    uint32_t last_bus = have_ecam ? ecam.end_bus : 255;
    uint32_t first_bus = have_ecam ? ecam.start_bus : 0;
    for (uint32_t bus = first_bus; bus <= last_bus; ++bus) {
        for (uint32_t slot = 0; slot < 32; ++slot) {
            uint32_t address = native::pci_address(bus, slot, 0);
            if (static_cast<uint16_t>(raw_read(address, config_vendor, 2)) == 0xFFFF) continue;
            bool multifunction = raw_read(address, config_header, 1) & 0x80;
            for (uint32_t fn = 0; fn < (multifunction ? 8u : 1u); ++fn) {
                uint32_t candidate = native::pci_address(bus, slot, fn);
                if (static_cast<uint16_t>(raw_read(candidate, config_vendor, 2)) != 0xFFFF) probe(candidate);
            }
        }
    }
    // Assign only after every firmware assignment is known.
    for (size_t i = 0; i < function_count; ++i) assign_bars(functions[i]);
    for (size_t i = 0; i < function_count; ++i) {
        const native::PciDeviceInfo& info = functions[i].info;
        console::log("pci: %02x:%02x.%x %04x:%04x class %02x.%02x", info.address >> 8, (info.address >> 3) & 31,
                     info.address & 7, info.vendor_id, info.device_id, info.class_code, info.subclass);
        for (int b = 0; b < 6; ++b) {
            const native::PciBar& bar = info.bars[b];
            if (bar.flags & native::bar_flag_present)
                console::log(" bar%d %s 0x%lx+0x%lx", b, bar.flags & native::bar_flag_io ? "io" : "mem", bar.address,
                             bar.size);
        }
        if (info.msix_vectors) console::log(" msix %u", info.msix_vectors);
        console::log("\n");
    }
}

size_t pci_function_count() {
    return function_count;
}

PciFunction& pci_function(size_t index) {
    return functions[index];
}

PciFunction* find_pci_function(uint32_t address) {
    for (size_t i = 0; i < function_count; ++i) {
        if (functions[i].info.address == address) return &functions[i];
    }
    return nullptr;
}

uint32_t pci_config_read(const PciFunction& function, uint32_t offset, uint32_t width) {
    return raw_read(function.info.address, offset, width);
}

void pci_config_write(const PciFunction& function, uint32_t offset, uint32_t width, uint32_t value) {
    raw_write(function.info.address, offset, width, value);
}

bool pci_config_writable_by_driver(const PciFunction& function, uint32_t offset, uint32_t width) {
    auto overlaps = [&](uint32_t start, uint32_t length) { return offset < start + length && start < offset + width; };
    if (overlaps(config_bar0, 24) || overlaps(config_rom, 4)) return false;
    if (function.msix_capability && overlaps(function.msix_capability, 12)) return false;
    return true;
}

void pci_set_bus_master(const PciFunction& function, bool enabled) {
    uint16_t command = static_cast<uint16_t>(raw_read(function.info.address, config_command, 2));
    command = enabled ? command | command_bus_master : command & ~command_bus_master;
    raw_write(function.info.address, config_command, 2, command);
}

namespace {

volatile uint32_t* msix_entry(const PciFunction& function, uint32_t entry) {
    const native::PciBar& bar = function.info.bars[function.msix_table_bar];
    uint64_t physical = bar.address + function.msix_table_offset + entry * 16;
    return static_cast<volatile uint32_t*>(mm::physical_to_virtual(physical));
}

}  // namespace

lib::Status pci_enable_msix_entry(PciFunction& function, uint32_t entry, uint8_t vector) {
    if (function.msix_capability == 0) return lib::Error::not_supported;
    if (entry >= function.info.msix_vectors) return lib::Error::out_of_range;
    const native::PciBar& bar = function.info.bars[function.msix_table_bar];
    if (!(bar.flags & native::bar_flag_present) || (bar.flags & native::bar_flag_io) ||
        bar.address + bar.size > 0x100000000ull || function.msix_table_offset + (entry + 1) * 16 > bar.size)
        return lib::Error::not_supported;
    // Fixed delivery, edge triggered, to this (the only) CPU's local APIC.
    uint32_t apic_id = arch::cpuid(1).ebx >> 24;
    volatile uint32_t* slot = msix_entry(function, entry);
    slot[3] = 1;  // masked while it changes
    slot[0] = 0xFEE00000u | apic_id << 12;
    slot[1] = 0;
    slot[2] = vector;
    slot[3] = 0;
    uint32_t address = function.info.address;
    uint16_t control = static_cast<uint16_t>(raw_read(address, function.msix_capability + 2, 2));
    raw_write(address, function.msix_capability + 2, 2, (control | msix_enable) & ~msix_function_mask);
    uint16_t command = static_cast<uint16_t>(raw_read(address, config_command, 2));
    raw_write(address, config_command, 2, command | command_intx_disable);
    return lib::ok();
}

void pci_mask_msix_entry(PciFunction& function, uint32_t entry) {
    if (function.msix_capability == 0 || entry >= function.info.msix_vectors) return;
    msix_entry(function, entry)[3] = 1;
}

}  // namespace device
