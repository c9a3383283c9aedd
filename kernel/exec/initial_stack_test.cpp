#include "exec/initial_stack.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

// Reads the built stack as a program would, through its user addresses.
struct StackView {
    std::vector<uint8_t>& buffer;
    uint64_t top;
    uint64_t word(uint64_t address) const {
        uint64_t value;
        std::memcpy(&value, &buffer[buffer.size() - (top - address)], 8);
        return value;
    }
    std::string string(uint64_t address) const {
        return reinterpret_cast<const char*>(&buffer[buffer.size() - (top - address)]);
    }
};

TEST(InitialStack, LaysOutArgcArgvEnvpAndAuxv) {
    const char* arguments[] = {"/bin/busybox", "echo", "hi"};
    const char* environment[] = {"HOME=/", "TERM=linux"};
    exec::StackRequest request{};
    request.arguments = arguments;
    request.argument_count = 3;
    request.environment = environment;
    request.environment_count = 2;
    request.executable_name = "/bin/busybox";
    for (int i = 0; i < 16; ++i) request.random[i] = static_cast<uint8_t>(i * 7);
    request.program_headers = 0x400040;
    request.program_header_count = 9;
    request.program_header_size = 56;
    request.entry = 0x401000;
    request.hwcap = 0x178bfbff;
    std::vector<uint8_t> buffer(8192);
    const uint64_t top = 0x7ffffffff000;
    auto built = exec::build_initial_stack(request, buffer.data(), buffer.size(), top);
    ASSERT_FALSE(built.is_error());
    uint64_t sp = built.value().stack_pointer;
    EXPECT_EQ(sp % 16, 0u) << "rsp is 16-byte aligned at the entry point";
    EXPECT_EQ(top - sp, built.value().used);
    StackView stack{buffer, top};
    EXPECT_EQ(stack.word(sp), 3u);
    EXPECT_EQ(stack.string(stack.word(sp + 8)), "/bin/busybox");
    EXPECT_EQ(stack.string(stack.word(sp + 16)), "echo");
    EXPECT_EQ(stack.string(stack.word(sp + 24)), "hi");
    EXPECT_EQ(stack.word(sp + 32), 0u);
    EXPECT_EQ(stack.string(stack.word(sp + 40)), "HOME=/");
    EXPECT_EQ(stack.string(stack.word(sp + 48)), "TERM=linux");
    EXPECT_EQ(stack.word(sp + 56), 0u);
    std::map<uint64_t, uint64_t> auxv;
    for (uint64_t at = sp + 64;; at += 16) {
        uint64_t type = stack.word(at);
        if (type == exec::at_null) break;
        auxv[type] = stack.word(at + 8);
    }
    EXPECT_EQ(auxv[exec::at_phdr], 0x400040u);
    EXPECT_EQ(auxv[exec::at_phent], 56u);
    EXPECT_EQ(auxv[exec::at_phnum], 9u);
    EXPECT_EQ(auxv[exec::at_pagesz], 4096u);
    EXPECT_EQ(auxv[exec::at_entry], 0x401000u);
    EXPECT_EQ(auxv[exec::at_hwcap], 0x178bfbffu);
    EXPECT_EQ(auxv[exec::at_secure], 0u);
    EXPECT_EQ(stack.string(auxv[exec::at_execfn]), "/bin/busybox");
    EXPECT_EQ(stack.string(auxv[exec::at_platform]), "x86_64");
    ASSERT_NE(auxv[exec::at_random], 0u);
    for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(buffer[buffer.size() - (top - auxv[exec::at_random]) + i], static_cast<uint8_t>(i * 7));
    }
}

TEST(InitialStack, TooLittleRoomIsTooBig) {
    const char* arguments[] = {"x"};
    exec::StackRequest request{};
    request.arguments = arguments;
    request.argument_count = 1;
    request.executable_name = "x";
    std::vector<uint8_t> buffer(64);
    auto built = exec::build_initial_stack(request, buffer.data(), buffer.size(), 0x7ffffffff000);
    ASSERT_TRUE(built.is_error());
    EXPECT_EQ(built.error(), lib::Error::too_big);
}

}  // namespace
