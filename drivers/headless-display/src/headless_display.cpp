#include "headless_display/headless_display.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

namespace tessera::headless {

using display::Mode;
using display::Rect;

namespace {

// Plain shared memory: a sealed memfd. The seals stop a client from
// shrinking the file under the service's mapping (which would make reading
// it fault) or growing it.
class MemfdBuffer final : public display::BufferMemory {
public:
    static Result<std::unique_ptr<MemfdBuffer>> create(std::uint32_t width, std::uint32_t height) {
        auto buffer = std::unique_ptr<MemfdBuffer>(new MemfdBuffer());
        buffer->stride_ = width * 4;
        std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
        buffer->size_ = (std::uint64_t{buffer->stride_} * height + page - 1) / page * page;
        buffer->fd_ = wire::UniqueFd(::memfd_create("tessera-scanout", MFD_CLOEXEC | MFD_ALLOW_SEALING));
        if (!buffer->fd_) return wire::system_error("memfd_create");
        if (::ftruncate(buffer->fd_.get(), static_cast<off_t>(buffer->size_)) != 0)
            return wire::system_error("ftruncate");
        if (::fcntl(buffer->fd_.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
            return wire::system_error("memfd seals");
        void* mapping = ::mmap(nullptr, buffer->size_, PROT_READ, MAP_SHARED, buffer->fd_.get(), 0);
        if (mapping == MAP_FAILED) return wire::system_error("mmap");
        buffer->data_ = static_cast<const std::uint8_t*>(mapping);
        return buffer;
    }
    ~MemfdBuffer() override {
        if (data_ != nullptr) ::munmap(const_cast<std::uint8_t*>(data_), size_);
    }

    int fd() const override { return fd_.get(); }
    const std::uint8_t* data() const override { return data_; }
    std::uint64_t size() const override { return size_; }
    std::uint32_t stride() const override { return stride_; }

private:
    MemfdBuffer() = default;
    wire::UniqueFd fd_;
    const std::uint8_t* data_ = nullptr;
    std::uint64_t size_ = 0;
    std::uint32_t stride_ = 0;
};

// Premultiplied source over an opaque destination.
std::uint32_t blend(std::uint32_t source, std::uint32_t destination) {
    std::uint32_t alpha = source >> 24;
    std::uint32_t result = 0;
    for (int shift = 0; shift < 24; shift += 8) {
        std::uint32_t s = (source >> shift) & 0xFF;
        std::uint32_t d = (destination >> shift) & 0xFF;
        std::uint32_t channel = std::min<std::uint32_t>(255, s + (d * (255 - alpha) + 127) / 255);
        result |= channel << shift;
    }
    return result;
}

}  // namespace

// The screen in memory. Called by the server under its lock, and by
// Display's accessors from any thread: its own mutex guards the pixels.
class HeadlessDevice final : public display::Device {
public:
    explicit HeadlessDevice(Mode mode) { resize(mode); }

    Result<std::unique_ptr<display::BufferMemory>> allocate(std::uint32_t width, std::uint32_t height) override {
        auto buffer = MemfdBuffer::create(width, height);
        if (!buffer) return buffer.error();
        return std::unique_ptr<display::BufferMemory>(std::move(*buffer));
    }

    Result<void> present(const display::BufferMemory& buffer, std::uint32_t width, std::uint32_t height,
                         std::span<const Rect> rects) override {
        std::lock_guard guard(mutex_);
        for (const Rect& r : rects) {
            // The server clipped to its idea of the mode; the screen may have
            // been resized since by change_mode(), so clip again.
            std::int64_t right = std::min<std::int64_t>({std::int64_t{r.x} + r.width, width, screen_.width});
            std::int64_t bottom = std::min<std::int64_t>({std::int64_t{r.y} + r.height, height, screen_.height});
            std::int64_t left = std::max(r.x, 0);
            for (std::int64_t y = std::max(r.y, 0); y < bottom && left < right; ++y) {
                const auto* row = reinterpret_cast<const std::uint32_t*>(buffer.data() + y * buffer.stride());
                std::copy(row + left, row + right, screen_.pixels.begin() + y * screen_.width + left);
            }
        }
        return {};
    }

