#include "wire/result.h"

#include <cerrno>
#include <cstring>

#include "wire/unique_fd.h"

#include <unistd.h>

namespace tessera::wire {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::malformed:
            return "malformed";
        case ErrorCode::unsupported_version:
            return "unsupported_version";
        case ErrorCode::protocol_state:
            return "protocol_state";
        case ErrorCode::invalid_argument:
            return "invalid_argument";
        case ErrorCode::no_such_object:
            return "no_such_object";
        case ErrorCode::out_of_resources:
            return "out_of_resources";
        case ErrorCode::unsupported:
            return "unsupported";
        case ErrorCode::io_error:
            return "io_error";
        case ErrorCode::disconnected:
            return "disconnected";
        case ErrorCode::timed_out:
            return "timed_out";
        case ErrorCode::would_block:
            return "would_block";
        case ErrorCode::system:
            return "system";
    }
    return "unknown";
}

Error system_error(const std::string& what) {
    return Error{ErrorCode::system, what + ": " + std::strerror(errno)};
}

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

}  // namespace tessera::wire
