#include "lib/spinlock.h"

namespace lib {
namespace {

LockOrderHook hook = nullptr;
uint32_t held = 0;  // bit per rank

}  // namespace

void set_lock_order_hook(LockOrderHook function) {
    hook = function;
}

void check_lock_order(LockRank rank) {
    uint32_t bit = 1u << static_cast<uint32_t>(rank);
    // Any held lock of this rank or above is taken out of order.
    if ((held & ~(bit - 1)) != 0 && hook != nullptr) hook(rank, held);
    held |= bit;
}

void note_lock_released(LockRank rank) {
    held &= ~(1u << static_cast<uint32_t>(rank));
}

}  // namespace lib
