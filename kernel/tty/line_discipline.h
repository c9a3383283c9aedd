// The terminal line discipline (Linux's N_TTY), shared by the serial
// console and pseudo-terminals: input processing (ICRNL, INLCR, IGNCR,
// ISTRIP), canonical line editing (VERASE, VKILL, VWERASE, VEOF, VEOL) or
// raw input, echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), the
// signal characters (VINTR, VQUIT, VSUSP under ISIG) and output processing
// (OPOST, ONLCR, OCRNL, ONOCR, ONLRET).
//
// Portable and unit-tested on the host: no blocking, no locking. The
// terminal around it (tty/terminal.h) decides when a read may proceed and
// delivers the signals it reports.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace tty {

// struct termios as the Linux kernel ABI has it (TCGETS/TCSETS).
struct [[gnu::packed]] Termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[19];
};
static_assert(sizeof(Termios) == 36);

// c_cc indices.
enum : int {
    vintr = 0, vquit = 1, verase = 2, vkill = 3, veof = 4, vtime = 5, vmin = 6, vswtc = 7, vstart = 8, vstop = 9,
    vsusp = 10, veol = 11, vreprint = 12, vdiscard = 13, vwerase = 14, vlnext = 15, veol2 = 16,
};
// Flags (Linux values).
constexpr uint32_t istrip = 0x20, inlcr = 0x40, igncr = 0x80, icrnl = 0x100, ixon = 0x400;
constexpr uint32_t opost = 0x1, onlcr = 0x4, ocrnl = 0x8, onocr = 0x10, onlret = 0x20;
constexpr uint32_t isig = 0x1, icanon = 0x2, echo = 0x8, echoe = 0x10, echok = 0x20, echonl = 0x40, noflsh = 0x80,
                   tostop = 0x100, echoctl = 0x200, echoke = 0x800, iexten = 0x8000;
constexpr uint8_t disabled_character = 0;  // _POSIX_VDISABLE

// What a fresh terminal starts with (Linux's tty_std_termios).
Termios default_termios();

class LineDiscipline {
public:
    // The device side: where echo and processed output go, and who is told
    // about signal characters (the terminal sends them to its foreground
    // process group).
    class Device {
    public:
        virtual void output(const char* bytes, size_t length) = 0;
        virtual void signal_foreground(int signal) = 0;

    protected:
        ~Device() = default;
    };

    explicit LineDiscipline(Device& device) : device_(device), termios_(default_termios()) {}

    const Termios& termios() const { return termios_; }
    // TCSETS: leaving canonical mode makes a half-typed line readable.
    void set_termios(const Termios& termios);

    // One byte from the device (typed on the console, written to a pty master).
    void receive(char byte);

    // How many bytes a read could take now: in canonical mode up to the end
    // of the first complete line (0 with none, even if bytes were typed);
    // an end of file alone counts as readable (see at_end_of_file).
    size_t readable() const;
    // Whether the next read returns end of file (^D on an empty line).
    bool at_end_of_file() const;
    // Bytes queued for reading (FIONREAD): complete lines in canonical mode.
    size_t queued() const { return committed_; }
    // Takes up to capacity bytes for a read: in canonical mode never past
    // the end of one line (the newline included, a ^D consumed and not
    // returned). Returns how many were copied.
    size_t read(char* out, size_t capacity);

    // Output processing of bytes written by a program (OPOST), to the device.
    void write(const char* bytes, size_t length);

    // TCSETSF, TCFLSH, and the signal characters (without NOFLSH).
    void flush_input();

private:
    static constexpr size_t capacity = 4096;
    static constexpr uint16_t end_of_file_mark = 0x100;

    void echo_byte(char byte);
    void erase_last(bool visibly);
    void commit() { committed_ = size_; }
    void append(uint16_t value);
    uint16_t at(size_t index) const { return buffer_[(start_ + index) % capacity]; }
    void drop_front(size_t count);
    bool signal_character(char byte);
    bool editing_character(char byte);

    Device& device_;
    Termios termios_;
    // A ring of input: bytes, or end_of_file_mark for a ^D. The first
    // committed_ entries are readable; the rest is the line being edited.
    uint16_t buffer_[capacity];
    size_t start_ = 0;
    size_t size_ = 0;
    size_t committed_ = 0;
};

}  // namespace tty
