// Framing: one message per SEQPACKET record, fds with their message, and
// every way a record can lie about itself.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wire/message.h"
#include "wire/socket.h"
#include "wire/test_support.h"

namespace tessera::wire {
namespace {

using testing::raw_message;
using testing::send_raw;

struct SocketPair {
    UniqueFd a, b;
    SocketPair() {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
        a.reset(fds[0]);
        b.reset(fds[1]);
    }
};

struct Pipe {
    UniqueFd read, write;
    Pipe() {
        int fds[2];
        EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
        read.reset(fds[0]);
        write.reset(fds[1]);
    }
    // True when every write end is closed: a read sees end of file.
    bool writers_closed() {
        char byte;
        ::fcntl(read.get(), F_SETFL, O_NONBLOCK);
        return ::read(read.get(), &byte, 1) == 0;
    }
};

TEST(Framing, MessageWithFdArrivesWhole) {
    SocketPair pair;
    Pipe pipe;
    Message sent = MessageWriter(0x42).u32(7).u64(1ull << 40).string("hello", 16).fd(std::move(pipe.write)).finish();
    ASSERT_TRUE(send_message(pair.a.get(), sent));
    auto received = receive_message(pair.b.get());
    ASSERT_TRUE(received) << received.error().message;
    EXPECT_EQ(received->bytes, sent.bytes);
    EXPECT_EQ(received->opcode(), 0x42);
    EXPECT_EQ(received->header().fd_count, 1);
    ASSERT_EQ(received->fds.size(), 1u);
    // The received fd is the pipe's write end: bytes written come out.
    ASSERT_EQ(::write(received->fds[0].get(), "x", 1), 1);
    char byte = 0;
    ASSERT_EQ(::read(pipe.read.get(), &byte, 1), 1);
    EXPECT_EQ(byte, 'x');

    MessageReader reader(received->bytes);
    EXPECT_EQ(reader.u32(), 7u);
    EXPECT_EQ(reader.u64(), 1ull << 40);
    EXPECT_EQ(reader.string(16), "hello");
    EXPECT_TRUE(reader.at_end());
}

TEST(Framing, NothingToReadIsWouldBlockAndCloseIsDisconnected) {
    SocketPair pair;
    auto nothing = receive_message(pair.b.get());
    ASSERT_FALSE(nothing);
    EXPECT_EQ(nothing.error().code, ErrorCode::would_block);
    pair.a.reset();
    auto closed = receive_message(pair.b.get());
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().code, ErrorCode::disconnected);
}

void expect_malformed(int socket) {
    auto received = receive_message(socket);
    ASSERT_FALSE(received);
    EXPECT_EQ(received.error().code, ErrorCode::malformed) << received.error().message;
}

TEST(Framing, RejectsRecordsShorterThanTheHeader) {
    SocketPair pair;
    ASSERT_TRUE(send_raw(pair.a.get(), {1, 2, 3}));
    expect_malformed(pair.b.get());
}

TEST(Framing, RejectsSizeThatDiffersFromTheRecord) {
    SocketPair pair;
    ASSERT_TRUE(send_raw(pair.a.get(), raw_message(1, {0, 0, 0, 0}, 9999)));
    expect_malformed(pair.b.get());
    ASSERT_TRUE(send_raw(pair.a.get(), raw_message(1, {0, 0, 0, 0}, 8)));
    expect_malformed(pair.b.get());
}

TEST(Framing, RejectsRecordsOverTheMaximumSize) {
    SocketPair pair;
    int size = 1 << 20;
    ::setsockopt(pair.a.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    std::vector<std::uint8_t> payload(max_message_size);  // header + this is over the limit
    ASSERT_TRUE(send_raw(pair.a.get(), raw_message(1, payload)));
    expect_malformed(pair.b.get());
}

TEST(Framing, RejectsFdCountMismatchAndClosesTheFds) {
    SocketPair pair;
    {
        Pipe pipe;
        ASSERT_TRUE(send_raw(pair.a.get(), raw_message(1, {}, 0, 0), {pipe.write.get()}));
        pipe.write.reset();
        expect_malformed(pair.b.get());
        EXPECT_TRUE(pipe.writers_closed());
    }
    ASSERT_TRUE(send_raw(pair.a.get(), raw_message(1, {}, 0, 1)));
    expect_malformed(pair.b.get());
}

TEST(Framing, RejectsTooManyFdsAndClosesThemAll) {
    SocketPair pair;
    Pipe pipe;
    std::vector<int> fds(max_fds_per_message + 1, pipe.write.get());
    ASSERT_TRUE(send_raw(pair.a.get(), raw_message(1, {}, 0, static_cast<std::uint16_t>(fds.size())), fds));
    pipe.write.reset();
    expect_malformed(pair.b.get());
    EXPECT_TRUE(pipe.writers_closed());
}

TEST(MessageReader, ReadingPastTheEndFailsInsteadOfOverrunning) {
    Message message = MessageWriter(1).u16(5).finish();
    MessageReader reader(message.bytes);
    EXPECT_EQ(reader.u16(), 5);
    EXPECT_TRUE(reader.at_end());
    EXPECT_EQ(reader.u32(), 0u);
    EXPECT_TRUE(reader.failed());
    EXPECT_FALSE(reader.at_end());
}

TEST(MessageReader, StringLongerThanAllowedFails) {
    Message message = MessageWriter(1).string("abcdef", 100).finish();
    MessageReader too_strict(message.bytes);
    too_strict.string(3);
    EXPECT_TRUE(too_strict.failed());
    // A length prefix that claims more bytes than the message holds.
    Message lying = MessageWriter(1).u16(50).u8('a').finish();
    MessageReader reader(lying.bytes);
    reader.string(100);
    EXPECT_TRUE(reader.failed());
}

}  // namespace
}  // namespace tessera::wire
