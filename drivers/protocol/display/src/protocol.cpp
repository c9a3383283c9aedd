// The display protocol's byte layout (docs/protocols/display.md).
#include "display/protocol.h"

namespace tessera::display {
namespace {

using wire::MessageReader;
using wire::MessageWriter;

std::uint16_t op(Opcode opcode) {
    return static_cast<std::uint16_t>(opcode);
}

Error malformed(const char* what) {
    return wire::make_error(ErrorCode::malformed, what);
}

struct RequestEncoder {
    wire::Message operator()(const Hello& m) {
        return MessageWriter(op(Opcode::hello)).u32(m.magic).u32(m.version).finish();
    }
    wire::Message operator()(const AllocateBuffer& m) {
        return MessageWriter(op(Opcode::allocate_buffer))
            .u32(m.serial)
            .u32(m.width)
            .u32(m.height)
            .u32(m.format)
            .finish();
    }
    wire::Message operator()(const FreeBuffer& m) {
        return MessageWriter(op(Opcode::free_buffer)).u32(m.serial).u32(m.buffer_id).finish();
    }
    wire::Message operator()(const Present& m) {
        MessageWriter writer(op(Opcode::present));
        writer.u32(m.serial).u32(m.buffer_id).u32(static_cast<std::uint32_t>(m.damage.size()));
        for (const Rect& r : m.damage) writer.i32(r.x).i32(r.y).i32(r.width).i32(r.height);
        return writer.finish();
    }
    wire::Message operator()(const SetCursor& m) {
        MessageWriter writer(op(Opcode::set_cursor));
        writer.u32(m.serial).u16(m.width).u16(m.height).i16(m.hotspot_x).i16(m.hotspot_y);
        for (std::uint32_t pixel : m.pixels) writer.u32(pixel);
        return writer.finish();
    }
    wire::Message operator()(const MoveCursor& m) {
        return MessageWriter(op(Opcode::move_cursor)).i32(m.x).i32(m.y).finish();
    }
    wire::Message operator()(const SetMode& m) {
        return MessageWriter(op(Opcode::set_mode)).u32(m.serial).u32(m.index).finish();
    }
    wire::Message operator()(const GetStats& m) { return MessageWriter(op(Opcode::get_stats)).u32(m.serial).finish(); }
    wire::Message operator()(WritePng& m) {
        return MessageWriter(op(Opcode::write_png)).u32(m.serial).u32(m.flags).fd(std::move(m.fd)).finish();
    }
};

struct EventEncoder {
    wire::Message operator()(const Welcome& m) {
        return MessageWriter(op(Opcode::welcome))
            .u32(m.version)
            .u32(m.max_message_size)
            .u32(m.max_dimension)
            .u32(m.max_buffers)
            .u32(m.max_rects)
            .finish();
    }
    wire::Message operator()(const Modes& m) {
        MessageWriter writer(op(Opcode::modes));
        writer.u32(m.current).u32(static_cast<std::uint32_t>(m.modes.size()));
        for (const Mode& mode : m.modes) writer.u32(mode.width).u32(mode.height).u32(mode.refresh_mhz);
        return writer.finish();
    }
    wire::Message operator()(BufferAllocated& m) {
        return MessageWriter(op(Opcode::buffer_allocated))
            .u32(m.serial)
            .u32(m.buffer_id)
            .u32(m.width)
            .u32(m.height)
            .u32(m.stride)
            .u32(m.format)
            .u64(m.size)
            .fd(std::move(m.fd))
            .finish();
    }
    wire::Message operator()(const PresentComplete& m) {
        return MessageWriter(op(Opcode::present_complete)).u32(m.serial).u32(m.buffer_id).u64(m.time_ns).finish();
    }
    wire::Message operator()(const ErrorEvent& m) {
        return MessageWriter(op(Opcode::error))
            .u32(m.serial)
            .u16(m.request_opcode)
            .u32(static_cast<std::uint32_t>(m.code))
            .string(m.message, max_error_text)
            .finish();
    }
    wire::Message operator()(const Stats& m) {
        return MessageWriter(op(Opcode::stats))
            .u32(m.serial)
            .u64(m.presents)
            .u64(m.rectangles)
            .u64(m.pixels)
            .u64(m.cursor_images)
            .u64(m.cursor_moves)
            .finish();
    }
    wire::Message operator()(const Done& m) {
        return MessageWriter(op(Opcode::done)).u32(m.serial).u16(m.request_opcode).finish();
    }
};

// Finishes a decode: the payload must have been read exactly and carry the
// expected number of fds.
template <typename T>
Result<T> checked(MessageReader& reader, const wire::Message& message, std::size_t fds, T value) {
    if (!reader.at_end()) return malformed("payload size does not match the opcode");
    if (message.fds.size() != fds) return malformed("wrong number of fds for the opcode");
    return Result<T>(std::move(value));
}

}  // namespace

wire::Message encode(Request request) {
    return std::visit(RequestEncoder{}, request);
}
wire::Message encode(Event event) {
    return std::visit(EventEncoder{}, event);
}

Result<Request> decode_request(wire::Message message) {
    MessageReader reader(message.bytes);
    if (reader.failed()) return malformed("message shorter than its header");
    switch (static_cast<Opcode>(message.opcode())) {
        case Opcode::hello: {
            Hello m;
            m.magic = reader.u32();
            m.version = reader.u32();
            return checked<Request>(reader, message, 0, m);
        }
        case Opcode::allocate_buffer: {
            AllocateBuffer m;
            m.serial = reader.u32();
            m.width = reader.u32();
            m.height = reader.u32();
            m.format = reader.u32();
            return checked<Request>(reader, message, 0, m);
        }
        case Opcode::free_buffer: {
            FreeBuffer m;
            m.serial = reader.u32();
            m.buffer_id = reader.u32();
            return checked<Request>(reader, message, 0, m);
        }
        case Opcode::present: {
            Present m;
            m.serial = reader.u32();
            m.buffer_id = reader.u32();
            std::uint32_t count = reader.u32();
            // The count is checked against the bytes present before any
            // allocation; the limit itself is the server's to enforce.
            if (reader.failed() || reader.remaining() != std::size_t{count} * 16)
                return malformed("rectangle count does not match the message size");
            m.damage.resize(count);
            for (Rect& r : m.damage) {
                r.x = reader.i32();
                r.y = reader.i32();
                r.width = reader.i32();
                r.height = reader.i32();
            }
            return checked<Request>(reader, message, 0, std::move(m));
        }
        case Opcode::set_cursor: {
            SetCursor m;
            m.serial = reader.u32();
            m.width = reader.u16();
            m.height = reader.u16();
            m.hotspot_x = reader.i16();
            m.hotspot_y = reader.i16();
            std::size_t pixels = std::size_t{m.width} * m.height;
            if (reader.failed() || reader.remaining() != pixels * 4)
                return malformed("cursor size does not match the message size");
            m.pixels.resize(pixels);
            for (std::uint32_t& pixel : m.pixels) pixel = reader.u32();
            return checked<Request>(reader, message, 0, std::move(m));
        }
        case Opcode::move_cursor: {
            MoveCursor m;
            m.x = reader.i32();
            m.y = reader.i32();
            return checked<Request>(reader, message, 0, m);
        }
        case Opcode::set_mode: {
            SetMode m;
            m.serial = reader.u32();
            m.index = reader.u32();
            return checked<Request>(reader, message, 0, m);
        }
        case Opcode::get_stats: {
            GetStats m;
            m.serial = reader.u32();
            return checked<Request>(reader, message, 0, m);
        }
        case Opcode::write_png: {
            WritePng m;
            m.serial = reader.u32();
            m.flags = reader.u32();
            if (!reader.at_end() || message.fds.size() != 1) return malformed("WRITE_PNG needs 8 bytes and one fd");
            m.fd = std::move(message.fds[0]);
            return Request(std::move(m));
        }
        default:
            return malformed("unknown request opcode");
    }
}

Result<Event> decode_event(wire::Message message) {
    MessageReader reader(message.bytes);
    if (reader.failed()) return malformed("message shorter than its header");
    switch (static_cast<Opcode>(message.opcode())) {
        case Opcode::welcome: {
            Welcome m;
            m.version = reader.u32();
            m.max_message_size = reader.u32();
            m.max_dimension = reader.u32();
            m.max_buffers = reader.u32();
            m.max_rects = reader.u32();
            return checked<Event>(reader, message, 0, m);
        }
        case Opcode::modes: {
            Modes m;
            m.current = reader.u32();
            std::uint32_t count = reader.u32();
            if (reader.failed() || reader.remaining() != std::size_t{count} * 12)
                return malformed("mode count does not match the message size");
            if (count == 0 || count > max_modes || m.current >= count) return malformed("mode list out of range");
            m.modes.resize(count);
            for (Mode& mode : m.modes) {
                mode.width = reader.u32();
                mode.height = reader.u32();
                mode.refresh_mhz = reader.u32();
            }
            return checked<Event>(reader, message, 0, std::move(m));
        }
        case Opcode::buffer_allocated: {
            BufferAllocated m;
            m.serial = reader.u32();
            m.buffer_id = reader.u32();
            m.width = reader.u32();
            m.height = reader.u32();
            m.stride = reader.u32();
            m.format = reader.u32();
            m.size = reader.u64();
            if (!reader.at_end() || message.fds.size() != 1)
                return malformed("BUFFER_ALLOCATED needs 32 bytes and one fd");
            m.fd = std::move(message.fds[0]);
            return Event(std::move(m));
        }
        case Opcode::present_complete: {
            PresentComplete m;
            m.serial = reader.u32();
            m.buffer_id = reader.u32();
            m.time_ns = reader.u64();
            return checked<Event>(reader, message, 0, m);
        }
        case Opcode::error: {
            ErrorEvent m;
            m.serial = reader.u32();
            m.request_opcode = reader.u16();
            m.code = static_cast<ErrorCode>(reader.u32());
            m.message = reader.string(max_error_text);
            return checked<Event>(reader, message, 0, std::move(m));
        }
        case Opcode::stats: {
            Stats m;
            m.serial = reader.u32();
            m.presents = reader.u64();
            m.rectangles = reader.u64();
            m.pixels = reader.u64();
            m.cursor_images = reader.u64();
            m.cursor_moves = reader.u64();
            return checked<Event>(reader, message, 0, m);
        }
        case Opcode::done: {
            Done m;
            m.serial = reader.u32();
            m.request_opcode = reader.u16();
            return checked<Event>(reader, message, 0, m);
        }
        default:
            return malformed("unknown event opcode");
    }
}

}  // namespace tessera::display
