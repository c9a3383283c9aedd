#include "wire/message.h"

#include <algorithm>

namespace tessera::wire {

Header Message::header() const {
    Header header;
    if (bytes.size() < header_size) return header;
    std::memcpy(&header.opcode, bytes.data(), 2);
    std::memcpy(&header.fd_count, bytes.data() + 2, 2);
    std::memcpy(&header.size, bytes.data() + 4, 4);
    return header;
}

MessageWriter::MessageWriter(std::uint16_t opcode) {
    message_.bytes.resize(header_size);
    std::memcpy(message_.bytes.data(), &opcode, 2);
}

MessageWriter& MessageWriter::put(const void* data, std::size_t size) {
    const auto* begin = static_cast<const std::uint8_t*>(data);
    message_.bytes.insert(message_.bytes.end(), begin, begin + size);
    return *this;
}

MessageWriter& MessageWriter::string(std::string_view text, std::size_t max_length) {
    std::size_t length = std::min({text.size(), max_length, std::size_t{0xFFFF}});
    u16(static_cast<std::uint16_t>(length));
    return put(text.data(), length);
}

MessageWriter& MessageWriter::fd(UniqueFd fd) {
    message_.fds.push_back(std::move(fd));
    return *this;
}

Message MessageWriter::finish() {
    auto fd_count = static_cast<std::uint16_t>(message_.fds.size());
    auto size = static_cast<std::uint32_t>(message_.bytes.size());
    std::memcpy(message_.bytes.data() + 2, &fd_count, 2);
    std::memcpy(message_.bytes.data() + 4, &size, 4);
    return std::move(message_);
}

MessageReader::MessageReader(std::span<const std::uint8_t> message) : data_(message) {
    if (data_.size() < header_size) failed_ = true;
}

std::span<const std::uint8_t> MessageReader::bytes(std::size_t size) {
    if (failed_ || data_.size() - position_ < size) {
        failed_ = true;
        return {};
    }
    auto result = data_.subspan(position_, size);
    position_ += size;
    return result;
}

std::string MessageReader::string(std::size_t max_length) {
    std::size_t length = u16();
    if (length > max_length) {
        failed_ = true;
        return {};
    }
    auto data = bytes(length);
    return std::string(data.begin(), data.end());
}

}  // namespace tessera::wire
