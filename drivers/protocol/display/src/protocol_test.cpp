// The display codec: every message survives encode/decode, and layouts that
// lie about their counts are rejected before anything is allocated.
#include <gtest/gtest.h>
#include <unistd.h>

#include "display/protocol.h"

namespace tessera::display {
namespace {

template <typename T>
T request_round_trip(T request) {
    auto decoded = decode_request(encode(Request(std::move(request))));
    EXPECT_TRUE(decoded) << decoded.error().message;
    return std::get<T>(std::move(*decoded));
}

template <typename T>
T event_round_trip(T event) {
    auto decoded = decode_event(encode(Event(std::move(event))));
    EXPECT_TRUE(decoded) << decoded.error().message;
    return std::get<T>(std::move(*decoded));
}

TEST(DisplayCodec, RequestsRoundTrip) {
    EXPECT_EQ(request_round_trip(Hello{hello_magic, 3}).version, 3u);
    auto allocate = request_round_trip(AllocateBuffer{9, 640, 480, 1});
    EXPECT_EQ(allocate.serial, 9u);
    EXPECT_EQ(allocate.width, 640u);
    EXPECT_EQ(allocate.height, 480u);
    auto present = request_round_trip(Present{4, 2, {{1, 2, 3, 4}, {-5, -6, 7, 8}}});
    EXPECT_EQ(present.buffer_id, 2u);
    EXPECT_EQ(present.damage, (std::vector<Rect>{{1, 2, 3, 4}, {-5, -6, 7, 8}}));
    auto cursor = request_round_trip(SetCursor{1, 2, 1, 1, 0, {0xFF000000, 0x80808080}});
    EXPECT_EQ(cursor.width, 2);
    EXPECT_EQ(cursor.hotspot_x, 1);
    EXPECT_EQ(cursor.pixels, (std::vector<std::uint32_t>{0xFF000000, 0x80808080}));
    auto move = request_round_trip(MoveCursor{-3, 70000});
    EXPECT_EQ(move.x, -3);
    EXPECT_EQ(move.y, 70000);
    EXPECT_EQ(request_round_trip(SetMode{5, 2}).index, 2u);
    EXPECT_EQ(request_round_trip(GetStats{11}).serial, 11u);
    EXPECT_EQ(request_round_trip(FreeBuffer{1, 8}).buffer_id, 8u);
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ::close(fds[0]);
    auto png = request_round_trip(WritePng{3, write_png_with_cursor, wire::UniqueFd(fds[1])});
    EXPECT_EQ(png.flags, write_png_with_cursor);
    EXPECT_TRUE(png.fd.valid());
}

TEST(DisplayCodec, EventsRoundTrip) {
    auto modes = event_round_trip(Modes{1, {{640, 480, 60000}, {1920, 1080, 0}}});
    EXPECT_EQ(modes.current, 1u);
    EXPECT_EQ(modes.modes, (std::vector<Mode>{{640, 480, 60000}, {1920, 1080, 0}}));
    auto complete = event_round_trip(PresentComplete{7, 3, 123456789012345ull});
    EXPECT_EQ(complete.serial, 7u);
    EXPECT_EQ(complete.time_ns, 123456789012345ull);
    auto error = event_round_trip(ErrorEvent{2, 4, ErrorCode::no_such_object, "no such buffer"});
    EXPECT_EQ(error.code, ErrorCode::no_such_object);
    EXPECT_EQ(error.request_opcode, 4);
    EXPECT_EQ(error.message, "no such buffer");
    auto stats = event_round_trip(Stats{1, 2, 3, 4, 5, 6});
    EXPECT_EQ(stats.pixels, 4u);
    EXPECT_EQ(stats.cursor_moves, 6u);
    EXPECT_EQ(event_round_trip(Welcome{}).max_rects, max_damage_rects);
    EXPECT_EQ(event_round_trip(Done{5, 9}).request_opcode, 9);
}

TEST(DisplayCodec, EncodedSizesMatchTheDocument) {
    EXPECT_EQ(encode(Request(Hello{})).bytes.size(), 16u);
    EXPECT_EQ(encode(Request(AllocateBuffer{})).bytes.size(), 24u);
    EXPECT_EQ(encode(Request(Present{0, 0, {{}, {}, {}}})).bytes.size(), 20u + 3 * 16);
    EXPECT_EQ(encode(Request(SetCursor{0, 2, 3, 0, 0, std::vector<std::uint32_t>(6)})).bytes.size(), 20u + 24);
    EXPECT_EQ(encode(Request(MoveCursor{})).bytes.size(), 16u);
    EXPECT_EQ(encode(Request(GetStats{})).bytes.size(), 12u);
    EXPECT_EQ(encode(Event(Welcome{})).bytes.size(), 28u);
    EXPECT_EQ(encode(Event(Modes{0, {{}, {}}})).bytes.size(), 16u + 24);
    EXPECT_EQ(encode(Event(PresentComplete{})).bytes.size(), 24u);
    EXPECT_EQ(encode(Event(Stats{})).bytes.size(), 52u);
    EXPECT_EQ(encode(Event(Done{})).bytes.size(), 14u);
    EXPECT_EQ(encode(Event(ErrorEvent{0, 0, ErrorCode::malformed, "abc"})).bytes.size(), 23u);
}

wire::Message patched(wire::Message message, std::size_t offset, std::uint32_t value) {
    std::memcpy(message.bytes.data() + offset, &value, 4);
    return message;
}

TEST(DisplayCodec, HugeCountsAreMalformedNotAllocated) {
    auto present = patched(encode(Request(Present{1, 1, {{0, 0, 1, 1}}})), 16, 0xFFFFFFFF);
    auto decoded = decode_request(std::move(present));
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code, ErrorCode::malformed);

