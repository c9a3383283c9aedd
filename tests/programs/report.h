// PASS/FAIL reporting shared by the test programs. Every check prints one
// line on stdout, so the same output reads well on a terminal, in ctest's log
// and in a Tessera serial log:
//   PASS <what>
//   FAIL <what>: <why>
#pragma once

#include <cstdio>
#include <string>

namespace tessera::programs {

class Report {
public:
    explicit Report(const char* program) : program_(program) {}

    void pass(const std::string& what) {
        ++passed_;
        std::printf("PASS %s\n", what.c_str());
        std::fflush(stdout);
    }
    void fail(const std::string& what, const std::string& why) {
        ++failed_;
        std::printf("FAIL %s: %s\n", what.c_str(), why.c_str());
        std::fflush(stdout);
    }
    bool check(bool ok, const std::string& what, const std::string& why_not) {
        ok ? pass(what) : fail(what, why_not);
        return ok;
    }

    // The closing line: "<program>: N checks, M failed" and a final verdict.
    bool summarize() const {
        std::printf("%s: %d checks, %d failed\n%s %s\n", program_, passed_ + failed_, failed_,
                    failed_ == 0 ? "PASS" : "FAIL", program_);
        std::fflush(stdout);
        return failed_ == 0 && passed_ > 0;
    }

private:
    const char* program_;
    int passed_ = 0;
    int failed_ = 0;
};

}  // namespace tessera::programs
