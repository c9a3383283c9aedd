#include "tty/line_discipline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

struct FakeDevice : tty::LineDiscipline::Device {
    std::string shown;
    std::vector<int> signals;
    void output(const char* bytes, size_t length) override { shown.append(bytes, length); }
    void signal_foreground(int signal) override { signals.push_back(signal); }
};

struct Terminal {
    FakeDevice device;
    tty::LineDiscipline discipline{device};
    void type(const std::string& text) {
        for (char c : text) discipline.receive(c);
    }
    std::string read(size_t capacity = 100) {
        char buffer[256];
        size_t n = discipline.read(buffer, capacity);
        return std::string(buffer, n);
    }
    void set_lflag(uint32_t on, uint32_t off) {
        tty::Termios t = discipline.termios();
        t.lflag = (t.lflag | on) & ~off;
        discipline.set_termios(t);
    }
};

TEST(LineDiscipline, CanonicalInputIsReadableOnlyAfterTheLineEnds) {
    Terminal t;
    t.type("hello");
    EXPECT_EQ(t.discipline.readable(), 0u);
    t.type("\r");  // ICRNL
    EXPECT_EQ(t.discipline.readable(), 6u);
    EXPECT_EQ(t.read(), "hello\n");
    EXPECT_EQ(t.device.shown, "hello\r\n");  // echo with ONLCR
}

TEST(LineDiscipline, AReadNeverCrossesALine) {
    Terminal t;
    t.type("one\ntwo\n");
    EXPECT_EQ(t.read(), "one\n");
    EXPECT_EQ(t.read(2), "tw");
    EXPECT_EQ(t.read(), "o\n");
    EXPECT_EQ(t.discipline.readable(), 0u);
}

TEST(LineDiscipline, EraseAndKillEditTheLine) {
    Terminal t;
    t.type("abx\x7f" "c\n");
    EXPECT_EQ(t.read(), "abc\n");
    EXPECT_NE(t.device.shown.find("x\b \bc"), std::string::npos);
    t.type("junk\x15" "ok\n");  // ^U
    EXPECT_EQ(t.read(), "ok\n");
    t.type("two words\x17" "more\n");  // ^W
    EXPECT_EQ(t.read(), "two more\n");
}

TEST(LineDiscipline, ControlDIsEndOfFileOnAnEmptyLineAndPushesOtherwise) {
    Terminal t;
    t.type("abc\x04");
    EXPECT_EQ(t.read(), "abc");
    EXPECT_FALSE(t.discipline.at_end_of_file());
    t.type("\x04");
    EXPECT_TRUE(t.discipline.at_end_of_file());
    EXPECT_EQ(t.read(), "");
    EXPECT_FALSE(t.discipline.at_end_of_file());
}

TEST(LineDiscipline, SignalCharactersReachTheForegroundAndFlush) {
    Terminal t;
    t.type("partial\x03");
    EXPECT_EQ(t.device.signals, std::vector<int>{2});
    EXPECT_NE(t.device.shown.find("^C"), std::string::npos);
    t.type("\n");
    EXPECT_EQ(t.read(), "\n");
    t.type("\x1c\x1a");
    EXPECT_EQ(t.device.signals, (std::vector<int>{2, 3, 20}));
    t.set_lflag(0, tty::isig);
    t.type("\x03");
    EXPECT_EQ(t.device.signals.size(), 3u);
}

TEST(LineDiscipline, RawModeDeliversEachByteWithoutEcho) {
    Terminal t;
    t.set_lflag(0, tty::icanon | tty::echo);
    t.type("ab\x7f");
    EXPECT_EQ(t.discipline.readable(), 3u);
    EXPECT_EQ(t.read(), "ab\x7f");
    EXPECT_EQ(t.device.shown, "");
}

TEST(LineDiscipline, LeavingCanonicalModeReleasesAHalfTypedLine) {
    Terminal t;
    t.type("half");
    t.set_lflag(0, tty::icanon);
    EXPECT_EQ(t.read(), "half");
}

TEST(LineDiscipline, EchonlEchoesNewlinesWithoutEcho) {
    Terminal t;
    t.set_lflag(tty::echonl, tty::echo);
    t.type("secret\n");
    EXPECT_EQ(t.device.shown, "\r\n");
}

TEST(LineDiscipline, InputTranslations) {
    Terminal t;
    tty::Termios termios = t.discipline.termios();
    termios.iflag = tty::igncr;
    t.discipline.set_termios(termios);
    t.type("a\rb\n");
    EXPECT_EQ(t.read(), "ab\n");
    termios.iflag = tty::inlcr;
    termios.lflag &= ~tty::icanon;
    t.discipline.set_termios(termios);
    t.type("\n");
    EXPECT_EQ(t.read(), "\r");
}

TEST(LineDiscipline, OutputProcessing) {
    Terminal t;
    t.discipline.write("a\nb", 3);
    EXPECT_EQ(t.device.shown, "a\r\nb");
    tty::Termios termios = t.discipline.termios();
    termios.oflag = 0;
    t.discipline.set_termios(termios);
    t.device.shown.clear();
    t.discipline.write("a\nb", 3);
    EXPECT_EQ(t.device.shown, "a\nb");
}

}  // namespace
