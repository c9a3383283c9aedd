// The tests/posix conformance suite: small cases, each checking one call's
// success and error behaviour as Linux documents it. The same static binary
// runs on the Linux host (which proves the test) and as init inside Tessera
// (which proves the kernel); both runs must pass every case.
//
//   POSIX_TEST(pipe, read_on_empty_nonblocking_pipe_is_eagain) {
//       int fds[2];
//       CHECK_OK(pipe2(fds, O_NONBLOCK));
//       char byte;
//       CHECK_ERRNO(read(fds[0], &byte, 1), EAGAIN);
//   }
//
// The runner (main.cpp) runs every case in its own child process, in a
// fresh scratch directory that is the child's working directory, with a
// 20-second alarm. A failed check prints where and why and ends the case.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace posix {

using Case = void (*)();

// Adds a case to the suite; POSIX_TEST does this at static initialization.
struct Registration {
    Registration(const char* name, Case body);
};

// Ends the case as failed, printing "FAIL <case>: file:line: message".
[[noreturn]] void fail(const char* file, int line, const std::string& message);

// "ENOENT (No such file or directory)" style text for an errno value.
std::string describe_errno(int error);

// Whether the suite runs inside Tessera (the kernel's uname sysname);
// for messages only: cases must not branch on it.
bool running_on_tessera();

}  // namespace posix

#define POSIX_TEST(group, name)                                                               \
    static void posix_case_##group##_##name();                                                \
    static const posix::Registration posix_registration_##group##_##name(#group "." #name, \
                                                                          posix_case_##group##_##name); \
    static void posix_case_##group##_##name()

// The condition must hold.
#define CHECK(condition)                                                      \
    do {                                                                      \
        if (!(condition)) posix::fail(__FILE__, __LINE__, "CHECK(" #condition ")"); \
    } while (0)

// A call that must succeed (not return -1); gives its result.
#define CHECK_OK(call)                                                                            \
    ([&]() {                                                                                      \
        errno = 0;                                                                                \
        auto posix_result_ = (call);                                                              \
        if (posix_result_ == -1)                                                                  \
            posix::fail(__FILE__, __LINE__, #call " failed: " + posix::describe_errno(errno));    \
        return posix_result_;                                                                     \
    }())

// A call that must fail with -1 and errno == expected.
#define CHECK_ERRNO(call, expected)                                                                \
    do {                                                                                           \
        errno = 0;                                                                                 \
        auto posix_result_ = (call);                                                               \
        int posix_errno_ = errno;                                                                  \
        if (posix_result_ != -1)                                                                   \
            posix::fail(__FILE__, __LINE__,                                                        \
                        #call " returned " + std::to_string(static_cast<long long>(posix_result_)) + \
                            ", expected -1 with " + posix::describe_errno(expected));              \
        if (posix_errno_ != (expected))                                                            \
            posix::fail(__FILE__, __LINE__,                                                        \
                        #call " failed with " + posix::describe_errno(posix_errno_) + ", expected " + \
                            posix::describe_errno(expected));                                      \
    } while (0)

// Two integral values must be equal.
#define CHECK_EQ(actual, expected)                                                                    \
    do {                                                                                              \
        auto posix_actual_ = (actual);                                                                \
        auto posix_expected_ = (expected);                                                            \
        if (!(posix_actual_ == posix_expected_))                                                      \
            posix::fail(__FILE__, __LINE__,                                                           \
                        #actual " is " + std::to_string(static_cast<long long>(posix_actual_)) +     \
                            ", expected " + std::to_string(static_cast<long long>(posix_expected_))); \
    } while (0)

// Two strings (std::string or char*) must be equal.
#define CHECK_STREQ(actual, expected)                                                             \
    do {                                                                                          \
        std::string posix_actual_ = (actual);                                                     \
        std::string posix_expected_ = (expected);                                                 \
        if (posix_actual_ != posix_expected_)                                                     \
            posix::fail(__FILE__, __LINE__,                                                       \
                        #actual " is \"" + posix_actual_ + "\", expected \"" + posix_expected_ + "\""); \
    } while (0)
