#include "device/acpi.h"

#include "console/log.h"
#include "lib/string.h"
#include "mm/layout.h"

namespace device {
namespace {

// Tables must lie in the part of physical memory the physmap covers below
// 4 GiB (where firmware puts them); anything else is treated as malformed.
constexpr uint64_t table_limit = 0x100000000ull;

struct [[gnu::packed]] Rsdp {
    char signature[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;  // revision >= 2 from here on
    uint64_t xsdt;
    uint8_t extended_checksum;
    uint8_t reserved[3];
};

struct [[gnu::packed]] TableHeader {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem[6];
    char oem_table[8];
    uint32_t oem_revision;
    uint32_t creator;
    uint32_t creator_revision;
};

struct [[gnu::packed]] McfgEntry {
    uint64_t base;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t reserved;
};

const uint8_t* physical(uint64_t address) {
    return static_cast<const uint8_t*>(mm::physical_to_virtual(address));
}

bool sums_to_zero(const uint8_t* bytes, uint64_t length) {
    uint8_t sum = 0;
    for (uint64_t i = 0; i < length; ++i) sum = static_cast<uint8_t>(sum + bytes[i]);
    return sum == 0;
}

const Rsdp* scan_for_rsdp(uint64_t start, uint64_t length) {
    for (uint64_t address = start; address + sizeof(Rsdp) <= start + length; address += 16) {
        const uint8_t* bytes = physical(address);
        if (lib::compare_bytes(bytes, "RSD PTR ", 8) != 0 || !sums_to_zero(bytes, 20)) continue;
        return reinterpret_cast<const Rsdp*>(bytes);
    }
    return nullptr;
}

const Rsdp* find_rsdp() {
    // The EBDA's segment is at 0x40E in the BIOS data area.
    uint64_t ebda = uint64_t(*reinterpret_cast<const uint16_t*>(physical(0x40E))) << 4;
    if (ebda >= 0x80000 && ebda < 0xA0000) {
        if (const Rsdp* rsdp = scan_for_rsdp(ebda, 1024)) return rsdp;
    }
    return scan_for_rsdp(0xE0000, 0x20000);
}

const TableHeader* checked_table(uint64_t address) {
    if (address == 0 || address + sizeof(TableHeader) > table_limit) return nullptr;
    auto* header = reinterpret_cast<const TableHeader*>(physical(address));
    if (header->length < sizeof(TableHeader) || address + header->length > table_limit) return nullptr;
    if (!sums_to_zero(reinterpret_cast<const uint8_t*>(header), header->length)) return nullptr;
    return header;
}

const TableHeader* find_table(const Rsdp& rsdp, const char signature[4]) {
    bool extended = rsdp.revision >= 2 && rsdp.xsdt != 0;
    const TableHeader* root = checked_table(extended ? rsdp.xsdt : rsdp.rsdt);
    if (root == nullptr) return nullptr;
    uint64_t entry_size = extended ? 8 : 4;
    uint64_t count = (root->length - sizeof(TableHeader)) / entry_size;
    const uint8_t* entries = reinterpret_cast<const uint8_t*>(root) + sizeof(TableHeader);
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t address = 0;
        lib::copy_bytes(&address, entries + i * entry_size, entry_size);
        const TableHeader* table = checked_table(address);
        if (table != nullptr && lib::compare_bytes(table->signature, signature, 4) == 0) return table;
    }
    return nullptr;
}

}  // namespace

bool find_ecam(EcamRange& range) {
    const Rsdp* rsdp = find_rsdp();
    if (rsdp == nullptr) {
        console::log("acpi: no RSDP\n");
        return false;
    }
    const TableHeader* mcfg = find_table(*rsdp, "MCFG");
    if (mcfg == nullptr) return false;
    // MCFG: the header, 8 reserved bytes, then the entries.
    uint64_t count = (mcfg->length - sizeof(TableHeader) - 8) / sizeof(McfgEntry);
    const auto* entries =
        reinterpret_cast<const McfgEntry*>(reinterpret_cast<const uint8_t*>(mcfg) + sizeof(TableHeader) + 8);
    for (uint64_t i = 0; i < count; ++i) {
        McfgEntry entry;
        lib::copy_bytes(&entry, &entries[i], sizeof entry);
        if (entry.segment != 0 || entry.start_bus > entry.end_bus || entry.base == 0) continue;
        uint64_t size = (uint64_t(entry.end_bus) - entry.start_bus + 1) << 20;
        if (entry.base + size > table_limit) {
            console::log("acpi: MCFG range at 0x%lx is outside the first 4 GiB; ignored\n", entry.base);
            continue;
        }
        range = {entry.base, entry.segment, entry.start_bus, entry.end_bus};
        return true;
    }
    return false;
}

}  // namespace device
