// The display protocol end to end against the headless display: real
// sockets, real memfd passing, the screen checked pixel by pixel.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <png.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "test_fixture.h"

namespace tessera::headless {
namespace {

TEST_F(HeadlessDisplay, HelloAnswersWelcomeAndModes) {
    Client client = connect();
    EXPECT_EQ(client.welcome().version, display::protocol_version);
    EXPECT_EQ(client.welcome().max_dimension, display::max_dimension);
    EXPECT_EQ(client.modes(), (std::vector<Mode>{{640, 480, 60000}, {800, 600, 60000}}));
    EXPECT_EQ(client.current_mode_index(), 0u);
    EXPECT_EQ(client.current_mode(), (Mode{640, 480, 60000}));
}

TEST_F(HeadlessDisplay, PresentPutsOnlyTheDamageOnScreenAndCompletes) {
    Client client = connect();
    auto buffer = client.allocate_buffer(640, 480);
    ASSERT_TRUE(buffer) << buffer.error().message;
    EXPECT_GE(buffer->stride, 640u * 4);
    fill(*buffer, red);
    present_and_wait(client, buffer->id, {});
    Screenshot first = display->screenshot();
    EXPECT_TRUE(std::all_of(first.pixels.begin(), first.pixels.end(), [](auto p) { return p == red; }));

    // Repaint everything but declare one rectangle: only it changes.
    fill(*buffer, blue);
    present_and_wait(client, buffer->id, {{10, 20, 30, 40}});
    Screenshot second = display->screenshot();
    for (std::uint32_t y = 0; y < 480; ++y)
        for (std::uint32_t x = 0; x < 640; ++x) {
            bool inside = x >= 10 && x < 40 && y >= 20 && y < 60;
            ASSERT_EQ(second.at(x, y), inside ? blue : red) << x << "," << y;
        }
    auto stats = client.stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->presents, 2u);
    EXPECT_EQ(stats->rectangles, 2u);
    EXPECT_EQ(stats->pixels, 640u * 480 + 30 * 40);
}

TEST_F(HeadlessDisplay, DamageIsClippedToTheBufferAndTheScreen) {
    Client client = connect();
    auto buffer = client.allocate_buffer(1000, 100);  // wider than the 640x480 screen
    ASSERT_TRUE(buffer);
    fill(*buffer, red);
    std::vector<Rect> damage = {{-10, -10, 20, 20},               // 10x10 left
                                {600, 90, 100, 100},              // clipped to 40x10
                                {0, 0, 0, 50},                    // empty
                                {2000, 0, 5, 5},                  // outside
                                {0x7FFFFFF0, 0, 0x7FFFFFFF, 1}};  // would overflow 32 bits
    present_and_wait(client, buffer->id, damage);
    auto stats = client.stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->rectangles, 2u);
    EXPECT_EQ(stats->pixels, 10u * 10 + 40 * 10);
    Screenshot shot = display->screenshot();
    EXPECT_EQ(shot.at(9, 9), red);
    EXPECT_EQ(shot.at(10, 10), 0u);
    EXPECT_EQ(shot.at(639, 99), red);
    EXPECT_EQ(shot.at(599, 99), 0u);
}

TEST_F(HeadlessDisplay, BufferMemoryIsSealedAgainstShrinking) {
    auto socket = wire::connect_seqpacket(path);
    ASSERT_TRUE(socket);
    ASSERT_TRUE(wire::send_message(socket->get(), display::encode(display::Request(display::Hello{}))));
    ASSERT_TRUE(
        wire::send_message(socket->get(), display::encode(display::Request(display::AllocateBuffer{1, 64, 64, 1}))));
    wire::UniqueFd memory;
    while (!memory) {
        ASSERT_TRUE(wire::wait_readable(socket->get(), 3000));
        auto message = wire::receive_message(socket->get());
        ASSERT_TRUE(message);
        auto event = display::decode_event(std::move(*message));
        ASSERT_TRUE(event);
        if (auto* allocated = std::get_if<display::BufferAllocated>(&*event)) memory = std::move(allocated->fd);
    }
    // A hostile client cannot pull the memory from under the service.
    EXPECT_NE(::ftruncate(memory.get(), 0), 0);
    EXPECT_EQ(errno, EPERM);
}

