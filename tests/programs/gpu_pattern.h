// The picture gpu-pattern draws (gpu_pattern.cpp), shared with the system
// test that compares QMP screendumps against it pixel for pixel.
#pragma once

#include <cstdint>

namespace gpu_pattern {

// XRGB8888: every channel varies with x and y so that an offset, a stride
// or a channel-order mistake shows.
constexpr std::uint32_t pattern(std::uint32_t x, std::uint32_t y) {
    return ((x * 7 + y * 3) & 0xFF) << 16 | ((x ^ y) & 0xFF) << 8 | ((y * 5 + x / 4) & 0xFF);
}

constexpr std::uint32_t first_x = 128, first_y = 96, first_colour = 0xFF2080;
constexpr std::uint32_t second_x = 320, second_y = 256, second_colour = 0x20FF40;

}  // namespace gpu_pattern
