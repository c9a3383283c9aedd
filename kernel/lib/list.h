// An intrusive doubly linked list: objects carry their own ListNode, so
// putting a thread on a run queue or a wait queue never allocates (and
// never fails).
#pragma once
#include <stddef.h>

namespace lib {

struct ListNode {
    ListNode* previous = nullptr;
    ListNode* next = nullptr;
    bool linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Node>
class List {
public:
    List() {
        head_.previous = &head_;
        head_.next = &head_;
    }
    List(const List&) = delete;
    List& operator=(const List&) = delete;

    bool empty() const { return head_.next == &head_; }

    void push_back(T& item) { insert_before(head_, item); }

    void insert_before(ListNode& position, T& item) {
        ListNode& node = item.*Node;
        node.previous = position.previous;
        node.next = &position;
        position.previous->next = &node;
        position.previous = &node;
    }

    static void remove(T& item) {
        ListNode& node = item.*Node;
        if (!node.linked()) return;
        node.previous->next = node.next;
        node.next->previous = node.previous;
        node.previous = node.next = nullptr;
    }

    T* front() { return empty() ? nullptr : owner(head_.next); }
    T* pop_front() {
        T* item = front();
        if (item != nullptr) remove(*item);
        return item;
    }

    // Iteration that tolerates removing the current item.
    template <typename F>
    void for_each(F&& function) {
        for (ListNode* node = head_.next; node != &head_;) {
            ListNode* next = node->next;
            function(*owner(node));
            node = next;
        }
    }

    ListNode& end_node() { return head_; }
    ListNode* first_node() { return head_.next; }
    static T* owner(ListNode* node) {
        // The offset of Node inside T, computed without a T object.
        const size_t offset = reinterpret_cast<size_t>(&(static_cast<T*>(nullptr)->*Node));
        return reinterpret_cast<T*>(reinterpret_cast<char*>(node) - offset);
    }

private:
    ListNode head_;
};

}  // namespace lib
