// Sending and receiving on sockets: sendto, recvfrom, sendmsg, recvmsg,
// with SCM_RIGHTS (descriptors) and SCM_CREDENTIALS in the control data.
#include "lib/allocator.h"
#include "lib/string.h"
#include "linux/socket_address.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "object/file.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr size_t max_segments = 1024;  // UIO_MAXIOV
constexpr int sol_socket = 1, scm_rights = 1, scm_credentials = 2;
constexpr size_t control_header_size = 16;  // struct cmsghdr

struct MessageHeader {
    uint64_t name;
    uint32_t name_length;
    uint32_t padding;
    uint64_t segments;
    uint64_t segment_count;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    int32_t padding2;
};

struct ControlHeader {
    uint64_t length;
    int32_t level;
    int32_t type;
};

constexpr size_t control_align(size_t length) {
    return (length + 7) & ~size_t(7);
}

// The user's iovec array, copied in.
class Segments {
public:
    ~Segments() {
        if (segments_ != &single_) lib::deallocate(segments_);
    }

    lib::Status read(uint64_t address, uint64_t count) {
        if (count > max_segments) return lib::Error::message_too_big;
        if (count > 1) {
            segments_ = static_cast<ipc::UserBuffers::Segment*>(lib::allocate(count * sizeof(*segments_)));
            if (segments_ == nullptr) return lib::Error::no_memory;
        }
        if (count > 0) TRY(mm::copy_from_user(segments_, address, count * sizeof(*segments_)));
        return finish(count);
    }

    void single(uint64_t address, uint64_t length) {
        single_ = {address, length};
        (void)finish(1);
    }

    const ipc::UserBuffers& buffers() const { return buffers_; }

private:
    lib::Status finish(size_t count) {
        uint64_t total = 0;
        for (size_t i = 0; i < count; ++i) {
            if (static_cast<int64_t>(segments_[i].length) < 0) return lib::Error::invalid_argument;
            total += segments_[i].length;
            if (static_cast<int64_t>(total) < 0) return lib::Error::invalid_argument;
        }
        buffers_ = ipc::UserBuffers{segments_, count, total};
        return lib::ok();
    }

    ipc::UserBuffers::Segment single_{};
    ipc::UserBuffers::Segment* segments_ = &single_;
    ipc::UserBuffers buffers_;
};

// Descriptors gathered from SCM_RIGHTS: references released unless sent.
struct OutgoingFiles {
    ~OutgoingFiles() {
        for (size_t i = 0; i < count; ++i) files[i]->release();
    }
    object::File* files[ipc::max_files_per_message];
    size_t count = 0;
};

// As Linux's scm_check_creds: one's own pid and any of one's real,
// effective or saved ids, unless root (who has every capability here).
lib::Status check_claimed_credentials(const ipc::Credentials& claimed) {
    const sched::Process& process = current_process();
    const sched::Credentials& own = process.credentials;
    if (own.euid == 0) return lib::ok();
    bool pid_ok = claimed.pid == process.pid;
    bool uid_ok = claimed.uid == own.uid || claimed.uid == own.euid || claimed.uid == own.suid;
    bool gid_ok = claimed.gid == own.gid || claimed.gid == own.egid || claimed.gid == own.sgid;
    return pid_ok && uid_ok && gid_ok ? lib::ok() : lib::Status(lib::Error::not_permitted);
}

lib::Status parse_control(uint64_t control, uint64_t length, OutgoingFiles& files, ipc::SendRequest& request) {
    size_t offset = 0;
    while (offset + control_header_size <= length) {
        ControlHeader header;
        TRY(mm::copy_value_from_user(header, control + offset));
        if (header.length < control_header_size || header.length > length - offset) {
            return lib::Error::invalid_argument;
        }
        size_t data_length = header.length - control_header_size;
        uint64_t data = control + offset + control_header_size;
        if (header.level != sol_socket) return lib::Error::invalid_argument;
        if (header.type == scm_rights) {
            size_t count = data_length / sizeof(int32_t);
            if (files.count + count > ipc::max_files_per_message) return lib::Error::invalid_argument;
            for (size_t i = 0; i < count; ++i) {
                int32_t fd;
                TRY(mm::copy_value_from_user(fd, data + i * sizeof fd));
                auto file = TRY(current_process().files.get(fd));
                files.files[files.count++] = file.leak();
            }
        } else if (header.type == scm_credentials) {
            if (data_length != 12) return lib::Error::invalid_argument;
            int32_t fields[3];
            TRY(mm::copy_from_user(fields, data, sizeof fields));
            ipc::Credentials claimed{fields[0], static_cast<uint32_t>(fields[1]), static_cast<uint32_t>(fields[2])};
            TRY(check_claimed_credentials(claimed));
            request.credentials = claimed;
        } else {
            return lib::Error::invalid_argument;
        }
        offset += control_align(header.length);
    }
    return lib::ok();
}

Result send(uint64_t fd, const ipc::UserBuffers& data, int flags, uint64_t name, uint64_t name_length,
            uint64_t control, uint64_t control_length) {
    auto socket = TRY(current_process().files.get(static_cast<int>(fd)));
    if (socket->kind != object::FileKind::socket) return lib::Error::not_socket;
    ipc::SendRequest request;
    request.data = &data;
    request.flags = flags;
    request.credentials = ipc::current_credentials();
    ipc::UnixAddress destination;
    fs::VnodeReference node;
    if (name != 0 && name_length != 0) {
        destination = TRY(read_unix_address(name, name_length));
        TRY(resolve_socket_path(destination, node));
        request.destination = &destination;
    }
    OutgoingFiles files;
    if (control != 0 && control_length != 0) TRY(parse_control(control, control_length, files, request));
    request.files = files.files;
    request.file_count = files.count;
    auto sent = ipc::send_socket(*socket, request);
    // What the message took over is no longer ours to release.
    if (request.file_count == 0) files.count = 0;
    return sent;
}

