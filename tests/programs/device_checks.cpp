// device-checks: Tessera's device capability calls (kernel/api/native.h),
// run as init with virtio devices attached. Who may open the bus (only
// init: EPERM for a child), EPERM for descriptors of the wrong kind, EBADF
// for closed ones, one capability per device (EBUSY), config access and
// the dropped BAR writes, BAR mapping (and the MSI-X table's BAR refused),
// DMA memory shared with a child through its descriptor, interrupt fds.
// Tessera only: on Linux the numbers do not exist.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "native/calls.h"
#include "report.h"

namespace {

using namespace tessera::native_calls;
using tessera::programs::Report;

std::string error_text(long result) {
    return "returned " + std::to_string(result) + (result < 0 ? std::string(" ") + strerror(errno) : "");
}

// Runs body in a child and reports whether it exited 0.
template <typename Body>
bool in_child(Body body) {
    pid_t child = fork();
    if (child == 0) _exit(body() ? 0 : 1);
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main() {
    Report report("device-checks");

    report.check(in_child([] { return pci_bus_open() == -1 && errno == EPERM; }),
                 "pci_bus_open from a process other than init gives EPERM", "the child could open the bus");

    int bus = pci_bus_open(O_CLOEXEC);
    if (!report.check(bus >= 0, "init opens the PCI bus capability", error_text(bus))) return report.summarize() ? 0 : 1;

    std::vector<PciDeviceInfo> devices(64);
    long total = pci_list(bus, devices.data(), devices.size());
    report.check(total > 0, "pci_list lists functions", error_text(total));
    devices.resize(total > 0 ? static_cast<std::size_t>(total) : 0);
    const PciDeviceInfo* gpu = nullptr;
    for (const PciDeviceInfo& info : devices) {
        std::printf("device %02x:%02x.%x %04x:%04x class %02x msix %u\n", info.address >> 8, (info.address >> 3) & 31,
                    info.address & 7, info.vendor_id, info.device_id, info.class_code, info.msix_vectors);
        if (info.vendor_id == 0x1af4 && info.device_id == 0x1050) gpu = &info;
    }
    if (!report.check(gpu != nullptr, "the virtio-gpu function is listed", "not found"))
        return report.summarize() ? 0 : 1;

    long result = pci_list(bus, reinterpret_cast<PciDeviceInfo*>(8), 4);
    report.check(result == -1 && errno == EFAULT, "pci_list into a bad pointer gives EFAULT", error_text(result));
    result = pci_list(bus, nullptr, 0);
    report.check(result == total, "pci_list with count 0 only counts", error_text(result));
    result = syscall(native::native_base + 200);
    report.check(result == -1 && errno == ENOSYS, "an unknown native number gives ENOSYS", error_text(result));

    int fds[2];
    if (pipe(fds) != 0) return 1;
    result = pci_config_read(fds[0], 0, 4);
    report.check(result == -1 && errno == EPERM, "a pipe is no device capability (EPERM)", error_text(result));
    result = pci_config_read(bus, 0, 4);
    report.check(result == -1 && errno == EPERM, "the bus is no device capability (EPERM)", error_text(result));
    result = pci_config_read(77, 0, 4);
    report.check(result == -1 && errno == EBADF, "a closed descriptor gives EBADF", error_text(result));
    result = pci_open(fds[0], gpu->address);
    report.check(result == -1 && errno == EPERM, "pci_open needs the bus capability (EPERM)", error_text(result));
    result = pci_open(bus, 0xFFFF);
    report.check(result == -1 && errno == ENOENT, "pci_open of a missing function gives ENOENT", error_text(result));

    int device = pci_open(bus, gpu->address, O_CLOEXEC);
    report.check(device >= 0, "pci_open gives the device capability", error_text(device));
    result = pci_open(bus, gpu->address);
    report.check(result == -1 && errno == EBUSY, "a second capability for the same device gives EBUSY",
                 error_text(result));

    result = pci_config_read(device, 0, 4);
    report.check(result == (0x1050 << 16 | 0x1af4), "config read of the ids through the capability", error_text(result));
    result = pci_config_read(device, 3, 2);
    report.check(result == -1 && errno == EINVAL, "a misaligned config read gives EINVAL", error_text(result));
    result = pci_config_read(device, 4096, 4);
    report.check(result == -1 && errno == EINVAL, "a config read past the space gives EINVAL", error_text(result));
    long bar4 = pci_config_read(device, 0x20, 4);
    (void)pci_config_write(device, 0x20, 4, 0x12345000);
    report.check(pci_config_read(device, 0x20, 4) == bar4, "config writes to a BAR are dropped", "BAR4 changed");

    int index = -1;
    for (int i = 0; i < 6; ++i) {
        if ((gpu->bars[i].flags & native::bar_flag_present) && !(gpu->bars[i].flags & native::bar_flag_io) && i != 1)
            index = i;
    }
    void* bar = index >= 0 ? pci_map_bar(device, index) : nullptr;
    report.check(bar != nullptr, "pci_map_bar maps the virtio BAR", error_text(bar ? 0 : -1));
    if (bar) {
        volatile std::uint32_t* registers = static_cast<volatile std::uint32_t*>(bar);
        std::uint32_t value = registers[0];  // common config: device_feature_select
        report.check(value != 0xFFFFFFFF, "the mapped BAR reads device registers", std::to_string(value));
    }
    void* msix = pci_map_bar(device, 1);
    report.check(msix == nullptr && errno == EACCES, "the MSI-X table's BAR is the kernel's (EACCES)",
                 error_text(msix ? 0 : -1));
    report.check(pci_map_bar(device, 6) == nullptr && errno == EINVAL, "BAR 6 gives EINVAL", "mapped");

    int dma = dma_allocate(device, 8192);
    report.check(dma >= 0, "dma_allocate gives a DMA capability", error_text(dma));
    std::uint64_t physical = dma_physical_address(dma);
    report.check(physical != 0 && physical % 4096 == 0, "DMA memory has a page-aligned physical address",
                 std::to_string(physical));
    result = dma_allocate(device, 0);
    report.check(result == -1 && errno == EINVAL, "dma_allocate of 0 bytes gives EINVAL", error_text(result));
    result = dma_allocate(device, 1ull << 40);
    report.check(result == -1 && errno == EINVAL, "a huge dma_allocate gives EINVAL", error_text(result));
    result = dma_allocate(dma, 4096);
    report.check(result == -1 && errno == EPERM, "dma_allocate needs a device capability (EPERM)", error_text(result));
    void* private_map = mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, dma, 0);
    report.check(private_map == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE of DMA memory gives EINVAL", "mapped");
    void* too_long = mmap(nullptr, 3 * 4096, PROT_READ, MAP_SHARED, dma, 0);
    report.check(too_long == MAP_FAILED && errno == EINVAL, "mapping past the DMA buffer gives EINVAL", "mapped");
    auto* memory = static_cast<std::uint32_t*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, dma, 0));
    if (report.check(memory != MAP_FAILED, "mmap MAP_SHARED of DMA memory", strerror(errno))) {
        report.check(memory[0] == 0 && memory[2047] == 0, "DMA memory starts zeroed", "not zero");
        memory[0] = 0xC0FFEE;
        memory[2047] = 0xBEEF;
        // The child closes its device capability first: the memory is shared
        // through the DMA descriptor alone, mapped afresh in the child.
        bool shared = in_child([&] {
            close(device);
            auto* view = static_cast<std::uint32_t*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, dma, 0));
            if (view == MAP_FAILED || view[0] != 0xC0FFEE || view[2047] != 0xBEEF) return false;
            view[1] = 0xFEED;
            // The inherited mapping is shared too, not copied on write.
            memory[2] = 0xABCD;
            return true;
        });
        report.check(shared && memory[1] == 0xFEED && memory[2] == 0xABCD,
                     "a child maps the DMA memory through its descriptor and both see each other's writes",
                     "values " + std::to_string(memory[1]) + " " + std::to_string(memory[2]));
        munmap(memory, 8192);
    }
    close(dma);

    int interrupt = interrupt_open(device, 0, O_NONBLOCK | O_CLOEXEC);
    report.check(interrupt >= 0, "interrupt_open gives an interrupt fd for MSI-X entry 0", error_text(interrupt));
    result = interrupt_open(device, 0);
    report.check(result == -1 && errno == EBUSY, "the same MSI-X entry twice gives EBUSY", error_text(result));
    result = interrupt_open(device, 4000);
    report.check(result == -1 && errno == ERANGE, "an entry past the table gives ERANGE", error_text(result));
    pollfd entry{interrupt, POLLIN, 0};
    result = poll(&entry, 1, 0);
    report.check(result == 0, "an interrupt fd without interrupts is not readable", error_text(result));
    std::uint64_t count = 0;
    result = read(interrupt, &count, sizeof count);
    report.check(result == -1 && errno == EAGAIN, "a non-blocking read without interrupts gives EAGAIN",
                 error_text(result));
    result = read(interrupt, &count, 4);
    report.check(result == -1 && errno == EINVAL, "a read shorter than 8 bytes gives EINVAL", error_text(result));
    result = syscall(SYS_read, interrupt, 8, 8);
    report.check(result == -1 && (errno == EFAULT || errno == EAGAIN), "a read into a bad pointer fails cleanly",
                 error_text(result));
    close(interrupt);
    result = interrupt_open(device, 0);
    report.check(result >= 0, "closing an interrupt fd frees its entry", error_text(result));
    if (result >= 0) close(static_cast<int>(result));

    close(device);
    result = pci_open(bus, gpu->address);
    report.check(result >= 0, "closing the device capability lets it be opened again", error_text(result));
    if (result >= 0) close(static_cast<int>(result));
    close(bus);
    close(fds[0]);
    close(fds[1]);
    return report.summarize() ? 0 : 1;
}
