// The kernel side of the native calls (api/native.h): handler
// declarations generated from the one list, and the dispatch entry the
// syscall dispatcher (linux/dispatch.cpp) hands numbers from native_base on.
#pragma once
#include "api/native.h"
#include "linux/syscall.h"

namespace native {

#define TESSERA_NATIVE_HANDLER(offset, name) linux::Result sys_##name(const linux::Arguments& arguments);
TESSERA_NATIVE_CALLS(TESSERA_NATIVE_HANDLER)
#undef TESSERA_NATIVE_HANDLER

// The handler for number - native_base, or nullptr (ENOSYS).
using Handler = linux::Result (*)(const linux::Arguments&);
Handler native_handler(uint64_t offset);

}  // namespace native