// Installs the received descriptors into the control buffer as far as they
// fit; closes the rest. Returns the control bytes used.
lib::ErrorOr<size_t> deliver_control(ipc::ReceiveResult& result, uint64_t control, size_t capacity, int flags) {
    size_t used = 0;
    if (result.has_credentials) {
        size_t needed = control_header_size + 12;
        if (control == 0 || capacity < needed) {
            result.flags |= ipc::message_control_truncated;
        } else {
            ControlHeader header{needed, sol_socket, scm_credentials};
            int32_t fields[3] = {result.credentials.pid, static_cast<int32_t>(result.credentials.uid),
                                 static_cast<int32_t>(result.credentials.gid)};
            TRY(mm::copy_value_to_user(control, header));
            TRY(mm::copy_to_user(control + control_header_size, fields, sizeof fields));
            used = lib::min(control_align(needed), capacity);
        }
    }
    if (result.file_count == 0) return used;
    size_t room = control != 0 && capacity > used + control_header_size ? capacity - used - control_header_size : 0;
    size_t fitting = lib::min(room / sizeof(int32_t), result.file_count);
    size_t installed = 0;
    auto& table = current_process().files;
    for (; installed < fitting; ++installed) {
        auto fd = table.install(result.files[installed], (flags & ipc::message_close_on_exec) != 0);
        if (fd.is_error()) break;
        result.files[installed] = nullptr;
        int32_t number = fd.value();
        // A descriptor that cannot be reported would leak: the caller has
        // no way to learn it, so it is closed again.
        if (mm::copy_value_to_user(control + used + control_header_size + installed * sizeof number, number)
                .is_error()) {
            (void)table.close(number);
            break;
        }
    }
    // The result releases the rest: closed, as Linux closes what did not fit.
    if (installed < result.file_count) result.flags |= ipc::message_control_truncated;
    if (installed == 0) return used;
    size_t length = control_header_size + installed * sizeof(int32_t);
    ControlHeader header{length, sol_socket, scm_rights};
    TRY(mm::copy_value_to_user(control + used, header));
    return lib::min(used + control_align(length), capacity);
}

struct Received {
    size_t length;
    int flags;
    size_t control_used;
};

// Receives into data, control data to control.
lib::ErrorOr<Received> receive(uint64_t fd, const ipc::UserBuffers& data, int flags, uint64_t control,
                               size_t control_capacity, ipc::ReceiveResult& result) {
    auto socket = TRY(current_process().files.get(static_cast<int>(fd)));
    if (socket->kind != object::FileKind::socket) return lib::Error::not_socket;
    TRY(ipc::receive_socket(*socket, data, flags, result));
    result.flags |= flags & ipc::message_close_on_exec;  // Linux reports it back
    size_t used = TRY(deliver_control(result, control, control_capacity, flags));
    return Received{result.length, result.flags, used};
}

}  // namespace

Result sys_sendto(const Arguments& a) {
    Segments data;
    data.single(a.a1, a.a2);
    return send(a.a0, data.buffers(), static_cast<int>(a.a3), a.a4, a.a5, 0, 0);
}

Result sys_sendmsg(const Arguments& a) {
    MessageHeader header;
    TRY(mm::copy_value_from_user(header, a.a1));
    Segments data;
    TRY(data.read(header.segments, header.segment_count));
    return send(a.a0, data.buffers(), static_cast<int>(a.a2), header.name, header.name_length, header.control,
                header.control_length);
}

Result sys_recvfrom(const Arguments& a) {
    Segments data;
    data.single(a.a1, a.a2);
    ipc::ReceiveResult result;
    Received received = TRY(receive(a.a0, data.buffers(), static_cast<int>(a.a3), 0, 0, result));
    if (a.a4 != 0 && a.a5 != 0) {
        if (result.source.length != 0) {
            TRY(write_unix_address(result.source, a.a4, a.a5));
        } else {
            TRY(mm::copy_value_to_user(a.a5, uint32_t(0)));
        }
    }
    return received.length;
}

Result sys_recvmsg(const Arguments& a) {
    MessageHeader header;
    TRY(mm::copy_value_from_user(header, a.a1));
    Segments data;
    TRY(data.read(header.segments, header.segment_count));
    ipc::ReceiveResult result;
    Received received = TRY(receive(a.a0, data.buffers(), static_cast<int>(a.a2), header.control,
                                    header.control_length, result));
    uint32_t name_length = 0;
    if (header.name != 0 && result.source.length != 0) {
        name_length = TRY(write_unix_address_bounded(result.source, header.name, header.name_length));
    }
    TRY(mm::copy_value_to_user(a.a1 + __builtin_offsetof(MessageHeader, name_length), name_length));
    TRY(mm::copy_value_to_user(a.a1 + __builtin_offsetof(MessageHeader, control_length),
                               static_cast<uint64_t>(received.control_used)));
    TRY(mm::copy_value_to_user(a.a1 + __builtin_offsetof(MessageHeader, flags), static_cast<int32_t>(received.flags)));
    return received.length;
}

}  // namespace linux
