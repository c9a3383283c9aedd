#include "ipc/pipe.h"

#include "lib/allocator.h"
#include "lib/ring_buffer.h"
#include "mm/user_copy.h"
#include "sched/signal.h"
#include "sched/thread.h"

namespace ipc {
namespace {

using object::File;
using object::FileStatus;

constexpr uint32_t mode_fifo = 0010000;
constexpr uint64_t fionread = 0x541B;
constexpr int wake_everyone = 1 << 30;

// Shared by the two ends. One CPU and a kernel that is not preempted: a
// check of the ring and the block_on after it cannot be separated by the
// other end's wake (which only system calls do, never interrupts).
struct Pipe {
    explicit Pipe(uint8_t* storage) : storage(storage), ring(storage, pipe_capacity) {}
    ~Pipe() { lib::deallocate(storage); }

    uint8_t* storage;
    lib::RingBuffer ring;
    int readers = 1;
    int writers = 1;
    sched::WaitQueue waiting_readers;
    sched::WaitQueue waiting_writers;
    File* read_end = nullptr;  // each end while it exists
    File* write_end = nullptr;

    // Wakes blocked readers and pollers of the read end.
    void readable_changed(uint32_t events) {
        (void)sched::wake(waiting_readers, wake_everyone);
        if (read_end != nullptr) read_end->readiness.notify(events);
    }
    void writable_changed(uint32_t events) {
        (void)sched::wake(waiting_writers, wake_everyone);
        if (write_end != nullptr) write_end->readiness.notify(events);
    }
};

class PipeEnd final : public File {
public:
    PipeEnd(Pipe* pipe, bool writing) : pipe_(pipe), writing_(writing) {}

    ~PipeEnd() override {
        if (pipe_ == nullptr) return;
        // The last writer gone: readers see end of file; the last reader
        // gone: writers see EPIPE. Either way blocked peers must look again.
        if (writing_) {
            --pipe_->writers;
            pipe_->write_end = nullptr;
            pipe_->readable_changed(object::poll_hangup | object::poll_in);
        } else {
            --pipe_->readers;
            pipe_->read_end = nullptr;
            pipe_->writable_changed(object::poll_error | object::poll_out);
        }
        if (pipe_->readers == 0 && pipe_->writers == 0) lib::destroy(pipe_);
    }

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        if (writing_) return lib::Error::bad_descriptor;
        if (length == 0) return size_t(0);
        while (pipe_->ring.empty()) {
            if (pipe_->writers == 0) return size_t(0);
            if (status_flags & object::open_nonblocking) return lib::Error::try_again;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            (void)sched::block_on(pipe_->waiting_readers, 0);
        }
        size_t done = 0;
        while (done < length && !pipe_->ring.empty()) {
            lib::ByteSpan span = pipe_->ring.readable();
            size_t count = lib::min(span.length, length - done);
            auto copied = mm::copy_to_user(user_address + done, span.data, count);
            if (copied.is_error()) {
                if (done == 0) return copied.error();
                break;
            }
            pipe_->ring.consume(count);
            done += count;
        }
        pipe_->writable_changed(object::poll_out | object::poll_write_normal);
        return done;
    }

    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override {
        return write_from(mm::ByteSource::user(user_address, length));
    }

    lib::ErrorOr<size_t> write_from(const mm::ByteSource& source) override {
        if (!writing_) return lib::Error::bad_descriptor;
        size_t length = source.length();
        bool atomic = length <= pipe_atomic_bytes;
        size_t done = 0;
        while (done < length) {
            if (pipe_->readers == 0) {
                if (done > 0) return done;
                sched::send_signal_to_current_thread(sched::sigpipe);
                return lib::Error::broken_pipe;
            }
            size_t room = pipe_->ring.free_space();
            if (room == 0 || (atomic && room < length)) {
                if (status_flags & object::open_nonblocking) {
                    if (done > 0) return done;
                    return lib::Error::try_again;
                }
                if (sched::current_thread_must_exit()) {
                    if (done > 0) return done;
                    return lib::Error::interrupted;
                }
                (void)sched::block_on(pipe_->waiting_writers, 0);
                continue;
            }
            while (done < length && pipe_->ring.free_space() > 0) {
                lib::ByteSpan span = pipe_->ring.writable();
                size_t count = lib::min(span.length, length - done);
                auto copied = source.copy_to(span.data, done, count);
                if (copied.is_error()) {
                    pipe_->readable_changed(object::poll_in | object::poll_read_normal);
                    if (done == 0) return copied.error();
                    return done;
                }
                pipe_->ring.commit(count);
                done += count;
            }
            pipe_->readable_changed(object::poll_in | object::poll_read_normal);
        }
        return done;
    }

    // As Linux: the read end is readable with bytes buffered and hung up
    // without writers; the write end is writable with room for an atomic
    // write and in error without readers.
    uint32_t ready_events() override {
        uint32_t events = 0;
        if (writing_) {
            if (pipe_->ring.free_space() >= pipe_atomic_bytes) events |= object::poll_out | object::poll_write_normal;
            if (pipe_->readers == 0) events |= object::poll_error;
        } else {
            if (!pipe_->ring.empty()) events |= object::poll_in | object::poll_read_normal;
            if (pipe_->writers == 0) events |= object::poll_hangup;
        }
        return events;
    }

    lib::ErrorOr<FileStatus> status() override {
        FileStatus status;
        status.inode = reinterpret_cast<uint64_t>(pipe_) >> 4;
        status.mode = mode_fifo | 0600;
        status.size = pipe_->ring.used();
        return status;
    }

    lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument) override {
        if (request != fionread) return File::control(request, argument);
        int32_t available = static_cast<int32_t>(pipe_->ring.used());
        TRY(mm::copy_value_to_user(argument, available));
        return uint64_t(0);
    }

private:
    Pipe* pipe_;
    bool writing_;
};

}  // namespace

lib::ErrorOr<PipeEnds> create_pipe(int status_flags) {
    auto* storage = static_cast<uint8_t*>(lib::allocate(pipe_capacity));
    if (storage == nullptr) return lib::Error::no_memory;
    Pipe* pipe = lib::make<Pipe>(storage);
    if (pipe == nullptr) {
        lib::deallocate(storage);
        return lib::Error::no_memory;
    }
    PipeEnd* reader = lib::make<PipeEnd>(pipe, false);
    PipeEnd* writer = lib::make<PipeEnd>(pipe, true);
    if (reader == nullptr || writer == nullptr) {
        // A lone end's close leaves the other side's count at 1, so the
        // pipe survives it and is freed here.
        if (reader != nullptr) lib::destroy(reader);
        if (writer != nullptr) lib::destroy(writer);
        lib::destroy(pipe);
        return lib::Error::no_memory;
    }
    pipe->read_end = reader;
    pipe->write_end = writer;
    reader->status_flags = status_flags;      // O_RDONLY
    writer->status_flags = status_flags | 1;  // O_WRONLY
    return PipeEnds{reader, writer};
}

}  // namespace ipc
