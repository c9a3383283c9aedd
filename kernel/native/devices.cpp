// The device capability calls (api/native.h, docs/protocols/native-calls.md).
// The rule: only init (pid 1) may open the PCI bus capability; every other
// capability is made from one the caller already holds, and any call given
// a descriptor of the wrong kind fails with EPERM, as does pci_bus_open
// from any other process.
#include "device/capabilities.h"
#include "lib/utility.h"
#include "mm/address_space.h"
#include "mm/frame_allocator.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/user_copy.h"
#include "native/native.h"
#include "object/readiness.h"
#include "sched/process.h"

namespace native {
namespace {

constexpr uint64_t o_nonblock = 04000, o_cloexec = 02000000;
// Mappings without a hint go below this, as mmap's do (linux/memory.cpp).
constexpr uint64_t map_top = 0x00007F0000000000ull;

// The file behind descriptor if it is a capability of kind; EPERM if it is
// another kind of file (the caller does not hold that capability).
lib::ErrorOr<object::FileReference> capability(uint64_t descriptor, object::FileKind kind) {
    auto file = TRY(linux::current_process().files.get(static_cast<int>(descriptor)));
    if (file->kind != kind) return lib::Error::not_permitted;
    return file;
}

// The function behind a device capability. PciFunctions live as long as
// the kernel, so the pointer outlives the descriptor.
lib::ErrorOr<device::PciFunction*> device_of(uint64_t descriptor) {
    auto file = TRY(capability(descriptor, object::FileKind::pci_device));
    return &static_cast<device::PciDeviceFile*>(file.get())->function();
}

// Installs file (taking its reference) with O_CLOEXEC/O_NONBLOCK from flags.
linux::Result install(object::File* file, uint64_t flags) {
    file->status_flags = static_cast<int>(flags & o_nonblock);
    auto descriptor = linux::current_process().files.install(file, (flags & o_cloexec) != 0);
    if (descriptor.is_error()) {
        file->release();
        return descriptor.error();
    }
    return static_cast<uint64_t>(descriptor.value());
}

lib::Status check_config_access(const device::PciFunction& function, uint64_t offset, uint64_t width) {
    if (width != 1 && width != 2 && width != 4) return lib::Error::invalid_argument;
    if (offset % width != 0 || offset + width > function.info.config_size) return lib::Error::invalid_argument;
    return lib::ok();
}

}  // namespace

linux::Result sys_pci_bus_open(const linux::Arguments& a) {
    if (linux::current_process().pid != 1) return lib::Error::not_permitted;
    if (a.a0 & ~(o_cloexec)) return lib::Error::invalid_argument;
    auto* bus = lib::make<device::PciBusFile>();
    if (bus == nullptr) return lib::Error::no_memory;
    return install(bus, a.a0);
}

// pci_list(fd, PciDeviceInfo* buffer, count): fills up to count entries and
// returns how many functions there are. With a device capability, that one.
linux::Result sys_pci_list(const linux::Arguments& a) {
    auto file = TRY(linux::current_process().files.get(static_cast<int>(a.a0)));
    if (file->kind == object::FileKind::pci_device) {
        device::PciFunction& function = static_cast<device::PciDeviceFile*>(file.get())->function();
        if (a.a2 > 0) TRY(mm::copy_to_user(a.a1, &function.info, sizeof function.info));
        return uint64_t(1);
    }
    if (file->kind != object::FileKind::pci_bus) return lib::Error::not_permitted;
    size_t total = device::pci_function_count();
    uint64_t wanted = lib::min<uint64_t>(a.a2, total);
    for (uint64_t i = 0; i < wanted; ++i) {
        const PciDeviceInfo& info = device::pci_function(i).info;
        TRY(mm::copy_to_user(a.a1 + i * sizeof(PciDeviceInfo), &info, sizeof info));
    }
    return static_cast<uint64_t>(total);
}

// pci_open(bus fd, address, flags): the device capability for one function.
// EBUSY while another capability for it exists.
linux::Result sys_pci_open(const linux::Arguments& a) {
    TRY(capability(a.a0, object::FileKind::pci_bus));
    if (a.a2 & ~(o_cloexec)) return lib::Error::invalid_argument;
    if (a.a1 > 0xFFFF) return lib::Error::not_found;
    device::PciFunction* function = device::find_pci_function(static_cast<uint32_t>(a.a1));
    if (function == nullptr) return lib::Error::not_found;
    if (function->opened) return lib::Error::busy;
    auto* file = lib::make<device::PciDeviceFile>(*function);
    if (file == nullptr) return lib::Error::no_memory;
    return install(file, a.a2);
}

// pci_config_read(device fd, offset, width) -> value.
linux::Result sys_pci_config_read(const linux::Arguments& a) {
    device::PciFunction* function = TRY(device_of(a.a0));
    TRY(check_config_access(*function, a.a1, a.a2));
    return static_cast<uint64_t>(device::pci_config_read(*function, static_cast<uint32_t>(a.a1), static_cast<uint32_t>(a.a2)));
}

// pci_config_write(device fd, offset, width, value). Writes to registers
// the kernel owns (BARs, expansion ROM, MSI-X capability) are dropped.
linux::Result sys_pci_config_write(const linux::Arguments& a) {
    device::PciFunction* function = TRY(device_of(a.a0));
    TRY(check_config_access(*function, a.a1, a.a2));
    uint32_t offset = static_cast<uint32_t>(a.a1), width = static_cast<uint32_t>(a.a2);
    if (device::pci_config_writable_by_driver(*function, offset, width))
        device::pci_config_write(*function, offset, width, static_cast<uint32_t>(a.a3));
    return uint64_t(0);
}

// pci_map_bar(device fd, bar, cache mode) -> address of the whole BAR
// (rounded up to pages) in the caller, readable and writable. The BAR
// holding the MSI-X table belongs to the kernel (EACCES).
linux::Result sys_pci_map_bar(const linux::Arguments& a) {
    device::PciFunction* function = TRY(device_of(a.a0));
    if (a.a1 >= 6) return lib::Error::invalid_argument;
    if (a.a2 != cache_uncached && a.a2 != cache_write_combining) return lib::Error::invalid_argument;
    const PciBar& bar = function->info.bars[a.a1];
    if (!(bar.flags & bar_flag_present) || (bar.flags & bar_flag_io) || bar.address == 0) return lib::Error::not_found;
    if (function->msix_capability && (a.a1 == function->msix_table_bar || a.a1 == function->msix_pba_bar))
        return lib::Error::access_denied;
    uint64_t length = lib::align_up(bar.size, mm::page_size);
    mm::AddressSpace& space = *linux::current_process().space;
    uint64_t start = TRY(space.find_free_range(length, map_top));
    uint64_t cache = a.a2 == cache_write_combining ? mm::page_write_combining : mm::page_uncached;
    TRY(space.map_physical(start, length, bar.address, mm::protection_read | mm::protection_write, cache, true));
    return start;
}

// interrupt_open(device fd, MSI-X entry, flags) -> interrupt fd.
linux::Result sys_interrupt_open(const linux::Arguments& a) {
    device::PciFunction* function = TRY(device_of(a.a0));
    if (a.a2 & ~(o_cloexec | o_nonblock)) return lib::Error::invalid_argument;
    if (a.a1 == interrupt_legacy) return lib::Error::not_supported;  // FIXME: INTx through the IOAPIC
    if (a.a1 > 0xFFFF) return lib::Error::invalid_argument;
    device::InterruptFile* file = TRY(device::InterruptFile::create(*function, static_cast<uint32_t>(a.a1)));
    return install(file, a.a2);
}

// dma_allocate(device fd, size, flags) -> DMA memory fd (size rounded up to
// pages, at most max_dma_size).
linux::Result sys_dma_allocate(const linux::Arguments& a) {
    TRY(device_of(a.a0));
    if (a.a2 & ~(o_cloexec)) return lib::Error::invalid_argument;
    if (a.a1 == 0 || a.a1 > max_dma_size) return lib::Error::invalid_argument;
    device::DmaFile* file = TRY(device::DmaFile::create(lib::align_up(a.a1, mm::page_size)));
    return install(file, a.a2);
}

// dma_physical_address(DMA fd) -> the physical (device) address of byte 0.
linux::Result sys_dma_physical_address(const linux::Arguments& a) {
    auto file = TRY(capability(a.a0, object::FileKind::dma_memory));
    return file->physical_range().physical;
}

}  // namespace native
