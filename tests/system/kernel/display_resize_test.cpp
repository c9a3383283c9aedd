// The display service's mode-change event from a real display change: QEMU
// serves its screen over VNC on a Unix socket, a minimal RFB 3.8 client
// (below) asks for another desktop size with SetDesktopSize, which reaches
// virtio-gpu as a display event (events_read, config interrupt). The driver
// reads GET_DISPLAY_INFO again and sends MODES to its clients; the client
// (tests/programs/display_pattern.cpp --follow-mode-change) presents a
// whole frame at the new size, which the screendump must show exactly.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../programs/gpu_pattern.h"
#include "kernel_test.h"
#include "screen_picture.h"

namespace tessera::system_test {
namespace {

constexpr auto timeout = std::chrono::seconds(60);

// Just enough of RFB 3.8 (RFC 6143) to resize the desktop: version, the
// "None" security type, ClientInit, SetEncodings with ExtendedDesktopSize
// (-308, the extension that defines SetDesktopSize) and SetDesktopSize
// (type 251). It never asks for framebuffer updates, so the server sends
// nothing but the small ExtendedDesktopSize replies, which nobody reads.
class RfbClient {
public:
    explicit RfbClient(const std::string& path) {
        fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        if (path.size() >= sizeof address.sun_path) throw std::runtime_error("VNC socket path too long: " + path);
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        timeval limit{10, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("cannot connect to " + path + ": " + std::strerror(errno));

        std::string version = read_string(12);
        if (version.rfind("RFB 003.", 0) != 0) throw std::runtime_error("not RFB: " + version);
        write_bytes("RFB 003.008\n");
        std::vector<std::uint8_t> types = read_bytes(read_bytes(1)[0]);
        if (types.empty()) throw std::runtime_error("the server refused the connection");
        bool has_none = false;
        for (std::uint8_t type : types) has_none = has_none || type == 1;
        if (!has_none) throw std::runtime_error("no security type None");
        write_bytes(std::string(1, '\x01'));
        if (read_u32() != 0) throw std::runtime_error("security handshake failed");
        write_bytes(std::string(1, '\x01'));  // ClientInit: shared
        width_ = read_u16();
        height_ = read_u16();
        (void)read_bytes(16);  // pixel format
        (void)read_string(read_u32());

        // SetEncodings: Raw, ExtendedDesktopSize.
        std::string encodings = {2, 0, 0, 2};
        append_u32(encodings, 0);
        append_u32(encodings, static_cast<std::uint32_t>(-308));
        write_bytes(encodings);
    }
    ~RfbClient() {
        if (fd_ >= 0) close(fd_);
    }
    RfbClient(const RfbClient&) = delete;
    RfbClient& operator=(const RfbClient&) = delete;

    // The size from ServerInit.
    std::uint16_t width() const { return width_; }
    std::uint16_t height() const { return height_; }

    // SetDesktopSize with one screen covering the desktop.
    void set_desktop_size(std::uint16_t width, std::uint16_t height) {
        std::string message = {static_cast<char>(251), 0};
        append_u16(message, width);
        append_u16(message, height);
        message += std::string{1, 0};  // one screen, padding
        append_u32(message, 0);        // screen id
        append_u16(message, 0);        // x
        append_u16(message, 0);        // y
        append_u16(message, width);
        append_u16(message, height);
        append_u32(message, 0);  // flags
        write_bytes(message);
    }

private:
    static void append_u16(std::string& out, std::uint16_t value) {
        out += static_cast<char>(value >> 8);
        out += static_cast<char>(value & 0xFF);
    }
    static void append_u32(std::string& out, std::uint32_t value) {
        append_u16(out, static_cast<std::uint16_t>(value >> 16));
        append_u16(out, static_cast<std::uint16_t>(value & 0xFFFF));
    }
    std::vector<std::uint8_t> read_bytes(std::size_t count) {
        std::vector<std::uint8_t> bytes(count);
        std::size_t done = 0;
        while (done < count) {
            ssize_t got = read(fd_, bytes.data() + done, count - done);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) throw std::runtime_error("VNC server closed or timed out");
            done += static_cast<std::size_t>(got);
        }
        return bytes;
    }
    std::string read_string(std::size_t count) {
        auto bytes = read_bytes(count);
        return std::string(bytes.begin(), bytes.end());
    }
    std::uint16_t read_u16() {
        auto b = read_bytes(2);
        return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
    }
    std::uint32_t read_u32() {
        auto b = read_bytes(4);
        return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
    }
    void write_bytes(const std::string& bytes) {
        if (send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
            throw std::runtime_error("cannot write to the VNC server");
    }

    int fd_ = -1;
    std::uint16_t width_ = 0, height_ = 0;
};

std::uint64_t pattern_differences(const std::filesystem::path& png, std::uint32_t width, std::uint32_t height) {
    Picture picture = read_png(png);
    if (picture.width != width || picture.height != height) return std::uint64_t{width} * height;
    std::uint64_t count = 0;
    for (std::uint32_t y = 0; y < height; ++y) {
        for (std::uint32_t x = 0; x < width; ++x) count += picture.at(x, y) != gpu_pattern::pattern(x, y);
    }
    return count;
}

TEST(DisplayService, AVncDesktopResizeSendsAModeChangeAndAFrameAtTheNewSizeIsExactOnScreen) {
    // sun_path holds 108 bytes: the test's work directory may be deeper.
    char directory[] = "/tmp/tessera-vnc-XXXXXX";
    ASSERT_NE(mkdtemp(directory), nullptr);
    std::string vnc_socket = std::string(directory) + "/vnc.sock";
    auto options = kernel_test_options(
        "init=/sbin/devmgr --verbose-drivers -- /sbin/display-pattern --follow-mode-change", "devices");
    options.display = "vnc=unix:" + vnc_socket;
    options.extra_arguments = {"-vga", "none", "-device", "virtio-gpu-pci,xres=1024,yres=768"};
    {
        qemu::Machine machine(options);
        ASSERT_TRUE(machine.wait_for_serial("display-pattern: step 1 presented", timeout)) << machine.serial_output();
        auto png = machine.work_directory() / "before-resize.png";
        machine.screendump(png);
        EXPECT_EQ(pattern_differences(png, 1024, 768), 0u) << png;

        RfbClient vnc(vnc_socket);
        EXPECT_EQ(vnc.width(), 1024);
        EXPECT_EQ(vnc.height(), 768);
        vnc.set_desktop_size(1280, 800);
        ASSERT_TRUE(machine.wait_for_serial("virtio-gpu: display event, mode 1280x800", timeout))
            << machine.serial_output();
        ASSERT_TRUE(machine.wait_for_serial("display-pattern: mode changed to 1280x800", timeout))
            << machine.serial_output();
        ASSERT_TRUE(machine.wait_for_serial("display-pattern: resized presented 1280x800", timeout))
            << machine.serial_output();
        png = machine.work_directory() / "after-resize.png";
        machine.screendump(png);
        EXPECT_EQ(pattern_differences(png, 1280, 800), 0u) << png;

        // The remaining steps run at the new size too.
        machine.write_serial("next\n");
        ASSERT_TRUE(machine.wait_for_serial("display-pattern: step 2 presented", timeout)) << machine.serial_output();
        machine.write_serial("next\n");
        ASSERT_TRUE(machine.wait_for_serial("display-pattern: step 3 cursor moved", timeout)) << machine.serial_output();
        machine.write_serial("next\n");
        EXPECT_EQ(machine.wait_for_exit(timeout), 0) << machine.serial_output();
    }
    std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace tessera::system_test
