/* Selector values for assembly; arch/x86_64/gdt.h has the same for C++. */
#pragma once
#define USER_DATA_SELECTOR (0x18 | 3)
#define USER_CODE_SELECTOR (0x20 | 3)