    auto modes = patched(encode(Event(Modes{0, {{640, 480, 0}}})), 12, 0x40000000);
    EXPECT_FALSE(decode_event(std::move(modes)));
    // A current index outside the list.
    EXPECT_FALSE(decode_event(patched(encode(Event(Modes{0, {{640, 480, 0}}})), 8, 1)));
}

TEST(DisplayCodec, CursorSizeMustMatchItsPixels) {
    wire::Message message = encode(Request(SetCursor{0, 2, 2, 0, 0, std::vector<std::uint32_t>(4)}));
    std::uint16_t width = 64;
    std::memcpy(message.bytes.data() + 12, &width, 2);
    EXPECT_FALSE(decode_request(std::move(message)));
}

TEST(DisplayCodec, ExtraOrMissingBytesAndFdsAreMalformed) {
    wire::Message longer = encode(Request(GetStats{1}));
    longer.bytes.push_back(0);
    EXPECT_FALSE(decode_request(std::move(longer)));
    wire::Message shorter = encode(Request(AllocateBuffer{}));
    shorter.bytes.resize(20);
    EXPECT_FALSE(decode_request(std::move(shorter)));
    // WRITE_PNG without its fd.
    wire::Message png = wire::MessageWriter(static_cast<std::uint16_t>(Opcode::write_png)).u32(1).u32(0).finish();
    EXPECT_FALSE(decode_request(std::move(png)));
    // An fd where none belongs.
    wire::Message stats = encode(Request(GetStats{1}));
    stats.fds.emplace_back(::dup(0));
    EXPECT_FALSE(decode_request(std::move(stats)));
    // Unknown opcodes, and events sent as requests.
    EXPECT_FALSE(decode_request(wire::MessageWriter(0x7F).finish()));
    EXPECT_FALSE(decode_request(encode(Event(Stats{}))));
    EXPECT_FALSE(decode_event(encode(Request(GetStats{}))));
}

}  // namespace
}  // namespace tessera::display
