#include "mm/paging.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "mm/layout.h"
#include "mm/physical.h"

extern "C" uint64_t boot_pml4[512];

namespace mm {

uint64_t* kernel_pml4() {
    return boot_pml4;
}

uint64_t kernel_pml4_physical() {
    return reinterpret_cast<uint64_t>(boot_pml4) - KERNEL_VIRTUAL_BASE;
}

lib::ErrorOr<uint64_t*> find_entry(uint64_t pml4_physical, uint64_t virtual_address, bool create) {
    auto* table = static_cast<uint64_t*>(physical_to_virtual(pml4_physical));
    for (int level = 3; level > 0; --level) {
        uint64_t index = (virtual_address >> (12 + 9 * level)) & 511;
        uint64_t entry = table[index];
        if ((entry & page_present) == 0) {
            if (!create) return static_cast<uint64_t*>(nullptr);
            uint64_t fresh = TRY(allocate_frame());
            // Intermediate entries are permissive; the leaf decides.
            entry = fresh | page_present | page_writable | page_user;
            table[index] = entry;
        }
        if (entry & page_huge) return static_cast<uint64_t*>(nullptr);
        table = static_cast<uint64_t*>(physical_to_virtual(entry & page_address_mask));
    }
    return &table[(virtual_address >> 12) & 511];
}

uint64_t* find_existing_entry(uint64_t pml4_physical, uint64_t virtual_address, uint64_t* skip_to) {
    auto* table = static_cast<uint64_t*>(physical_to_virtual(pml4_physical));
    for (int level = 3; level > 0; --level) {
        int shift = 12 + 9 * level;
        uint64_t entry = table[(virtual_address >> shift) & 511];
        if ((entry & page_present) == 0 || (entry & page_huge)) {
            uint64_t span = 1ull << shift;
            *skip_to = (virtual_address & ~(span - 1)) + span;
            return nullptr;
        }
        table = static_cast<uint64_t*>(physical_to_virtual(entry & page_address_mask));
    }
    return &table[(virtual_address >> 12) & 511];
}

void init_page_attributes() {
    // Reset value 0x0007040600070406: WB, WT, UC-, UC twice; WT (04) -> WC (01).
    arch::write_msr(arch::msr_pat, 0x0007010600070106ull);
}

void remove_boot_identity_map() {
    boot_pml4[0] = 0;
    arch::write_cr3(arch::read_cr3());
}

}  // namespace mm
