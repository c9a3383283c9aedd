// virtio-gpu 2D command layouts and numbers (virtio 1.2, section 5.7), for
// the driver (drivers/virtio-gpu) and the fake device (testing/).
#pragma once

#include <cstdint>

namespace tessera::virtio::gpu {

inline constexpr std::uint32_t cmd_get_display_info = 0x0100;
inline constexpr std::uint32_t cmd_resource_create_2d = 0x0101;
inline constexpr std::uint32_t cmd_resource_unref = 0x0102;
inline constexpr std::uint32_t cmd_set_scanout = 0x0103;
inline constexpr std::uint32_t cmd_resource_flush = 0x0104;
inline constexpr std::uint32_t cmd_transfer_to_host_2d = 0x0105;
inline constexpr std::uint32_t cmd_resource_attach_backing = 0x0106;
inline constexpr std::uint32_t cmd_update_cursor = 0x0300;
inline constexpr std::uint32_t cmd_move_cursor = 0x0301;
inline constexpr std::uint32_t resp_ok_nodata = 0x1100;
inline constexpr std::uint32_t resp_ok_display_info = 0x1101;
inline constexpr std::uint32_t resp_err_unspec = 0x1200;

inline constexpr std::uint32_t flag_fence = 1;
inline constexpr std::uint32_t event_display = 1;
inline constexpr std::uint32_t max_scanouts = 16;

// Formats: byte order in memory. XRGB8888 / ARGB8888 little-endian words
// are B, G, R, X/A bytes.
inline constexpr std::uint32_t format_b8g8r8a8 = 1;
inline constexpr std::uint32_t format_b8g8r8x8 = 2;

// Device configuration.
inline constexpr std::uint32_t config_events_read = 0;
inline constexpr std::uint32_t config_events_clear = 4;
inline constexpr std::uint32_t config_num_scanouts = 8;

struct CtrlHeader {
    std::uint32_t type;
    std::uint32_t flags;
    std::uint64_t fence_id;
    std::uint32_t ctx_id;
    std::uint8_t ring_idx;
    std::uint8_t padding[3];
};
static_assert(sizeof(CtrlHeader) == 24);

struct Rect {
    std::uint32_t x, y, width, height;
};

struct DisplayOne {
    std::uint32_t x, y, width, height;
    std::uint32_t enabled;
    std::uint32_t flags;
};

struct RespDisplayInfo {
    CtrlHeader header;
    DisplayOne modes[max_scanouts];
};
static_assert(sizeof(RespDisplayInfo) == 408);

struct ResourceCreate2d {
    CtrlHeader header;
    std::uint32_t resource_id;
    std::uint32_t format;
    std::uint32_t width;
    std::uint32_t height;
};

struct ResourceUnref {
    CtrlHeader header;
    std::uint32_t resource_id;
    std::uint32_t padding;
};

struct SetScanout {
    CtrlHeader header;
    Rect r;
    std::uint32_t scanout_id;
    std::uint32_t resource_id;
};

struct ResourceFlush {
    CtrlHeader header;
    Rect r;
    std::uint32_t resource_id;
    std::uint32_t padding;
};

struct TransferToHost2d {
    CtrlHeader header;
    Rect r;
    std::uint64_t offset;
    std::uint32_t resource_id;
    std::uint32_t padding;
};

struct MemEntry {
    std::uint64_t address;
    std::uint32_t length;
    std::uint32_t padding;
};

struct AttachBacking {
    CtrlHeader header;
    std::uint32_t resource_id;
    std::uint32_t nr_entries;
    MemEntry entry;  // one: our backing is always contiguous DMA memory
};

struct CursorPos {
    std::uint32_t scanout_id;
    std::uint32_t x;
    std::uint32_t y;
    std::uint32_t padding;
};

struct UpdateCursor {
    CtrlHeader header;
    CursorPos pos;
    std::uint32_t resource_id;
    std::uint32_t hot_x;
    std::uint32_t hot_y;
    std::uint32_t padding;
};
static_assert(sizeof(UpdateCursor) == 56);

}  // namespace tessera::virtio::gpu
