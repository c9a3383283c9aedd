#include "ipc/signal_file.h"

#include "lib/allocator.h"
#include "lib/list.h"
#include "lib/string.h"
#include "mm/user_copy.h"
#include "sched/thread.h"

namespace ipc {
namespace {

constexpr int wake_everyone = 1 << 30;

// struct signalfd_siginfo, 128 bytes.
struct SignalRecord {
    uint32_t signo;
    int32_t error;
    int32_t code;
    uint32_t pid;
    uint32_t uid;
    int32_t fd;
    uint32_t tid;
    uint32_t band;
    uint32_t overrun;
    uint32_t trapno;
    int32_t status;
    int32_t value_int;
    uint64_t value_pointer;
    uint64_t user_time;
    uint64_t system_time;
    uint64_t address;
    uint16_t address_lsb;
    uint8_t padding[46];
};
static_assert(sizeof(SignalRecord) == 128);

class SignalFile final : public object::File {
public:
    explicit SignalFile(sched::SignalSet mask) : mask(mask) {}
    ~SignalFile() override { lib::List<SignalFile, &SignalFile::registry_node>::remove(*this); }

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        if (length < sizeof(SignalRecord)) return lib::Error::invalid_argument;
        size_t done = 0;
        for (;;) {
            sched::SignalInfo info;
            while (done + sizeof(SignalRecord) <= length && sched::take_pending_signal(mask, info)) {
                SignalRecord record = record_of(info);
                auto copied = mm::copy_value_to_user(user_address + done, record);
                // The signal is taken; Linux loses it too on a fault.
                if (copied.is_error()) return done > 0 ? lib::ErrorOr<size_t>(done) : copied.error();
                done += sizeof record;
            }
            if (done > 0) return done;
            if (status_flags & object::open_nonblocking) return lib::Error::try_again;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            (void)sched::block_on(readers, 0);
        }
    }

    uint32_t ready_events() override {
        return (sched::current_pending() & mask) != 0 ? object::poll_in | object::poll_read_normal : 0;
    }

    lib::ErrorOr<object::FileStatus> status() override {
        object::FileStatus status;
        status.inode = reinterpret_cast<uint64_t>(this) >> 4;
        status.mode = 0600;
        return status;
    }

    static SignalRecord record_of(const sched::SignalInfo& info) {
        SignalRecord record;
        lib::fill_bytes(&record, 0, sizeof record);
        record.signo = static_cast<uint32_t>(info.signo);
        record.error = info.error;
        record.code = info.code;
        record.pid = static_cast<uint32_t>(info.pid);
        record.uid = info.uid;
        record.status = info.status;
        record.value_int = static_cast<int32_t>(info.value);
        record.value_pointer = info.value;
        record.address = info.address;
        return record;
    }

    sched::SignalSet mask;
    lib::ListNode registry_node;
    sched::WaitQueue readers;
};

lib::List<SignalFile, &SignalFile::registry_node> signal_files;

// A signal became pending somewhere: every signalfd looks again.
void on_signal_pending() {
    signal_files.for_each([](SignalFile& file) {
        (void)sched::wake(file.readers, wake_everyone);
        file.readiness.notify(object::poll_in | object::poll_read_normal);
    });
}

sched::SignalSet usable(sched::SignalSet mask) {
    return mask & ~sched::unblockable;  // SIGKILL and SIGSTOP are never read
}

}  // namespace

lib::ErrorOr<object::File*> create_signal_file(sched::SignalSet mask, int status_flags) {
    auto* file = lib::make<SignalFile>(usable(mask));
    if (file == nullptr) return lib::Error::no_memory;
    file->status_flags = status_flags | 2;
    file->kind = object::FileKind::signal_file;
    signal_files.push_back(*file);
    sched::set_pending_listener(on_signal_pending);
    return static_cast<object::File*>(file);
}

lib::Status set_signal_file_mask(object::File& file, sched::SignalSet mask) {
    if (file.kind != object::FileKind::signal_file) return lib::Error::invalid_argument;
    auto& signal_file = static_cast<SignalFile&>(file);
    signal_file.mask = usable(mask);
    (void)sched::wake(signal_file.readers, wake_everyone);
    signal_file.readiness.notify(object::poll_in | object::poll_read_normal);
    return lib::ok();
}

}  // namespace ipc
