#include "render/damage_history.h"

namespace tessera::ui {

void DamageHistory::push(const Region& frame_damage) {
    frames_.push_front(frame_damage);
    while (frames_.size() > depth_) frames_.pop_back();
}

Region DamageHistory::accumulated(unsigned age, const Rect& full) const {
    if (age == 0 || age - 1 > frames_.size()) return Region(full);
    Region result;
    for (unsigned i = 0; i + 1 < age; ++i) result.unite(frames_[i]);
    return result;
}

}  // namespace tessera::ui
