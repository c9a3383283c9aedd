#include "ipc/epoll.h"

#include "lib/allocator.h"
#include "lib/list.h"
#include "object/readiness.h"
#include "sched/clock.h"
#include "sched/thread.h"

namespace ipc {
namespace {

using object::File;

constexpr uint32_t always_reported = object::poll_error | object::poll_hangup;
// Linux refuses nesting deeper than this (and loops) with ELOOP.
constexpr int max_nesting = 5;
constexpr uint32_t mode_type_mask = 0170000, mode_regular = 0100000, mode_directory = 0040000;

class Epoll;

// Waits on file's readiness queue (the ReadinessWaiter base).
struct Item : object::ReadinessWaiter {
    lib::ListNode list_node;              // in the epoll's list
    Epoll* owner = nullptr;
    File* file = nullptr;  // not a reference: the item goes with the file
    int fd = -1;
    uint32_t events = 0;
    uint64_t data = 0;
    bool pending = true;    // notified since last reported (edge-triggered)
    bool disabled = false;  // a one-shot item that has fired
    uint64_t recheck_ns = 0;  // the file's readiness deadline when last looked at
};

using ItemList = lib::List<Item, &Item::list_node>;

class Epoll final : public File {
public:
    ~Epoll() override {
        items_.for_each([&](Item& item) { drop(item); });
    }

    Item* find(int fd, File& file) {
        Item* found = nullptr;
        items_.for_each([&](Item& item) {
            if (item.fd == fd && item.file == &file) found = &item;
        });
        return found;
    }

    lib::Status add(int fd, File& file, const EpollEvent& event) {
        if (find(fd, file) != nullptr) return lib::Error::exists;
        Item* item = lib::make<Item>();
        if (item == nullptr) return lib::Error::no_memory;
        item->owner = this;
        item->file = &file;
        item->fd = fd;
        set_interest(*item, event);
        item->changed = on_change;
        items_.push_back(*item);
        file.readiness.add(*item);
        // Already ready: epoll_wait reports it (and the epoll is readable).
        if (file.ready_events() & interest_of(*item)) readiness.notify(object::poll_in);
        return lib::ok();
    }

    lib::Status modify(Item& item, const EpollEvent& event) {
        set_interest(item, event);
        if (item.file->ready_events() & interest_of(item)) readiness.notify(object::poll_in);
        return lib::ok();
    }

    void remove(Item& item) { drop(item); }

    // Fills events with what is ready now, consuming edges and one-shots.
    size_t collect(EpollEvent* events, size_t capacity) {
        size_t count = 0;
        uint64_t now = sched::monotonic_ns();
        ItemList reported;
        items_.for_each([&](Item& item) {
            if (count == capacity || item.disabled) return;
            bool edge = (item.events & epoll_edge_triggered) != 0;
            if (item.recheck_ns != 0 && now >= item.recheck_ns) item.pending = true;
            if (edge && !item.pending) return;
            item.pending = false;
            item.recheck_ns = item.file->readiness_deadline();
            uint32_t ready = item.file->ready_events() & interest_of(item);
            if (ready == 0) return;
            events[count++] = EpollEvent{ready, item.data};
            if (item.events & epoll_one_shot) item.disabled = true;
            // Reported items go to the back so a small maxevents still
            // reaches every ready item in turn.
            ItemList::remove(item);
            reported.push_back(item);
        });
        reported.for_each([&](Item& item) {
            ItemList::remove(item);
            items_.push_back(item);
        });
        return count;
    }

    // Whether collect would report anything, without consuming it.
    uint32_t ready_events() override {
        uint32_t events = 0;
        uint64_t now = sched::monotonic_ns();
        items_.for_each([&](Item& item) {
            if (events != 0 || item.disabled) return;
            bool edge = (item.events & epoll_edge_triggered) != 0;
            bool recheck = item.recheck_ns != 0 && now >= item.recheck_ns;
            if (edge && !item.pending && !recheck) return;
            if (item.file->ready_events() & interest_of(item)) events = object::poll_in | object::poll_read_normal;
        });
        return events;
    }

    // The earliest time an item's readiness may change unannounced.
    uint64_t readiness_deadline() override {
        uint64_t earliest = 0;
        items_.for_each([&](Item& item) {
            if (item.disabled) return;
            uint64_t deadline = item.file->readiness_deadline();
            if (deadline != 0 && (earliest == 0 || deadline < earliest)) earliest = deadline;
        });
        return earliest;
    }

    lib::ErrorOr<object::FileStatus> status() override {
        object::FileStatus status;
        status.inode = reinterpret_cast<uint64_t>(this) >> 4;
        status.mode = 0600;
        return status;
    }