TEST_F(HeadlessDisplay, CursorImageAndPositionWithoutTouchingTheScreen) {
    Client client = connect();
    std::vector<std::uint32_t> pixels = {0xFFFFFFFF, 0xFF00FF00, 0x00000000, 0x80800000};
    ASSERT_TRUE(client.set_cursor(2, 2, 1, 1, pixels));
    ASSERT_TRUE(client.move_cursor(100, 50));
    auto stats = client.stats();  // a round trip: everything before it is handled
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->cursor_images, 1u);
    EXPECT_EQ(stats->cursor_moves, 1u);
    EXPECT_EQ(stats->presents, 0u);
    CursorState cursor = display->cursor();
    EXPECT_EQ(cursor.x, 100);
    EXPECT_EQ(cursor.y, 50);
    EXPECT_EQ(cursor.image.width, 2);
    EXPECT_EQ(cursor.image.hotspot_x, 1);
    EXPECT_EQ(cursor.image.pixels, pixels);

    Screenshot plain = display->screenshot();
    EXPECT_EQ(plain.at(99, 49), 0u);
    Screenshot with_cursor = display->screenshot(true);
    EXPECT_EQ(with_cursor.at(99, 49), 0x00FFFFFFu);  // hotspot (1,1) at (100,50)
    EXPECT_EQ(with_cursor.at(100, 49), 0x0000FF00u);
    EXPECT_EQ(with_cursor.at(99, 50), 0u);            // transparent
    EXPECT_EQ(with_cursor.at(100, 50), 0x00800000u);  // half-transparent red over black

    ASSERT_TRUE(client.hide_cursor());
    ASSERT_TRUE(client.stats());
    EXPECT_EQ(display->cursor().image.width, 0);
}

TEST_F(HeadlessDisplay, ModeChangesReachEveryClient) {
    Client first = connect();
    Client second = connect();
    std::vector<display::Modes> seen_first, seen_second;
    first.on_modes_changed = [&](const display::Modes& m) { seen_first.push_back(m); };
    second.on_modes_changed = [&](const display::Modes& m) { seen_second.push_back(m); };

    ASSERT_TRUE(first.set_mode(1));
    while (seen_first.empty()) ASSERT_TRUE(first.dispatch_blocking(3000));
    while (seen_second.empty()) ASSERT_TRUE(second.dispatch_blocking(3000));
    EXPECT_EQ(seen_first.back().current, 1u);
    EXPECT_EQ(second.current_mode(), (Mode{800, 600, 60000}));
    EXPECT_EQ(display->screenshot().width, 800u);

    // The host resizes the output.
    ASSERT_TRUE(display->change_mode({1280, 800, 60000}));
    while (seen_second.size() < 2) ASSERT_TRUE(second.dispatch_blocking(3000));
    EXPECT_EQ(second.current_mode(), (Mode{1280, 800, 60000}));
    EXPECT_EQ(second.modes().size(), 3u);
    Screenshot shot = display->screenshot();
    EXPECT_EQ(shot.width, 1280u);
    EXPECT_EQ(shot.height, 800u);
}

Screenshot read_png(const std::string& path) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    Screenshot shot;
    if (!png_image_begin_read_from_file(&image, path.c_str())) return shot;
    image.format = PNG_FORMAT_BGRA;
    shot.width = image.width;
    shot.height = image.height;
    shot.pixels.resize(std::size_t{image.width} * image.height);
    if (!png_image_finish_read(&image, nullptr, shot.pixels.data(), 0, nullptr)) return Screenshot{};
    for (auto& pixel : shot.pixels) pixel &= 0x00FFFFFF;  // opaque: drop alpha
    return shot;
}

TEST_F(HeadlessDisplay, WritesTheScreenAsPngOnRequest) {
    Client client = connect();
    auto buffer = client.allocate_buffer(640, 480);
    ASSERT_TRUE(buffer);
    for (std::uint32_t y = 0; y < 480; ++y)
        for (std::uint32_t x = 0; x < 640; ++x)
            buffer->pixels[y * buffer->stride / 4 + x] = (x << 16) ^ (y << 4) ^ 0x0000AB;
    present_and_wait(client, buffer->id, {});
    std::string file = scratch.file("shot.png");
    auto written = client.write_png(file);
    ASSERT_TRUE(written) << written.error().message;
    Screenshot expected = display->screenshot();
    Screenshot decoded = read_png(file);
    ASSERT_EQ(decoded.width, 640u);
    ASSERT_EQ(decoded.height, 480u);
    for (std::size_t i = 0; i < expected.pixels.size(); ++i)
        ASSERT_EQ(decoded.pixels[i], expected.pixels[i] & 0x00FFFFFF) << i;
}

