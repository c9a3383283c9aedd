// Unpacking the ramdisk and starting init (kernel/init.cpp).
#pragma once
#include "boot/command_line.h"
#include "boot/multiboot.h"

// Panics when there is no usable ramdisk or init cannot be started: the
// machine has nothing else to do.
void start_init(const boot::BootInfo& info, const boot::CommandLine& command_line);
