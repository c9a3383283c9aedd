// Pseudo-terminals: opening /dev/ptmx (5:2) makes a pair, the master file
// and /dev/pts/N (136:N, locked until TIOCSPTLCK 0). What the master writes
// is typed into the slave's line discipline; what programs write on the
// slave (and its echo) is read from the master. The pair goes once the
// master and every slave file are closed.
#include "fs/devfs/devices.h"
#include "lib/allocator.h"
#include "lib/format.h"
#include "lib/ring_buffer.h"
#include "mm/user_copy.h"
#include "sched/process.h"
#include "sched/signal.h"
#include "tty/terminal.h"

namespace tty {
namespace {

constexpr uint32_t ptmx_major = 5, ptmx_minor = 2, pts_major = 136;
constexpr int max_ptys = 256;
constexpr size_t master_buffer = 64 * 1024;
constexpr uint64_t tiocgptn = 0x80045430, tiocsptlck = 0x40045431, fionread = 0x541B;

class PtyMaster;
class Pty;
Pty* ptys[max_ptys];

struct Locked {
    lib::Spinlock& lock;
    uint64_t flags;
    explicit Locked(lib::Spinlock& lock) : lock(lock), flags(lock.lock()) {}
    ~Locked() { lock.unlock(flags); }
};

class Pty final : public Terminal {
public:
    Pty(int index, uint8_t* storage) : index(index), storage_(storage), output_(storage, master_buffer) {}

    const int index;
    bool locked = true;
    bool slave_opened = false;
    PtyMaster* master = nullptr;
    sched::WaitQueue master_readers;

    // The master side: bytes written by programs on the slave.
    size_t take_output(char* out, size_t capacity) {
        size_t done = 0;
        while (done < capacity && !output_.empty()) {
            lib::ByteSpan span = output_.readable();
            size_t count = lib::min(span.length, capacity - done);
            lib::copy_bytes(out + done, span.data, count);
            output_.consume(count);
            done += count;
        }
        return done;
    }
    size_t output_queued() const { return output_.used(); }
    bool slave_gone() { return slave_opened && !has_files(); }
    lib::Spinlock& lock() { return lock_; }
    void wake_slave_writers() { wake_writers(); }
    uint16_t* window() { return window_; }

    void master_closed();
    void detach(TerminalFile& file) override;

protected:
    // Program output waits for room (output_room); echo that finds the
    // buffer full is dropped.
    void device_output(const char* bytes, size_t length) override;
    bool hung_up() override { return master == nullptr; }
    size_t output_room() override { return output_.free_space(); }

public:
    ~Pty() override { lib::deallocate(storage_); }

private:
    uint8_t* storage_;
    lib::RingBuffer output_;
    friend class PtyMaster;
};

class PtyMaster final : public fs::DeviceFile {
public:
    PtyMaster(fs::Vnode& node, int flags, Pty& pty) : DeviceFile(node, flags), pty_(pty) {}
    ~PtyMaster() override { pty_.master_closed(); }

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        if (length == 0) return size_t(0);
        char buffer[1024];
        for (;;) {
            size_t copied = 0;
            bool gone;
            {
                Locked locked(pty_.lock());
                copied = pty_.take_output(buffer, lib::min(length, sizeof buffer));
                gone = pty_.slave_gone();
            }
            if (copied > 0) {
                pty_.wake_slave_writers();
                TRY(mm::copy_to_user(user_address, buffer, copied));
                return copied;
            }
            // As Linux: once the last slave file closed, reads fail with EIO.
            if (gone) return lib::Error::io_error;
            if (status_flags & object::open_nonblocking) return lib::Error::try_again;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            (void)sched::block_on(pty_.master_readers, 0);
        }
    }

    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override {
        return write_from(mm::ByteSource::user(user_address, length));
    }

    lib::ErrorOr<size_t> write_from(const mm::ByteSource& source) override {
        size_t length = source.length();
        char buffer[256];
        size_t done = 0;
        while (done < length) {
            size_t count = lib::min(length - done, sizeof buffer);
            auto copied = source.copy_to(buffer, done, count);
            if (copied.is_error()) {
                if (done > 0) break;
                return copied.error();
            }
            pty_.input(buffer, count);
            done += count;
        }
        pty_.deliver_signals();
        return done;
    }

    uint32_t ready_events() override {
        Locked locked(pty_.lock());
        uint32_t events = object::poll_out | object::poll_write_normal;
        if (pty_.output_queued() > 0) events |= object::poll_in | object::poll_read_normal;
        if (pty_.slave_gone()) events |= object::poll_hangup;
        return events;
    }

    lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument) override {
        switch (request) {
            case tiocgptn: {
                uint32_t index = static_cast<uint32_t>(pty_.index);
                TRY(mm::copy_value_to_user(argument, index));
                return uint64_t(0);
            }
            case tiocsptlck: {
                int32_t lock;
                TRY(mm::copy_value_from_user(lock, argument));
                pty_.locked = lock != 0;
                return uint64_t(0);
            }
            case fionread: {
                int32_t queued;
                {
                    Locked locked(pty_.lock());
                    queued = static_cast<int32_t>(pty_.output_queued());
                }
                TRY(mm::copy_value_to_user(argument, queued));
                return uint64_t(0);
            }
            default:
                // termios and the window size are the pair's, from either side.
                return pty_.control(request, argument);
        }
    }

private:
    Pty& pty_;
};

void Pty::device_output(const char* bytes, size_t length) {
    size_t done = 0;
    while (done < length && output_.free_space() > 0) {
        lib::ByteSpan span = output_.writable();
        size_t count = lib::min(span.length, length - done);
        lib::copy_bytes(span.data, bytes + done, count);
        output_.commit(count);
        done += count;
    }
    (void)sched::wake(master_readers, 1 << 30);
    if (master != nullptr) master->readiness.notify(object::poll_in | object::poll_read_normal);
}

void name_of(int index, char* out, size_t capacity) {
    lib::format_to(out, capacity, "pts/%d", index);
}

void Pty::master_closed() {
    char name[16];
    name_of(index, name, sizeof name);
    (void)fs::remove_device_node(lib::StringView(name, lib::string_length(name)));
    int group = 0;
    bool controlling;
    {
        Locked locked(lock_);
        master = nullptr;
        controlling = session_ != no_session;
        group = foreground_;
    }
    ptys[index] = nullptr;
    wake_writers();
    // The slave side hangs up: readers see end of file, the session's
    // foreground group gets SIGHUP.
    notify_terminal_side();
    if (controlling) sched::send_signal_to_group(group, sched::sighup);
    if (!has_files()) lib::destroy(this);
}

void Pty::detach(TerminalFile& file) {
    Terminal::detach(file);
    bool last = false;
    {
        Locked locked(lock_);
        last = !has_files();
        // The last slave file gone: the session loses its terminal too.
        if (last) session_ = no_session;
    }
    if (last && master != nullptr) {
        (void)sched::wake(master_readers, 1 << 30);
        master->readiness.notify(object::poll_hangup);
    }
    if (last && master == nullptr) lib::destroy(this);
}

lib::ErrorOr<object::File*> open_master(fs::Vnode& node, int flags) {
    int index = 0;
    while (index < max_ptys && ptys[index] != nullptr) ++index;
    if (index == max_ptys) return lib::Error::no_space;
    auto* storage = static_cast<uint8_t*>(lib::allocate(master_buffer));
    if (storage == nullptr) return lib::Error::no_memory;
    Pty* pty = lib::make<Pty>(index, storage);
    if (pty == nullptr) {
        lib::deallocate(storage);
        return lib::Error::no_memory;
    }
    PtyMaster* master = lib::make<PtyMaster>(node, flags, *pty);
    if (master == nullptr) {
        lib::destroy(pty);
        return lib::Error::no_memory;
    }
    pty->master = master;
    ptys[index] = pty;
    char name[16];
    name_of(index, name, sizeof name);
    auto added = fs::add_device_node(lib::StringView(name, lib::string_length(name)),
                                     fs::type_character_device | 0620, fs::make_device(pts_major, index));
    if (added.is_error()) {
        master->release();  // frees the pair too
        return added.error();
    }
    return static_cast<object::File*>(master);
}

lib::ErrorOr<object::File*> open_slave(fs::Vnode& node, int flags) {
    uint32_t index = fs::device_minor(node.device);
    if (index >= max_ptys || ptys[index] == nullptr) return lib::Error::io_error;
    Pty* pty = ptys[index];
    if (pty->locked) return lib::Error::io_error;
    TerminalFile* file = lib::make<TerminalFile>(node, flags, *pty);
    if (file == nullptr) return lib::Error::no_memory;
    pty->slave_opened = true;
    pty->acquire_if_possible(flags);
    return static_cast<object::File*>(file);
}

}  // namespace

lib::Status register_pty_devices() {
    TRY(fs::register_device(ptmx_major, ptmx_minor, 1, open_master));
    TRY(fs::register_device(pts_major, 0, max_ptys, open_slave));
    return lib::ok();
}

}  // namespace tty
