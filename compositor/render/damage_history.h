// Output damage per scanout buffer (buffer age).
//
// The compositor renders into whichever scanout buffer the display service
// is not showing. That buffer last received the frame from `age` frames ago,
// so it must be repainted with this frame's damage plus the damage of the
// `age - 1` frames in between. A buffer never painted (age 0) or older than
// the history needs a full repaint.
#pragma once

#include "render/region.h"

#include <deque>

namespace tessera::ui {

class DamageHistory {
public:
    explicit DamageHistory(size_t depth = 4) : depth_(depth) {}

    // Records the damage of the frame just rendered (newest first).
    void push(const Region& frame_damage);

    // What a buffer of the given age must repaint in addition to the new
    // frame's damage; `full` when the history cannot tell.
    Region accumulated(unsigned age, const Rect& full) const;

    void reset() { frames_.clear(); }

private:
    size_t depth_;
    std::deque<Region> frames_;
};

}  // namespace tessera::ui
