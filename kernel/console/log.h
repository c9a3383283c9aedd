// The kernel log: formatted lines to the serial console.
#pragma once

namespace console {

void log(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

}  // namespace console
