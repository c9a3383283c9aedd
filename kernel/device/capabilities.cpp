#include "device/capabilities.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/timer.h"
#include "lib/allocator.h"
#include "mm/frame_allocator.h"
#include "mm/physical.h"
#include "mm/user_copy.h"
#include "object/readiness.h"

namespace device {
namespace {

constexpr uint32_t mode_character_device = 0020000 | 0600;
// Vectors for device interrupts: above the timer, below the spurious one.
constexpr uint8_t first_device_vector = 0x50, last_device_vector = 0xEF;

// Which interrupt file owns each vector. Only the interrupt handler and
// the (non-preempted) system calls that create and destroy interrupt files
// touch it, the latter with interrupts off.
InterruptFile* vector_owners[256];

using arch::InterruptsOff;

void on_device_interrupt(arch::TrapFrame& frame) {
    InterruptFile* owner = vector_owners[frame.vector & 0xFF];
    if (owner != nullptr) owner->signal();
    arch::acknowledge_interrupt();
}

}  // namespace

void init_device_interrupts() {
    for (uint32_t vector = first_device_vector; vector <= last_device_vector; ++vector)
        arch::set_irq_handler(static_cast<uint8_t>(vector), on_device_interrupt);
}

lib::ErrorOr<object::FileStatus> PciBusFile::status() {
    object::FileStatus status;
    status.mode = mode_character_device;
    return status;
}

PciDeviceFile::PciDeviceFile(PciFunction& function) : function_(function) {
    kind = object::FileKind::pci_device;
    function_.opened = true;
    pci_set_bus_master(function_, true);
}

PciDeviceFile::~PciDeviceFile() {
    // Without an IOMMU a device can write anywhere: stop it before its
    // driver's DMA memory can be freed and reused (the driver's other
    // descriptors close after this one when it dies).
    pci_set_bus_master(function_, false);
    function_.opened = false;
}

lib::ErrorOr<object::FileStatus> PciDeviceFile::status() {
    object::FileStatus status;
    status.mode = mode_character_device;
    status.rdev = function_.info.address;
    return status;
}

lib::ErrorOr<InterruptFile*> InterruptFile::create(PciFunction& function, uint32_t entry) {
    if (function.msix_capability == 0) return lib::Error::not_supported;
    if (entry >= function.info.msix_vectors || entry >= 64) return lib::Error::out_of_range;
    if (function.open_vectors & (1ull << entry)) return lib::Error::busy;
    InterruptsOff off;
    uint32_t vector = first_device_vector;
    while (vector <= last_device_vector && vector_owners[vector] != nullptr) ++vector;
    if (vector > last_device_vector) return lib::Error::no_space;
    auto* file = lib::make<InterruptFile>(function, entry, static_cast<uint8_t>(vector));
    if (file == nullptr) return lib::Error::no_memory;
    vector_owners[vector] = file;
    lib::Status enabled = pci_enable_msix_entry(function, entry, static_cast<uint8_t>(vector));
    if (enabled.is_error()) {
        vector_owners[vector] = nullptr;
        lib::destroy(file);
        return enabled.error();
    }
    function.open_vectors |= 1ull << entry;
    return file;
}

InterruptFile::~InterruptFile() {
    if (vector_owners[vector_] != this) return;  // create failed before taking the vector
    InterruptsOff off;
    pci_mask_msix_entry(function_, entry_);
    vector_owners[vector_] = nullptr;
    function_.open_vectors &= ~(1ull << entry_);
}

void InterruptFile::signal() {
    ++count_;
    (void)sched::wake(readers_, 1 << 30);
    readiness.notify(object::poll_in | object::poll_read_normal);
}

lib::ErrorOr<size_t> InterruptFile::read(uint64_t user_address, size_t length) {
    if (length < sizeof(uint64_t)) return lib::Error::invalid_argument;
    uint64_t count;
    {
        // The check and the sleep with interrupts off: an interrupt in
        // between would otherwise wake nobody.
        InterruptsOff off;
        while (count_ == 0) {
            if (status_flags & object::open_nonblocking) return lib::Error::try_again;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            (void)sched::block_on(readers_, 0);
        }
        count = count_;
        count_ = 0;
    }
    auto copied = mm::copy_to_user(user_address, &count, sizeof count);
    if (copied.is_error()) {
        InterruptsOff off;
        count_ += count;  // not consumed after all
        return copied.error();
    }
    return sizeof count;
}

uint32_t InterruptFile::ready_events() {
    return __atomic_load_n(&count_, __ATOMIC_RELAXED) ? object::poll_in | object::poll_read_normal : 0;
}

lib::ErrorOr<object::FileStatus> InterruptFile::status() {
    object::FileStatus status;
    status.mode = mode_character_device;
    return status;
}

lib::ErrorOr<DmaFile*> DmaFile::create(uint64_t size) {
    uint64_t pages = size / mm::frame_size;
    uint64_t physical = TRY(mm::allocate_contiguous_frames(pages));
    auto* file = lib::make<DmaFile>(physical, size);
    if (file == nullptr) {
        mm::free_contiguous_frames(physical, pages);
        return lib::Error::no_memory;
    }
    return file;
}

DmaFile::~DmaFile() {
    // Each frame has its own reference count: mappings of this memory hold
    // references too, so a frame is freed when its last user is gone.
    for (uint64_t offset = 0; offset < size_; offset += mm::frame_size) mm::release_frame(physical_ + offset);
}

lib::ErrorOr<object::FileStatus> DmaFile::status() {
    object::FileStatus status;
    status.mode = mode_character_device;
    status.size = size_;
    return status;
}

}  // namespace device
