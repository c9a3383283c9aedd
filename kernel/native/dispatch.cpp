#include "native/native.h"

namespace native {
namespace {

struct Table {
    Handler handlers[native_call_count] = {};
    constexpr Table() {
#define TESSERA_NATIVE_FILL(offset, name) handlers[offset] = sys_##name;
        TESSERA_NATIVE_CALLS(TESSERA_NATIVE_FILL)
#undef TESSERA_NATIVE_FILL
    }
};

constexpr Table table;

}  // namespace

Handler native_handler(uint64_t offset) {
    return offset < static_cast<uint64_t>(native_call_count) ? table.handlers[offset] : nullptr;
}

}  // namespace native
