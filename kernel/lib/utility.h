// The few pieces of <utility> and <type_traits> the kernel needs, without
// the C++ library (the kernel builds with -nostdinc++).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace lib {

template <typename T>
struct remove_reference {
    using type = T;
};
template <typename T>
struct remove_reference<T&> {
    using type = T;
};
template <typename T>
struct remove_reference<T&&> {
    using type = T;
};

template <typename T>
constexpr typename remove_reference<T>::type&& move(T&& value) {
    return static_cast<typename remove_reference<T>::type&&>(value);
}

template <typename T>
constexpr T&& forward(typename remove_reference<T>::type& value) {
    return static_cast<T&&>(value);
}

template <typename T>
constexpr T min(T a, T b) {
    return a < b ? a : b;
}
template <typename T>
constexpr T max(T a, T b) {
    return a < b ? b : a;
}

constexpr uint64_t align_down(uint64_t value, uint64_t alignment) {
    return value & ~(alignment - 1);
}
// Callers check for overflow where the value comes from outside.
constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

// a + b without wrapping; false when it would.
constexpr bool add_overflows(uint64_t a, uint64_t b, uint64_t& sum) {
    return __builtin_add_overflow(a, b, &sum);
}

}  // namespace lib
