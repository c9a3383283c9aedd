// The boot framebuffer as a text console for panic reports. GRUB can leave
// us a linear framebuffer (Multiboot2 tag 8); when it does, a panic clears
// it and everything logged from then on is drawn there as well as sent to
// serial, so a machine without a serial cable still shows why it stopped.
// Without a framebuffer (QEMU direct boot) all of this is a no-op.
#pragma once
#include <stddef.h>

#include "boot/multiboot.h"

namespace console {

// Maps the framebuffer into the kernel half (uncached) through the page
// tables, which needs the frame allocator. Formats other than 32 bpp direct
// RGB, and mapping failures, are logged and leave the console off.
void init_framebuffer_console(const boot::Framebuffer& framebuffer);

// Called first thing by a panic: clears the screen to the panic colours
// and turns on mirroring of the log. Safe to call more than once.
void begin_panic_screen();

// Draws text if the panic screen is on; otherwise does nothing.
void write_to_framebuffer(const char* text, size_t length);

}  // namespace console
