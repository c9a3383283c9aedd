// Hostile and broken clients: each is answered with an ERROR and dropped,
// or just dropped, and the display keeps serving well-behaved clients,
// including one that was connected all along.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_fixture.h"

namespace tessera::headless {
namespace {

using display::Opcode;
using wire::testing::Payload;
using wire::testing::raw_message;
using wire::testing::send_raw;

std::uint16_t op(Opcode opcode) {
    return static_cast<std::uint16_t>(opcode);
}

std::vector<std::uint8_t> hello_bytes(std::uint32_t magic = display::hello_magic, std::uint32_t version = 1) {
    return raw_message(op(Opcode::hello), Payload{}.u32(magic).u32(version).bytes);
}

class MalformedDisplayClient : public HeadlessDisplay {
protected:
    // Sends hello (when asked) then the given record, and expects an ERROR
    // with code followed by the service closing the connection.
    void expect_rejected(const std::vector<std::uint8_t>& bytes, const std::vector<int>& fds, ErrorCode code,
                         bool say_hello = true) {
        auto socket = wire::connect_seqpacket(path);
        ASSERT_TRUE(socket);
        if (say_hello) {
            ASSERT_TRUE(send_raw(socket->get(), hello_bytes()));
        }
        ASSERT_TRUE(send_raw(socket->get(), bytes, fds));
        auto outcome = wire::testing::read_until_closed(socket->get());
        EXPECT_TRUE(outcome.closed) << "the service kept a broken client";
        ASSERT_FALSE(outcome.messages.empty());
        auto last = display::decode_event(std::move(outcome.messages.back()));
        ASSERT_TRUE(last) << last.error().message;
        auto* error = std::get_if<display::ErrorEvent>(&*last);
        ASSERT_NE(error, nullptr) << "no ERROR before the close";
        EXPECT_EQ(error->code, code) << error->message;
    }

    void SetUp() override {
        HeadlessDisplay::SetUp();
        auto client = Client::connect(path);
        ASSERT_TRUE(client);
        bystander = std::make_unique<Client>(std::move(*client));
    }

    // The client connected before the hostile one is still served, and so
    // is a new one.
    void TearDown() override {
        auto buffer = bystander->allocate_buffer(4, 4);
        ASSERT_TRUE(buffer) << buffer.error().message;
        fill(*buffer, 0x00ABCDEF);
        present_and_wait(*bystander, buffer->id, {});
        EXPECT_EQ(display->screenshot().at(3, 3), 0x00ABCDEFu);
        expect_service_still_works();
    }

    std::unique_ptr<Client> bystander;
};

TEST_F(MalformedDisplayClient, RecordShorterThanAHeader) {
    expect_rejected({1, 0, 0}, {}, ErrorCode::malformed, false);
}

TEST_F(MalformedDisplayClient, HeaderSizeDisagreesWithTheRecord) {
    expect_rejected(raw_message(op(Opcode::get_stats), Payload{}.u32(1).bytes, 100), {}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, UnknownOpcode) {
    expect_rejected(raw_message(0x33, Payload{}.u32(1).bytes), {}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, PayloadLongerThanTheOpcodeAllows) {
    expect_rejected(raw_message(op(Opcode::move_cursor), Payload{}.i32(1).i32(2).i32(3).bytes), {},
                    ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, HugeRectangleCount) {
    Payload payload;
    payload.u32(1).u32(1).u32(0xFFFFFFFF).i32(0).i32(0).i32(1).i32(1);
    expect_rejected(raw_message(op(Opcode::present), payload.bytes), {}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, CursorPixelsDisagreeWithItsSize) {
    Payload payload;
    payload.u32(1).u16(64).u16(64).u16(0).u16(0).u32(0).u32(0);
    expect_rejected(raw_message(op(Opcode::set_cursor), payload.bytes), {}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, FdAttachedWhereNoneBelongs) {
    wire::UniqueFd fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    expect_rejected(raw_message(op(Opcode::get_stats), Payload{}.u32(1).bytes, 0, 1), {fd.get()}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, HeaderPromisesAnFdThatNeverCame) {
    expect_rejected(raw_message(op(Opcode::write_png), Payload{}.u32(1).u32(0).bytes, 0, 1), {}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, WritePngWithoutAnFd) {
    expect_rejected(raw_message(op(Opcode::write_png), Payload{}.u32(1).u32(0).bytes), {}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, TooManyFds) {
    wire::UniqueFd fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    std::vector<int> fds(wire::max_fds_per_message + 1, fd.get());
    expect_rejected(raw_message(op(Opcode::write_png), Payload{}.u32(1).u32(0).bytes, 0, 5), fds, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, RecordOverTheMaximumSize) {
    std::vector<std::uint8_t> payload(wire::max_message_size);
    expect_rejected(raw_message(op(Opcode::present), payload), {}, ErrorCode::malformed);
}

TEST_F(MalformedDisplayClient, RequestBeforeHello) {
    expect_rejected(raw_message(op(Opcode::get_stats), Payload{}.u32(1).bytes), {}, ErrorCode::protocol_state, false);
}

TEST_F(MalformedDisplayClient, HelloTwice) {
    expect_rejected(hello_bytes(), {}, ErrorCode::protocol_state);
}

TEST_F(MalformedDisplayClient, WrongMagicOrVersionZero) {
    expect_rejected(hello_bytes(0x12345678), {}, ErrorCode::unsupported_version, false);
    expect_rejected(hello_bytes(display::hello_magic, 0), {}, ErrorCode::unsupported_version, false);
}

TEST_F(MalformedDisplayClient, ClientsVanishingMidRequest) {
    for (int i = 0; i < 20; ++i) {
        auto socket = wire::connect_seqpacket(path);
        ASSERT_TRUE(socket);
        ASSERT_TRUE(send_raw(socket->get(), hello_bytes()));
        ASSERT_TRUE(send_raw(
            socket->get(), raw_message(op(Opcode::allocate_buffer), Payload{}.u32(1).u32(256).u32(256).u32(1).bytes)));
        ASSERT_TRUE(send_raw(socket->get(), raw_message(op(Opcode::present), Payload{}.u32(2).u32(1).u32(0).bytes)));
        // Gone before reading any answer; the answers have nowhere to go.
    }
    EXPECT_TRUE(eventually([&] { return display->server().client_count() == 1; }));  // the bystander
}

TEST_F(MalformedDisplayClient, ClientThatNeverReadsIsDropped) {
    auto socket = wire::connect_seqpacket(path);
    ASSERT_TRUE(socket);
    ASSERT_TRUE(send_raw(socket->get(), hello_bytes()));
    auto request = raw_message(op(Opcode::get_stats), Payload{}.u32(1).bytes);
    // Each request earns a 52-byte answer that is never read. The service
    // queues up to its limit, then drops the client: the sends start failing.
    bool dropped = false;
    for (int i = 0; i < 2'000'000 && !dropped; ++i) dropped = !send_raw(socket->get(), request);
    EXPECT_TRUE(dropped);
    EXPECT_TRUE(eventually([&] { return display->server().client_count() == 1; }));
}

}  // namespace
}  // namespace tessera::headless
