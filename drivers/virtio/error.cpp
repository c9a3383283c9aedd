#include "error.h"

namespace tessera::virtio {

const char* error_name(Error error) {
    switch (error) {
        case Error::none:
            return "none";
        case Error::no_capability_list:
            return "no_capability_list";
        case Error::malformed_capabilities:
            return "malformed_capabilities";
        case Error::missing_capability:
            return "missing_capability";
        case Error::bad_bar:
            return "bad_bar";
        case Error::not_virtio:
            return "not_virtio";
        case Error::reset_timeout:
            return "reset_timeout";
        case Error::missing_version_1:
            return "missing_version_1";
        case Error::features_rejected:
            return "features_rejected";
        case Error::device_needs_reset:
            return "device_needs_reset";
        case Error::msix_vector_refused:
            return "msix_vector_refused";
        case Error::queue_unavailable:
            return "queue_unavailable";
        case Error::queue_already_enabled:
            return "queue_already_enabled";
        case Error::queue_full:
            return "queue_full";
        case Error::request_too_large:
            return "request_too_large";
        case Error::invalid_argument:
            return "invalid_argument";
        case Error::device_protocol_error:
            return "device_protocol_error";
        case Error::out_of_memory:
            return "out_of_memory";
        case Error::interrupt_unavailable:
            return "interrupt_unavailable";
        case Error::timed_out:
            return "timed_out";
        case Error::io_error:
            return "io_error";
    }
    return "unknown";
}

}  // namespace tessera::virtio
