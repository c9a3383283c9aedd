// Messages of the display and input protocols as bytes plus attached fds,
// and the two helpers every codec uses: MessageWriter appends packed
// little-endian fields and fills in the header; MessageReader reads them
// back with bounds checks. Layout rules: docs/protocols/framing.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/unique_fd.h"

namespace tessera::wire {

inline constexpr std::size_t header_size = 8;
inline constexpr std::size_t max_message_size = 65536;
inline constexpr std::size_t max_fds_per_message = 4;

struct Header {
    std::uint16_t opcode = 0;
    std::uint16_t fd_count = 0;
    std::uint32_t size = 0;
};

// One whole message as it travels: header included in bytes.
struct Message {
    std::vector<std::uint8_t> bytes;
    std::vector<UniqueFd> fds;

    // The header; only meaningful for bytes.size() >= header_size, which
    // receive_message guarantees.
    Header header() const;
    std::uint16_t opcode() const { return header().opcode; }
};

// Builds one message. The header is written by finish().
class MessageWriter {
public:
    explicit MessageWriter(std::uint16_t opcode);

    MessageWriter& u8(std::uint8_t value) { return put(&value, 1); }
    MessageWriter& u16(std::uint16_t value) { return put(&value, 2); }
    MessageWriter& u32(std::uint32_t value) { return put(&value, 4); }
    MessageWriter& u64(std::uint64_t value) { return put(&value, 8); }
    MessageWriter& i16(std::int16_t value) { return put(&value, 2); }
    MessageWriter& i32(std::int32_t value) { return put(&value, 4); }
    MessageWriter& bytes(std::span<const std::uint8_t> data) { return put(data.data(), data.size()); }
    // u16 length then the bytes; longer strings are cut at max_length.
    MessageWriter& string(std::string_view text, std::size_t max_length);
    // Attaches an fd; the message owns it until it is sent.
    MessageWriter& fd(UniqueFd fd);

    // Writes the header (opcode, fd count, size) and hands the message over;
    // the writer is spent afterwards.
    Message finish();

private:
    // Values are stored little-endian; x86_64 is, so this is a copy.
    MessageWriter& put(const void* data, std::size_t size);

    Message message_;
};

// Reads fields in order. Reading past the end yields zeros and marks the
// reader failed; decoders check failed() / at_end() once at the end, so a
// short or long message is rejected without a check per field.
class MessageReader {
public:
    // Starts after the header.
    explicit MessageReader(std::span<const std::uint8_t> message);

    std::uint8_t u8() { return get<std::uint8_t>(); }
    std::uint16_t u16() { return get<std::uint16_t>(); }
    std::uint32_t u32() { return get<std::uint32_t>(); }
    std::uint64_t u64() { return get<std::uint64_t>(); }
    std::int16_t i16() { return get<std::int16_t>(); }
    std::int32_t i32() { return get<std::int32_t>(); }
    // A span into the message, or empty (and failed) if fewer bytes remain.
    std::span<const std::uint8_t> bytes(std::size_t size);
    // u16 length then bytes; fails when longer than max_length.
    std::string string(std::size_t max_length);

    std::size_t remaining() const { return failed_ ? 0 : data_.size() - position_; }
    bool failed() const { return failed_; }
    // True when every byte was read and nothing was read past the end.
    bool at_end() const { return !failed_ && position_ == data_.size(); }
    void fail() { failed_ = true; }

private:
    template <typename T>
    T get() {
        T value{};
        if (failed_ || data_.size() - position_ < sizeof(T)) {
            failed_ = true;
            return value;
        }
        std::memcpy(&value, data_.data() + position_, sizeof(T));
        position_ += sizeof(T);
        return value;
    }

    std::span<const std::uint8_t> data_;
    std::size_t position_ = header_size;
    bool failed_ = false;
};

}  // namespace tessera::wire