    void set_cursor(const display::CursorImage& image) override {
        std::lock_guard guard(mutex_);
        cursor_.image = image;
    }
    void move_cursor(std::int32_t x, std::int32_t y) override {
        std::lock_guard guard(mutex_);
        cursor_.x = x;
        cursor_.y = y;
    }
    Result<void> set_mode(std::uint32_t, const Mode& mode) override {
        resize(mode);
        return {};
    }
    Result<void> write_png(int fd, bool with_cursor) override {
        Screenshot shot = screenshot(with_cursor);
        return headless::write_png(fd, shot.width, shot.height, shot.pixels.data(), shot.width * 4);
    }

    void resize(Mode mode) {
        std::lock_guard guard(mutex_);
        screen_.width = mode.width;
        screen_.height = mode.height;
        screen_.pixels.assign(std::size_t{mode.width} * mode.height, 0);
    }

    Screenshot screenshot(bool with_cursor) const {
        std::lock_guard guard(mutex_);
        Screenshot shot = screen_;
        if (!with_cursor) return shot;
        const auto& image = cursor_.image;
        for (std::int64_t cy = 0; cy < image.height; ++cy) {
            std::int64_t y = std::int64_t{cursor_.y} - image.hotspot_y + cy;
            if (y < 0 || y >= shot.height) continue;
            for (std::int64_t cx = 0; cx < image.width; ++cx) {
                std::int64_t x = std::int64_t{cursor_.x} - image.hotspot_x + cx;
                if (x < 0 || x >= shot.width) continue;
                std::uint32_t& pixel = shot.pixels[y * shot.width + x];
                pixel = blend(image.pixels[cy * image.width + cx], pixel);
            }
        }
        return shot;
    }

    CursorState cursor() const {
        std::lock_guard guard(mutex_);
        return cursor_;
    }

private:
    mutable std::mutex mutex_;
    Screenshot screen_;
    CursorState cursor_;
};

Result<std::unique_ptr<Display>> Display::start(const std::string& path, std::vector<Mode> modes) {
    if (modes.empty()) return wire::make_error(wire::ErrorCode::invalid_argument, "no modes");
    std::unique_ptr<Display> display(new Display());
    display->device_ = std::make_unique<HeadlessDevice>(modes[0]);
    auto server = display::Server::listen(path, *display->device_, std::move(modes), 0);
    if (!server) return server.error();
    display->server_ = std::move(*server);
    display->thread_ = std::thread([server = display->server_.get()] { (void)server->run(); });
    return display;
}

Display::~Display() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
}

Screenshot Display::screenshot(bool with_cursor) const {
    return device_->screenshot(with_cursor);
}

CursorState Display::cursor() const {
    return device_->cursor();
}

Result<void> Display::write_png(const std::string& path, bool with_cursor) const {
    wire::UniqueFd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!file) return wire::system_error("open " + path);
    return device_->write_png(file.get(), with_cursor);
}

Result<void> Display::change_mode(Mode mode) {
    display::Modes current = server_->modes();
    auto found = std::find(current.modes.begin(), current.modes.end(), mode);
    std::uint32_t index = static_cast<std::uint32_t>(found - current.modes.begin());
    if (found == current.modes.end()) current.modes.push_back(mode);
    // Validate before touching the screen.
    if (current.modes.size() > display::max_modes || mode.width == 0 || mode.height == 0 ||
        mode.width > display::max_dimension || mode.height > display::max_dimension)
        return wire::make_error(wire::ErrorCode::invalid_argument, "mode out of range or too many modes");
    device_->resize(mode);
    return server_->set_modes(std::move(current.modes), index);
}

}  // namespace tessera::headless