TEST_F(HeadlessDisplay, BadRequestsAreAnsweredAndTheConnectionStays) {
    Client client = connect();
    std::vector<display::ErrorEvent> errors;
    client.on_error = [&](const display::ErrorEvent& e) { errors.push_back(e); };

    auto zero = client.allocate_buffer(0, 10);
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().code, ErrorCode::invalid_argument);
    auto huge = client.allocate_buffer(display::max_dimension + 1, 10);
    ASSERT_FALSE(huge);
    EXPECT_EQ(huge.error().code, ErrorCode::invalid_argument);

    auto serial = client.present(999, {});
    ASSERT_TRUE(serial);
    std::vector<std::uint32_t> big(65 * 65);
    ASSERT_TRUE(client.set_cursor(65, 65, 0, 0, big));
    std::vector<std::uint32_t> small(4);
    ASSERT_TRUE(client.set_cursor(2, 2, 5, 0, small));  // hotspot outside
    ASSERT_TRUE(client.set_mode(99));
    ASSERT_TRUE(client.free_buffer(12345));
    auto buffer = client.allocate_buffer(16, 16);
    ASSERT_TRUE(buffer);
    Rect negative{0, 0, -1, 5};
    ASSERT_TRUE(client.present(buffer->id, {&negative, 1}));
    ASSERT_TRUE(client.stats());  // round trip: every error above has arrived
    ASSERT_TRUE(client.dispatch());
    ASSERT_EQ(errors.size(), 6u);
    EXPECT_EQ(errors[0].serial, *serial);
    EXPECT_EQ(errors[0].code, ErrorCode::no_such_object);
    EXPECT_EQ(errors[0].request_opcode, static_cast<std::uint16_t>(display::Opcode::present));
    EXPECT_EQ(errors[1].code, ErrorCode::invalid_argument);
    EXPECT_EQ(errors[2].code, ErrorCode::invalid_argument);
    EXPECT_EQ(errors[3].code, ErrorCode::invalid_argument);
    EXPECT_EQ(errors[4].code, ErrorCode::no_such_object);
    EXPECT_EQ(errors[5].code, ErrorCode::invalid_argument);
    EXPECT_EQ(display->cursor().image.width, 0);  // neither bad cursor was taken

    // Past the buffer limit.
    std::vector<display::Buffer> buffers;
    for (std::uint32_t i = 1; i < display::max_buffers_per_client; ++i) {
        auto more = client.allocate_buffer(4, 4);
        ASSERT_TRUE(more) << i;
    }
    auto one_too_many = client.allocate_buffer(4, 4);
    ASSERT_FALSE(one_too_many);
    EXPECT_EQ(one_too_many.error().code, ErrorCode::out_of_resources);
    // Freeing makes room again; the connection served throughout.
    ASSERT_TRUE(client.free_buffer(buffer->id));
    EXPECT_TRUE(client.allocate_buffer(4, 4));
}

TEST_F(HeadlessDisplay, EventsThatArriveDuringARoundTripAreKeptForDispatch) {
    Client client = connect();
    auto buffer = client.allocate_buffer(32, 32);
    ASSERT_TRUE(buffer);
    auto serial = client.present(buffer->id, {});
    ASSERT_TRUE(serial);
    // The completion comes before the STATS answer, so stats() keeps it.
    ASSERT_TRUE(client.stats());
    EXPECT_TRUE(client.pending());
    std::vector<std::uint32_t> completed;
    client.on_present_complete = [&](const display::PresentComplete& done) { completed.push_back(done.serial); };
    ASSERT_TRUE(client.dispatch());
    EXPECT_EQ(completed, std::vector<std::uint32_t>{*serial});
    EXPECT_FALSE(client.pending());
}

TEST_F(HeadlessDisplay, BufferIdsBelongToTheirConnection) {
    Client owner = connect();
    Client other = connect();
    auto buffer = owner.allocate_buffer(16, 16);
    ASSERT_TRUE(buffer);
    std::vector<display::ErrorEvent> errors;
    other.on_error = [&](const display::ErrorEvent& e) { errors.push_back(e); };
    ASSERT_TRUE(other.present(buffer->id, {}));
    ASSERT_TRUE(other.free_buffer(buffer->id));
    ASSERT_TRUE(other.stats());
    ASSERT_TRUE(other.dispatch());
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].code, ErrorCode::no_such_object);
    EXPECT_EQ(errors[1].code, ErrorCode::no_such_object);
    fill(*buffer, blue);
    present_and_wait(owner, buffer->id, {});  // still the owner's
    EXPECT_EQ(display->screenshot().at(15, 15), blue);
}

TEST_F(HeadlessDisplay, BufferMemoryPerClientIsCapped) {
    Client client = connect();
    // Two 256 MiB buffers reach the cap (memfds are sparse: nothing is
    // touched); one more byte's worth is refused.
    ASSERT_TRUE(client.allocate_buffer(display::max_dimension, display::max_dimension));
    ASSERT_TRUE(client.allocate_buffer(display::max_dimension, display::max_dimension));
    auto refused = client.allocate_buffer(1, 1);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::out_of_resources);
    // Another client has its own allowance.
    Client other = connect();
    EXPECT_TRUE(other.allocate_buffer(64, 64));
}

TEST_F(HeadlessDisplay, WritePngToAnUnwritableFdIsAnError) {
    Client client = connect();
    wire::UniqueFd read_only(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    auto written = client.write_png(read_only.get());
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().code, ErrorCode::io_error);
    EXPECT_TRUE(client.stats());
}

TEST_F(HeadlessDisplay, WritePngToAPipeWithoutReaderIsAnErrorNotSigpipe) {
    Client client = connect();
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    ::close(fds[0]);
    wire::UniqueFd write_end(fds[1]);
    auto written = client.write_png(write_end.get());
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().code, ErrorCode::io_error);
    EXPECT_TRUE(client.stats());  // the service (this very process) is alive
}

}  // namespace
}  // namespace tessera::headless
