// Userspace wrappers for Tessera's native calls (kernel/api/native.h, the
// one list both sides include; docs/protocols/native-calls.md). Each returns
// what the call returns, or -1 with errno set, as glibc's syscall() does. On
// Linux the numbers do not exist and every call fails with ENOSYS.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

#include "api/native.h"

namespace tessera::native_calls {

using ::native::PciBar;
using ::native::PciDeviceInfo;

inline int pci_bus_open(int flags = 0) {
    return static_cast<int>(syscall(::native::number_pci_bus_open, flags));
}
// Fills up to count entries; returns how many functions there are.
inline long pci_list(int fd, PciDeviceInfo* out, std::size_t count) {
    return syscall(::native::number_pci_list, fd, out, count);
}
inline int pci_open(int bus_fd, std::uint32_t address, int flags = 0) {
    return static_cast<int>(syscall(::native::number_pci_open, bus_fd, address, flags));
}
inline long pci_config_read(int device_fd, std::uint32_t offset, std::uint32_t width) {
    return syscall(::native::number_pci_config_read, device_fd, offset, width);
}
inline long pci_config_write(int device_fd, std::uint32_t offset, std::uint32_t width, std::uint32_t value) {
    return syscall(::native::number_pci_config_write, device_fd, offset, width, value);
}
// The BAR mapped into this process; nullptr with errno on failure.
inline void* pci_map_bar(int device_fd, unsigned bar, std::uint64_t cache_mode = ::native::cache_uncached) {
    long address = syscall(::native::number_pci_map_bar, device_fd, bar, cache_mode);
    return address == -1 ? nullptr : reinterpret_cast<void*>(address);
}
inline int interrupt_open(int device_fd, std::uint32_t msix_entry, int flags = 0) {
    return static_cast<int>(syscall(::native::number_interrupt_open, device_fd, msix_entry, flags));
}
inline int dma_allocate(int device_fd, std::size_t size, int flags = 0) {
    return static_cast<int>(syscall(::native::number_dma_allocate, device_fd, size, flags));
}
// The physical address of a DMA buffer; 0 with errno on failure.
inline std::uint64_t dma_physical_address(int dma_fd) {
    long address = syscall(::native::number_dma_physical_address, dma_fd);
    return address == -1 ? 0 : static_cast<std::uint64_t>(address);
}

}  // namespace tessera::native_calls
