// Civil dates to Unix time, for the CMOS RTC. Portable (unit-tested).
#pragma once
#include <stdint.h>

namespace lib {

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

inline int64_t unix_seconds(int64_t year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                            unsigned second) {
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace lib
