// Errors as values for the protocol libraries and services: Result<T> holds
// either a T or an Error. Peer errors (a broken message, a vanished peer) are
// ordinary results, never exceptions, so an event loop can drop one client
// and carry on.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace tessera::wire {

// Codes 1..8 travel in ERROR messages (docs/protocols/framing.md); the rest
// only happen on this side of the socket.
enum class ErrorCode : std::uint32_t {
    malformed = 1,
    unsupported_version = 2,
    protocol_state = 3,
    invalid_argument = 4,
    no_such_object = 5,
    out_of_resources = 6,
    unsupported = 7,
    io_error = 8,
    // Local only:
    disconnected = 100,  // the peer closed the connection
    timed_out = 101,     // a round trip got no answer in time
    would_block = 102,   // nothing to read right now
    system = 103,        // a system call failed; the message says which
};

const char* error_code_name(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::system;
    std::string message;
};

// Builds an Error; message is for people.
inline Error make_error(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}
// An Error with code system and strerror(errno) appended to what.
Error system_error(const std::string& what);

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(state_); }

private:
    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

}  // namespace tessera::wire

// Returns the error of a failed Result from the enclosing function.
#define TESSERA_TRY(expression)                                            \
    do {                                                                   \
        auto&& tessera_try_result_ = (expression);                         \
        if (!tessera_try_result_.ok()) return tessera_try_result_.error(); \
    } while (0)
