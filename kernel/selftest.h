// Checks the kernel runs on itself when the command line asks, for the
// system tests (tests/system/kernel): things no user program can reach.
//
//   crash=page-fault    a kernel page fault: the panic report
//   crash=double-fault  a fault with an unusable stack: the double-fault
//                       handler on its IST stack
//   selftest=cow        copy-on-write between two address spaces, and the
//                       frame count returning to where it started
//   selftest=timer      the timer interrupt arrives at about 1 kHz
#pragma once
#include "boot/command_line.h"

// Runs what the command line asks for; the machine stops when it does.
void run_requested_self_tests(const boot::CommandLine& command_line);
