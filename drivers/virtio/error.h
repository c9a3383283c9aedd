// Errors are values here too: every fallible call returns Error or ErrorOr<T>,
// both [[nodiscard]], with the same shape as the kernel's lib/error.h so code
// reads the same on both sides of the syscall boundary.
#pragma once

#include <utility>
#include <variant>

namespace tessera::virtio {

enum class [[nodiscard]] Error{
    none = 0,
    // PCI configuration space and the virtio capabilities.
    no_capability_list,      // status register says there is no capability list
    malformed_capabilities,  // a loop, an offset out of range, a truncated capability
    missing_capability,      // no usable common, notify or ISR configuration
    bad_bar,                 // a BAR the platform cannot map, or a range outside it
    not_virtio,              // vendor or device id is not a modern virtio device
    // Device initialisation.
    reset_timeout,        // device_status never read back 0 after a reset
    missing_version_1,    // the device does not offer VIRTIO_F_VERSION_1
    features_rejected,    // the device cleared FEATURES_OK
    device_needs_reset,   // the device set DEVICE_NEEDS_RESET
    msix_vector_refused,  // the device answered NO_VECTOR to a vector we asked for
    // Queues.
    queue_unavailable,  // index past num_queues, or queue_size 0
    queue_already_enabled,
    queue_full,         // not enough free descriptors right now: retry after completions
    request_too_large,  // more buffers than the queue has descriptors: never fits
    invalid_argument,
    device_protocol_error,  // the device wrote something impossible into the used ring
    // Platform.
    out_of_memory,
    interrupt_unavailable,
    timed_out,
    io_error,
};

// A short name for logs and test output.
const char* error_name(Error error);

template <typename T>
class [[nodiscard]] ErrorOr {
public:
    ErrorOr(T value) : storage_(std::move(value)) {}
    ErrorOr(Error error) : storage_(error) {}

    bool is_error() const { return std::holds_alternative<Error>(storage_); }
    Error error() const { return is_error() ? std::get<Error>(storage_) : Error::none; }
    T& value() { return std::get<T>(storage_); }
    const T& value() const { return std::get<T>(storage_); }
    T release_value() { return std::move(std::get<T>(storage_)); }

private:
    std::variant<T, Error> storage_;
};

// Propagates an error from an expression returning Error or ErrorOr<T>;
// yields the value of an ErrorOr<T>.
#define VIRTIO_TRY(expression)                                                                 \
    ({                                                                                         \
        auto _result = (expression);                                                           \
        if (::tessera::virtio::is_error(_result)) return ::tessera::virtio::error_of(_result); \
        ::tessera::virtio::value_of(std::move(_result));                                       \
    })

inline bool is_error(Error error) {
    return error != Error::none;
}
template <typename T>
bool is_error(const ErrorOr<T>& result) {
    return result.is_error();
}
inline Error error_of(Error error) {
    return error;
}
template <typename T>
Error error_of(const ErrorOr<T>& result) {
    return result.error();
}
inline void value_of(Error) {}
template <typename T>
T value_of(ErrorOr<T>&& result) {
    return result.release_value();
}

}  // namespace tessera::virtio
