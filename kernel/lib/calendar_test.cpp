#include "lib/calendar.h"

#include <gtest/gtest.h>

namespace {

TEST(Calendar, UnixSecondsOfKnownDates) {
    EXPECT_EQ(lib::unix_seconds(1970, 1, 1, 0, 0, 0), 0);
    EXPECT_EQ(lib::unix_seconds(2000, 3, 1, 0, 0, 0), 951868800);  // after a leap day in a /400 year
    EXPECT_EQ(lib::unix_seconds(2026, 11, 22, 3, 9, 40), 1795316980);
    EXPECT_EQ(lib::days_from_civil(2100, 3, 1) - lib::days_from_civil(2100, 2, 28), 1);  // 2100 is not leap
}

}  // namespace
