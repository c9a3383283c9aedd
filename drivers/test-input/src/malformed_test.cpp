// Hostile and broken input clients: each is answered with an ERROR and
// dropped, or just dropped, and frames keep flowing to a well-behaved
// client that was connected all along and to a new one.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "input/client.h"
#include "test_input/source.h"
#include "wire/test_support.h"

namespace tessera::test_input {
namespace {

using input::Opcode;
using wire::ErrorCode;
using wire::testing::eventually;
using wire::testing::Payload;
using wire::testing::raw_message;
using wire::testing::send_raw;

std::uint16_t op(Opcode opcode) {
    return static_cast<std::uint16_t>(opcode);
}

std::vector<std::uint8_t> hello_bytes(std::uint32_t magic = input::hello_magic, std::uint32_t version = 1) {
    return raw_message(op(Opcode::hello), Payload{}.u32(magic).u32(version).bytes);
}

class MalformedInputClient : public ::testing::Test {
protected:
    void SetUp() override {
        auto started = Source::start(path);
        ASSERT_TRUE(started) << started.error().message;
        source = std::move(*started);
        auto client = input::Client::connect(path);
        ASSERT_TRUE(client);
        bystander = std::make_unique<input::Client>(std::move(*client));
    }

    // A key press reaches the bystander and a newly connected client.
    void TearDown() override {
        auto late = input::Client::connect(path);
        ASSERT_TRUE(late) << late.error().message;
        ASSERT_TRUE(source->key(KEY_Z, true));
        // Each client gets the press; the bystander may first get frames
        // sent during the test.
        const input::InputEvent press{EV_KEY, KEY_Z, 1};
        for (input::Client* client : {bystander.get(), &*late}) {
            bool pressed = false;
            client->on_frame = [&](const input::Frame& f) { pressed = pressed || f.events[0] == press; };
            while (!pressed) {
                auto dispatched = client->dispatch_blocking(3000);
                ASSERT_TRUE(dispatched) << dispatched.error().message;
            }
        }
    }

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
        auto last = input::decode_event(outcome.messages.back());
        ASSERT_TRUE(last) << last.error().message;
        auto* error = std::get_if<input::ErrorEvent>(&*last);
        ASSERT_NE(error, nullptr) << "no ERROR before the close";
        EXPECT_EQ(error->code, code) << error->message;
    }

    wire::testing::ScratchDirectory scratch;
    std::string path = scratch.file("input.sock");
    std::unique_ptr<Source> source;
    std::unique_ptr<input::Client> bystander;
};

TEST_F(MalformedInputClient, RecordShorterThanAHeader) {
    expect_rejected({9}, {}, ErrorCode::malformed, false);
}

TEST_F(MalformedInputClient, HeaderSizeDisagreesWithTheRecord) {
    expect_rejected(raw_message(op(Opcode::hello), Payload{}.u32(input::hello_magic).u32(1).bytes, 4096), {},
                    ErrorCode::malformed, false);
}

TEST_F(MalformedInputClient, UnknownOpcode) {
    expect_rejected(raw_message(0x02, {}), {}, ErrorCode::malformed);
}

TEST_F(MalformedInputClient, EventOpcodeSentAsARequest) {
    expect_rejected(raw_message(op(Opcode::frame), Payload{}.u32(1).bytes), {}, ErrorCode::malformed);
}

TEST_F(MalformedInputClient, FdSentToTheInputService) {
    wire::UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    expect_rejected(raw_message(op(Opcode::hello), Payload{}.u32(input::hello_magic).u32(1).bytes, 0, 1), {fd.get()},
                    ErrorCode::malformed, false);
}

TEST_F(MalformedInputClient, HelloTwice) {
    expect_rejected(hello_bytes(), {}, ErrorCode::protocol_state);
}

TEST_F(MalformedInputClient, WrongMagicOrVersionZero) {
    expect_rejected(hello_bytes(0xDEADBEEF), {}, ErrorCode::unsupported_version, false);
    expect_rejected(hello_bytes(input::hello_magic, 0), {}, ErrorCode::unsupported_version, false);
}

TEST_F(MalformedInputClient, RecordOverTheMaximumSize) {
    expect_rejected(raw_message(op(Opcode::hello), std::vector<std::uint8_t>(wire::max_message_size)), {},
                    ErrorCode::malformed);
}

TEST_F(MalformedInputClient, ClientsVanishingRightAfterHello) {
    for (int i = 0; i < 20; ++i) {
        auto socket = wire::connect_seqpacket(path);
        ASSERT_TRUE(socket);
        ASSERT_TRUE(send_raw(socket->get(), hello_bytes()));
    }
    ASSERT_TRUE(source->key(KEY_Q, true));
    EXPECT_TRUE(eventually([&] { return source->server().client_count() == 1; }));
}

TEST_F(MalformedInputClient, ClientThatNeverReadsIsDroppedOthersKeepUp) {
    auto socket = wire::connect_seqpacket(path);
    ASSERT_TRUE(socket);
    ASSERT_TRUE(send_raw(socket->get(), hello_bytes()));
    ASSERT_TRUE(eventually([&] { return source->server().client_count() == 2; }));
    // 32-byte frames; past 4 MiB queued the silent client is dropped. The
    // bystander reads as it goes and must not be.
    bool dropped = false;
    for (int i = 0; i < 400'000 && !dropped; ++i) {
        ASSERT_TRUE(source->pointer_relative(1, 0));
        if (i % 1000 == 999) {
            bystander->on_frame = nullptr;
            ASSERT_TRUE(bystander->dispatch());
            dropped = source->server().client_count() == 1;
        }
    }
    EXPECT_TRUE(dropped);
    auto outcome = wire::testing::read_until_closed(socket->get(), 5000);
    EXPECT_TRUE(outcome.closed);
}

}  // namespace
}  // namespace tessera::test_input
