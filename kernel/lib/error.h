// Errors are values. Kernel code returns Error or ErrorOr<T>, both
// [[nodiscard]], and propagates with TRY; the Linux personality turns an
// Error into -errno only at the syscall boundary (linux/errno.cpp).
#pragma once
#include "lib/new.h"
#include "lib/utility.h"

namespace lib {

enum class Error : int {
    none = 0,
    no_memory,
    not_found,
    bad_address,
    invalid_argument,
    not_supported,
    exists,
    not_directory,
    is_directory,
    not_executable,
    out_of_range,
    too_big,
    try_again,
    timed_out,
    interrupted,
    access_denied,
    read_only,
    name_too_long,
    not_permitted,
    too_many_files,
    not_tty,
    bad_descriptor,
    too_many_links,
    not_empty,
    no_such_process,
    illegal_seek,
    not_implemented,  // ENOSYS for a call that exists but not this variant
    no_child,         // ECHILD: nothing to wait for
    broken_pipe,      // EPIPE: writing to a pipe nobody reads
    busy,             // EBUSY
    cross_device,     // EXDEV: a link or rename between filesystems
    no_device,        // ENODEV: e.g. mmap of a file without memory
    no_device_or_address,  // ENXIO: a device node with no driver, /dev/tty without a terminal
    no_space,         // ENOSPC
    file_too_big,     // EFBIG
    deadlock,         // EDEADLK: a record lock wait that would never end
    address_in_use,   // EADDRINUSE
    not_socket,  // ENOTSOCK: a socket call on another file
    message_too_big,  // EMSGSIZE: a datagram larger than the buffer
    wrong_protocol_type,  // EPROTOTYPE: connecting sockets of different types
    protocol_not_supported,
    socket_type_not_supported,  // ESOCKTNOSUPPORT  // EPROTONOSUPPORT
    operation_not_supported,  // EOPNOTSUPP: e.g. listen on a datagram socket
    family_not_supported,  // EAFNOSUPPORT: socket families other than AF_UNIX
    connection_reset,  // ECONNRESET: the peer closed with data unread
    already_connected,  // EISCONN
    not_connected,  // ENOTCONN
    connection_refused,  // ECONNREFUSED: nobody listens at the address
    no_protocol_option,
    out_of_domain,  // EDOM: e.g. a socket timeout's microseconds out of range  // ENOPROTOOPT: an unknown socket option
    destination_required,  // EDESTADDRREQ: sending on an unconnected datagram socket
    overflow,  // EOVERFLOW: e.g. an mmap offset plus length past 2^64
    io_error,  // EIO: a background read of a terminal with SIGTTIN ignored, a hung-up pty
};

// A short name for logs and panics.
const char* error_name(Error error);

template <typename T>
class [[nodiscard]] ErrorOr {
public:
    ErrorOr(const T& value) : has_value_(true) { new (&storage_) T(value); }
    ErrorOr(T&& value) : has_value_(true) { new (&storage_) T(move(value)); }
    ErrorOr(Error error) : has_value_(false), error_(error) {}
    ErrorOr(ErrorOr&& other) : has_value_(other.has_value_), error_(other.error_) {
        if (has_value_) new (&storage_) T(move(other.value()));
    }
    ErrorOr(const ErrorOr&) = delete;
    ErrorOr& operator=(const ErrorOr&) = delete;
    ~ErrorOr() {
        if (has_value_) value().~T();
    }

    bool is_error() const { return !has_value_; }
    Error error() const { return error_; }
    T& value() { return *reinterpret_cast<T*>(&storage_); }
    const T& value() const { return *reinterpret_cast<const T*>(&storage_); }
    T release_value() { return move(value()); }

private:
    bool has_value_;
    Error error_ = Error::none;
    alignas(T) unsigned char storage_[sizeof(T)];
};

// For operations that produce nothing but can fail.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : error_(error) {}
    bool is_error() const { return error_ != Error::none; }
    Error error() const { return error_; }
    void release_value() const {}

private:
    Error error_ = Error::none;
};

inline Status ok() {
    return {};
}

}  // namespace lib

// Evaluates an ErrorOr/Status expression; returns its error from the
// enclosing function, or yields its value.
#define TRY(expression)                                         \
    ({                                                          \
        auto&& _try_result = (expression);                      \
        if (_try_result.is_error()) return _try_result.error(); \
        _try_result.release_value();                            \
    })
