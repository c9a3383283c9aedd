#include "lib/error.h"

namespace lib {

const char* error_name(Error error) {
    switch (error) {
        case Error::none:
            return "none";
        case Error::no_memory:
            return "no memory";
        case Error::not_found:
            return "not found";
        case Error::bad_address:
            return "bad address";
        case Error::invalid_argument:
            return "invalid argument";
        case Error::not_supported:
            return "not supported";
        case Error::exists:
            return "exists";
        case Error::not_directory:
            return "not a directory";
        case Error::is_directory:
            return "is a directory";
        case Error::not_executable:
            return "not executable";
        case Error::out_of_range:
            return "out of range";
        case Error::too_big:
            return "too big";
        case Error::try_again:
            return "try again";
        case Error::timed_out:
            return "timed out";
        case Error::interrupted:
            return "interrupted";
        case Error::access_denied:
            return "access denied";
        case Error::read_only:
            return "read-only";
        case Error::name_too_long:
            return "name too long";
        case Error::not_permitted:
            return "not permitted";
        case Error::too_many_files:
            return "too many files";
        case Error::not_tty:
            return "not a tty";
        case Error::bad_descriptor:
            return "bad descriptor";
        case Error::too_many_links:
            return "too many links";
        case Error::not_empty:
            return "not empty";
        case Error::no_such_process:
            return "no such process";
        case Error::illegal_seek:
            return "illegal seek";
        case Error::not_implemented:
            return "not implemented";
        case Error::no_child:
            return "no child";
        case Error::broken_pipe:
            return "broken pipe";
        case Error::busy:
            return "busy";
        case Error::io_error:
            return "input/output error";
        case Error::cross_device:
            return "cross-device link";
        case Error::no_device:
            return "no such device";
        case Error::overflow:
            return "value too large";
        case Error::no_device_or_address:
            return "no such device or address";
        case Error::no_space:
            return "no space left";
        case Error::file_too_big:
            return "file too big";
        case Error::deadlock:
            return "deadlock";
        case Error::address_in_use:
            return "address in use";
        case Error::not_socket:
            return "not a socket";
        case Error::message_too_big:
            return "message too big";
        case Error::wrong_protocol_type:
            return "wrong protocol type";
        case Error::protocol_not_supported:
            return "protocol not supported";
        case Error::operation_not_supported:
            return "operation not supported";
        case Error::family_not_supported:
            return "address family not supported";
        case Error::connection_reset:
            return "connection reset";
        case Error::already_connected:
            return "already connected";
        case Error::not_connected:
            return "not connected";
        case Error::connection_refused:
            return "connection refused";
        case Error::socket_type_not_supported:
            return "socket type not supported";
        case Error::out_of_domain:
            return "argument out of domain";
        case Error::no_protocol_option:
            return "no such protocol option";
        case Error::destination_required:
            return "destination address required";
    }
    return "unknown";
}

}  // namespace lib
