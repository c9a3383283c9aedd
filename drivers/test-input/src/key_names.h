// Names of evdev key and button codes for scripts: "KEY_A", "BTN_LEFT".
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tessera::test_input {

// The code for a KEY_* or BTN_* name, or a decimal/0x number below KEY_CNT.
std::optional<std::uint16_t> key_code(std::string_view name);

}  // namespace tessera::test_input
