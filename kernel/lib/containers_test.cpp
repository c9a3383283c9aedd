#include <gtest/gtest.h>

#include "lib/list.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "lib/test_allocator.h"
#include "lib/vector.h"

namespace {

TEST(Vector, AppendsInsertsAndRemoves) {
    lib::Vector<int> values;
    for (int i = 0; i < 10; ++i) ASSERT_FALSE(values.try_append(i).is_error());
    ASSERT_FALSE(values.try_insert(0, -1).is_error());
    EXPECT_TRUE(values.try_insert(100, 5).is_error());
    EXPECT_EQ(values.size(), 11u);
    EXPECT_EQ(values[0], -1);
    EXPECT_EQ(values[10], 9);
    values.remove(0);
    EXPECT_EQ(values[0], 0);
    EXPECT_EQ(values.size(), 10u);
}

TEST(Vector, AllocationFailureIsAnErrorAndChangesNothing) {
    long live = lib::live_allocation_count();
    {
        lib::Vector<int> values;
        ASSERT_FALSE(values.try_append(1).is_error());  // capacity 4
        for (int i = 0; i < 3; ++i) ASSERT_FALSE(values.try_append(i).is_error());
        lib::fail_allocations_after(0);
        auto status = values.try_append(99);
        lib::fail_allocations_after(-1);
        ASSERT_TRUE(status.is_error());
        EXPECT_EQ(status.error(), lib::Error::no_memory);
        EXPECT_EQ(values.size(), 4u);
        EXPECT_EQ(values[3], 2);
    }
    EXPECT_EQ(lib::live_allocation_count(), live) << "nothing leaked";
}

TEST(String, CopyFailsCleanlyWithoutMemory) {
    auto copy = lib::String::copy("hello");
    ASSERT_FALSE(copy.is_error());
    EXPECT_STREQ(copy.value().c_str(), "hello");
    lib::fail_allocations_after(0);
    auto failed = lib::String::copy("x");
    lib::fail_allocations_after(-1);
    EXPECT_TRUE(failed.is_error());
}

struct Item {
    int value;
    lib::ListNode node;
};

TEST(List, IntrusiveQueueKeepsOrderAndUnlinks) {
    lib::List<Item, &Item::node> list;
    Item a{1, {}}, b{2, {}}, c{3, {}};
    list.push_back(a);
    list.push_back(b);
    list.push_back(c);
    lib::List<Item, &Item::node>::remove(b);
    EXPECT_FALSE(b.node.linked());
    int sum = 0;
    list.for_each([&](Item& item) { sum = sum * 10 + item.value; });
    EXPECT_EQ(sum, 13);
    EXPECT_EQ(list.pop_front()->value, 1);
    EXPECT_EQ(list.pop_front()->value, 3);
    EXPECT_TRUE(list.empty());
    EXPECT_EQ(list.pop_front(), nullptr);
}

TEST(SpinlockProtected, ReachesDataOnlyThroughWith) {
    lib::SpinlockProtected<int> counter(lib::LockRank::test_outer, 5);
    int seen = counter.with([](int& value) { return ++value; });
    EXPECT_EQ(seen, 6);
}

int violations = 0;

TEST(SpinlockProtected, LockOrderIsChecked) {
    lib::set_lock_order_hook([](lib::LockRank, uint32_t) { ++violations; });
    lib::SpinlockProtected<int> outer(lib::LockRank::test_outer, 1);
    lib::SpinlockProtected<int> inner(lib::LockRank::test_inner, 2);
    violations = 0;
    outer.with([&](int&) { inner.with([](int&) {}); });
    EXPECT_EQ(violations, 0);
    inner.with([&](int&) { outer.with([](int&) {}); });
    EXPECT_EQ(violations, 1) << "inner then outer is out of order";
    lib::set_lock_order_hook(nullptr);
}

}  // namespace
