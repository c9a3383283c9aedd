#include "exec/initial_stack.h"

#include "lib/string.h"

namespace exec {
namespace {

// Writes downwards from the top of the buffer; addresses are the user's.
class StackWriter {
public:
    StackWriter(uint8_t* buffer, size_t capacity, uint64_t top) : buffer_(buffer), capacity_(capacity), top_(top) {}

    bool push_bytes(const void* data, size_t length, uint64_t& address) {
        if (length > used_remaining()) return false;
        used_ += length;
        lib::copy_bytes(buffer_ + capacity_ - used_, data, length);
        address = top_ - used_;
        return true;
    }
    bool push_string(const char* text, uint64_t& address) {
        return push_bytes(text, lib::string_length(text) + 1, address);
    }
    bool align(size_t alignment) {
        size_t padding = (top_ - used_) % alignment;
        if (padding > used_remaining()) return false;
        lib::fill_bytes(buffer_ + capacity_ - used_ - padding, 0, padding);
        used_ += padding;
        return true;
    }
    uint64_t position() const { return top_ - used_; }
    size_t used() const { return used_; }

private:
    size_t used_remaining() const { return capacity_ - used_; }

    uint8_t* buffer_;
    size_t capacity_;
    uint64_t top_;
    size_t used_ = 0;
};

}  // namespace

lib::ErrorOr<BuiltStack> build_initial_stack(const StackRequest& request, uint8_t* buffer, size_t capacity,
                                             uint64_t top) {
    constexpr size_t max_strings = 1024;
    if (request.argument_count > max_strings || request.environment_count > max_strings) return lib::Error::too_big;
    StackWriter writer(buffer, capacity, top);
    uint64_t unused;
    uint64_t end_marker = 0;
    if (!writer.push_bytes(&end_marker, 8, unused)) return lib::Error::too_big;
    uint64_t execfn, platform, random;
    if (!writer.push_string(request.executable_name, execfn)) return lib::Error::too_big;
    // Where each string landed, for the vectors below. Static because kernel
    // stacks are small; exec runs unpreempted on one CPU.
    static uint64_t argument_addresses[max_strings], environment_addresses[max_strings];
    for (size_t i = request.environment_count; i > 0; --i) {
        if (!writer.push_string(request.environment[i - 1], environment_addresses[i - 1])) return lib::Error::too_big;
    }
    for (size_t i = request.argument_count; i > 0; --i) {
        if (!writer.push_string(request.arguments[i - 1], argument_addresses[i - 1])) return lib::Error::too_big;
    }
    if (!writer.push_string("x86_64", platform)) return lib::Error::too_big;
    if (!writer.align(16) || !writer.push_bytes(request.random, 16, random)) return lib::Error::too_big;

    const uint64_t auxv[][2] = {{at_phdr, request.program_headers},
                                {at_phent, request.program_header_size},
                                {at_phnum, request.program_header_count},
                                {at_pagesz, 4096},
                                {at_base, request.interpreter_base},
                                {at_flags, 0},
                                {at_entry, request.entry},
                                {at_uid, 0},
                                {at_euid, 0},
                                {at_gid, 0},
                                {at_egid, 0},
                                {at_platform, platform},
                                {at_hwcap, request.hwcap},
                                {at_clktck, 100},
                                {at_secure, 0},
                                {at_random, random},
                                {at_hwcap2, 0},
                                {at_execfn, execfn},
                                {at_null, 0}};
    size_t auxv_words = sizeof auxv / 8;
    size_t words = 1 + request.argument_count + 1 + request.environment_count + 1 + auxv_words;
    // rsp must be 16-byte aligned at the entry point (argc at rsp).
    if (!writer.align(16)) return lib::Error::too_big;
    if (words % 2 != 0) {
        if (!writer.push_bytes(&end_marker, 8, unused)) return lib::Error::too_big;
    }
    // Push the vectors from the end backwards.
    for (size_t i = auxv_words / 2; i > 0; --i) {
        if (!writer.push_bytes(auxv[i - 1], 16, unused)) return lib::Error::too_big;
    }
    uint64_t zero = 0;
    if (!writer.push_bytes(&zero, 8, unused)) return lib::Error::too_big;
    for (size_t i = request.environment_count; i > 0; --i) {
        if (!writer.push_bytes(&environment_addresses[i - 1], 8, unused)) return lib::Error::too_big;
    }
    if (!writer.push_bytes(&zero, 8, unused)) return lib::Error::too_big;
    for (size_t i = request.argument_count; i > 0; --i) {
        if (!writer.push_bytes(&argument_addresses[i - 1], 8, unused)) return lib::Error::too_big;
    }
    uint64_t argc = request.argument_count;
    if (!writer.push_bytes(&argc, 8, unused)) return lib::Error::too_big;
    return BuiltStack{writer.position(), writer.used()};
}

}  // namespace exec