    // Whether target is this epoll or reaches it through nested epolls, or
    // the nesting below target is too deep.
    bool would_loop(File& target, int depth) {
        if (&target == this || depth > max_nesting) return true;
        if (target.kind != object::FileKind::epoll) return false;
        bool loops = false;
        static_cast<Epoll&>(target).items_.for_each([&](Item& item) {
            if (!loops && would_loop(*item.file, depth + 1)) loops = true;
        });
        return loops;
    }

private:
    static uint32_t interest_of(const Item& item) {
        return (item.events & ~(epoll_edge_triggered | epoll_one_shot | epoll_exclusive | epoll_wakeup)) |
               always_reported;
    }

    void set_interest(Item& item, const EpollEvent& event) {
        item.events = event.events;
        item.data = event.data;
        item.pending = true;
        item.disabled = false;
        item.interest = interest_of(item);
    }

    static void on_change(object::ReadinessWaiter& waiter, uint32_t events) {
        Item& item = static_cast<Item&>(waiter);
        Epoll* owner = item.owner;
        if (events & object::readiness_file_closing) {
            owner->drop(item);
            return;
        }
        item.pending = true;
        if (!item.disabled) owner->readiness.notify(object::poll_in | object::poll_read_normal);
    }

    void drop(Item& item) {
        object::ReadinessQueue::remove(item);
        ItemList::remove(item);
        lib::destroy(&item);
    }

    ItemList items_;
};

}  // namespace

lib::ErrorOr<File*> create_epoll(int status_flags) {
    auto* epoll = lib::make<Epoll>();
    if (epoll == nullptr) return lib::Error::no_memory;
    epoll->status_flags = status_flags | 2;
    epoll->kind = object::FileKind::epoll;
    return static_cast<File*>(epoll);
}

lib::Status control_epoll(File& file, EpollOperation operation, int fd, File& target, const EpollEvent& event) {
    if (file.kind != object::FileKind::epoll) return lib::Error::invalid_argument;
    auto& epoll = static_cast<Epoll&>(file);
    if (&target == &file) return lib::Error::invalid_argument;
    // Files that are always ready cannot be waited for.
    if (target.kind == object::FileKind::other) {
        auto status = target.status();
        uint32_t type = status.is_error() ? 0 : status.value().mode & mode_type_mask;
        if (type == mode_regular || type == mode_directory) return lib::Error::not_permitted;
    }
    Item* item = epoll.find(fd, target);
    switch (operation) {
        case EpollOperation::add:
            if (item != nullptr) return lib::Error::exists;
            if ((event.events & epoll_exclusive) && target.kind == object::FileKind::epoll) {
                return lib::Error::invalid_argument;
            }
            if (epoll.would_loop(target, 1)) return lib::Error::too_many_links;
            return epoll.add(fd, target, event);
        case EpollOperation::modify:
            if (item == nullptr) return lib::Error::not_found;
            // Linux: an exclusive item cannot be modified, nor made exclusive.
            if ((event.events & epoll_exclusive) || (item->events & epoll_exclusive)) {
                return lib::Error::invalid_argument;
            }
            return epoll.modify(*item, event);
        case EpollOperation::remove:
            if (item == nullptr) return lib::Error::not_found;
            epoll.remove(*item);
            return lib::ok();
    }
    return lib::Error::invalid_argument;
}

lib::ErrorOr<size_t> wait_epoll(File& file, EpollEvent* events, size_t capacity, uint64_t deadline_ns) {
    if (file.kind != object::FileKind::epoll) return lib::Error::invalid_argument;
    auto& epoll = static_cast<Epoll&>(file);
    object::ReadinessSleeper sleeper;
    object::SleeperWaiter waiter;
    sleeper.prepare(waiter, object::poll_in);
    epoll.readiness.add(waiter);
    size_t count = 0;
    for (;;) {
        count = epoll.collect(events, capacity);
        if (count > 0 || (deadline_ns != 0 && sched::monotonic_ns() >= deadline_ns)) break;
        if (sched::current_thread_must_exit()) {
            object::ReadinessQueue::remove(waiter);
            return lib::Error::interrupted;  // EINTR (a signal) or the thread is leaving
        }
        uint64_t deadline = deadline_ns;
        uint64_t recheck = epoll.readiness_deadline();
        if (recheck != 0 && (deadline == 0 || recheck < deadline)) deadline = recheck;
        (void)sleeper.block(deadline);
    }
    object::ReadinessQueue::remove(waiter);
    return count;
}

}  // namespace ipc
