// The linker's --build-id of this kernel image, as hex. It changes with every
// different build, so a log line identifies exactly which kernel ran.
#pragma once
#include <stddef.h>

namespace boot {

// Writes the hex build id (NUL-terminated) into buffer; "unknown" when the
// image carries no note.
void build_id_hex(char* buffer, size_t capacity);

}  // namespace boot
