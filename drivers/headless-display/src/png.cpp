// PNG output with libpng. libpng reports errors by longjmp, so the function
// that calls setjmp keeps no objects with destructors alive across it.
#include <png.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include <csetjmp>
#include <cstring>
#include <vector>

#include "headless_display/headless_display.h"

namespace tessera::headless {
namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + size);
}

void flush_nothing(png_structp) {}

// Returns false when libpng failed.
bool encode(std::vector<std::uint8_t>& out, std::vector<std::uint8_t>& row, std::uint32_t width, std::uint32_t height,
            const std::uint32_t* pixels, std::uint32_t stride) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (png == nullptr) return false;
    png_infop info = png_create_info_struct(png);
    if (info == nullptr || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : nullptr);
        return false;
    }
    png_set_write_fn(png, &out, append_bytes, flush_nothing);
    // Fast over small: screenshots are taken often in tests.
    png_set_compression_level(png, 1);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (std::uint32_t y = 0; y < height; ++y) {
        const auto* source = reinterpret_cast<const std::uint32_t*>(reinterpret_cast<const std::uint8_t*>(pixels) +
                                                                    std::size_t{y} * stride);
        for (std::uint32_t x = 0; x < width; ++x) {
            row[x * 3 + 0] = std::uint8_t(source[x] >> 16);
            row[x * 3 + 1] = std::uint8_t(source[x] >> 8);
            row[x * 3 + 2] = std::uint8_t(source[x]);
        }
        png_write_row(png, row.data());
    }
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

// The destination may be a pipe whose reader is gone: the write must fail
// with EPIPE instead of killing the service with SIGPIPE. Blocks SIGPIPE in
// this thread for the guard's life and consumes one raised meanwhile.
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigemptyset(&sigpipe_);
        sigaddset(&sigpipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &sigpipe_, &previous_);
        was_pending_ = pending();
    }
    ~SigpipeBlocked() {
        if (!was_pending_ && pending()) {
            timespec zero{};
            sigtimedwait(&sigpipe_, nullptr, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }

private:
    static bool pending() {
        sigset_t set;
        sigpending(&set);
        return sigismember(&set, SIGPIPE) == 1;
    }
    sigset_t sigpipe_;
    sigset_t previous_;
    bool was_pending_ = false;
};

}  // namespace

Result<void> write_png(int fd, std::uint32_t width, std::uint32_t height, const std::uint32_t* pixels,
                       std::uint32_t stride) {
    if (width == 0 || height == 0 || stride < width * 4)
        return wire::make_error(wire::ErrorCode::invalid_argument, "empty image or bad stride");
    std::vector<std::uint8_t> out;
    std::vector<std::uint8_t> row(std::size_t{width} * 3);
    if (!encode(out, row, width, height, pixels, stride))
        return wire::make_error(wire::ErrorCode::io_error, "libpng failed");
    // The fd may be a pipe that nobody reads: wait for room before each
    // small write, with a deadline, so a service thread is never stuck.
    constexpr std::size_t chunk = 4096;
    constexpr int deadline_ms = 5000;
    SigpipeBlocked no_sigpipe;
    std::size_t written = 0;
    while (written < out.size()) {
        pollfd entry{fd, POLLOUT, 0};
        int ready = ::poll(&entry, 1, deadline_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0 || (entry.revents & (POLLERR | POLLHUP | POLLNVAL)))
            return wire::make_error(wire::ErrorCode::io_error, "PNG destination not writable");
        ssize_t n = ::write(fd, out.data() + written, std::min(chunk, out.size() - written));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return wire::make_error(wire::ErrorCode::io_error, std::string("writing PNG: ") + std::strerror(errno));
        }
        written += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace tessera::headless
