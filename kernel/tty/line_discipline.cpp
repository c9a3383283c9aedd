#include "tty/line_discipline.h"

namespace tty {
namespace {

constexpr int sigint = 2, sigquit = 3, sigtstp = 20;

bool is_control(char byte) {
    unsigned char c = static_cast<unsigned char>(byte);
    return c < 32 || c == 127;
}

}  // namespace

Termios default_termios() {
    Termios t{};
    t.iflag = icrnl | ixon;
    t.oflag = opost | onlcr;
    t.cflag = 0x00BF;  // B38400 | CS8 | CREAD
    t.lflag = isig | icanon | echo | echoe | echok | echoctl | echoke | iexten;
    const uint8_t characters[19] = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};
    for (int i = 0; i < 19; ++i) t.cc[i] = characters[i];
    return t;
}

void LineDiscipline::set_termios(const Termios& termios) {
    bool was_canonical = termios_.lflag & icanon;
    termios_ = termios;
    if (was_canonical && !(termios_.lflag & icanon)) commit();
}

void LineDiscipline::append(uint16_t value) {
    if (size_ == capacity) return;  // full: the byte is lost, as Linux drops it
    buffer_[(start_ + size_) % capacity] = value;
    ++size_;
}

void LineDiscipline::drop_front(size_t count) {
    start_ = (start_ + count) % capacity;
    size_ -= count;
    committed_ -= count;
}

void LineDiscipline::flush_input() {
    start_ = size_ = committed_ = 0;
}

void LineDiscipline::echo_byte(char byte) {
    if (is_control(byte) && byte != '\n' && byte != '\t' && (termios_.lflag & echoctl)) {
        char caret[2] = {'^', static_cast<char>(byte == 127 ? '?' : byte + '@')};
        write(caret, 2);
        return;
    }
    write(&byte, 1);
}

void LineDiscipline::erase_last(bool visibly) {
    if (size_ == committed_) return;
    uint16_t last = at(size_ - 1);
    --size_;
    if (!visibly) return;
    // ^X was echoed as two columns.
    int columns = (termios_.lflag & echoctl) && last < 256 && is_control(static_cast<char>(last)) ? 2 : 1;
    for (int i = 0; i < columns; ++i) write("\b \b", 3);
}

// VINTR, VQUIT, VSUSP under ISIG: the foreground group gets the signal,
// pending input goes (unless NOFLSH), and the character echoes as ^C.
bool LineDiscipline::signal_character(char byte) {
    if (!(termios_.lflag & isig)) return false;
    const uint8_t* cc = termios_.cc;
    int signal = 0;
    uint8_t c = static_cast<uint8_t>(byte);
    if (c == cc[vintr] && c != disabled_character)
        signal = sigint;
    else if (c == cc[vquit] && c != disabled_character)
        signal = sigquit;
    else if (c == cc[vsusp] && c != disabled_character)
        signal = sigtstp;
    if (signal == 0) return false;
    if (!(termios_.lflag & noflsh)) flush_input();
    if (termios_.lflag & echo) echo_byte(byte);
    device_.signal_foreground(signal);
    return true;
}

// Canonical editing: VERASE, VWERASE, VKILL. True when the byte was one.
bool LineDiscipline::editing_character(char byte) {
    const uint8_t* cc = termios_.cc;
    uint8_t c = static_cast<uint8_t>(byte);
    if (c == disabled_character) return false;
    bool echoing = termios_.lflag & echo;
    if (c == cc[verase]) {
        erase_last(echoing && (termios_.lflag & echoe));
        return true;
    }
    if (c == cc[vwerase] && (termios_.lflag & iexten)) {
        while (size_ > committed_ && (at(size_ - 1) == ' ' || at(size_ - 1) == '\t')) erase_last(echoing);
        while (size_ > committed_ && at(size_ - 1) != ' ' && at(size_ - 1) != '\t') erase_last(echoing);
        return true;
    }
    if (c == cc[vkill]) {
        bool visibly = echoing && (termios_.lflag & echoke);
        while (size_ > committed_) erase_last(visibly);
        if (echoing && !(termios_.lflag & echoke)) {
            echo_byte(byte);
            if (termios_.lflag & echok) write("\n", 1);
        }
        return true;
    }
    return false;
}

void LineDiscipline::receive(char byte) {
    if (termios_.iflag & istrip) byte = static_cast<char>(byte & 0x7F);
    if (byte == '\r') {
        if (termios_.iflag & igncr) return;
        if (termios_.iflag & icrnl) byte = '\n';
    } else if (byte == '\n' && (termios_.iflag & inlcr)) {
        byte = '\r';
    }
    if (signal_character(byte)) return;
    bool echoing = termios_.lflag & echo;
    if (!(termios_.lflag & icanon)) {
        append(static_cast<uint8_t>(byte));
        commit();
        if (echoing) echo_byte(byte);
        return;
    }
    if (editing_character(byte)) return;
    const uint8_t* cc = termios_.cc;
    uint8_t c = static_cast<uint8_t>(byte);
    if (c == cc[veof] && c != disabled_character) {
        // The line so far becomes readable; on an empty line, end of file.
        append(end_of_file_mark);
        commit();
        return;
    }
    bool line_end = byte == '\n' || (c != disabled_character && (c == cc[veol] || c == cc[veol2]));
    // Keep room for the newline: a full line still ends.
    if (!line_end && size_ >= capacity - 1) return;
    append(c);
    if (echoing || (byte == '\n' && (termios_.lflag & echonl))) echo_byte(byte);
    if (line_end) commit();
}

size_t LineDiscipline::readable() const {
    if (!(termios_.lflag & icanon)) return committed_;
    for (size_t i = 0; i < committed_; ++i) {
        uint16_t value = at(i);
        if (value == end_of_file_mark) return i == 0 ? 1 : i;
        if (value == '\n' || (value != disabled_character && (value == termios_.cc[veol] || value == termios_.cc[veol2])))
            return i + 1;
    }
    // Committed input without a line end: typed before ICANON was set.
    return committed_;
}

bool LineDiscipline::at_end_of_file() const {
    return (termios_.lflag & icanon) && committed_ > 0 && at(0) == end_of_file_mark;
}

size_t LineDiscipline::read(char* out, size_t capacity_wanted) {
    size_t copied = 0, consumed = 0;
    bool canonical = termios_.lflag & icanon;
    while (consumed < committed_ && copied < capacity_wanted) {
        uint16_t value = at(consumed);
        if (value == end_of_file_mark) {
            // Ends the read; consumed only if it is the first thing read
            // (an end of file) or right after the line it pushed.
            ++consumed;
            break;
        }
        out[copied++] = static_cast<char>(value);
        ++consumed;
        if (canonical && (value == '\n' || (value != disabled_character &&
                                           (value == termios_.cc[veol] || value == termios_.cc[veol2])))) {
            break;
        }
    }
    drop_front(consumed);
    return copied;
}

void LineDiscipline::write(const char* bytes, size_t length) {
    if (!(termios_.oflag & opost)) {
        device_.output(bytes, length);
        return;
    }
    // Runs of ordinary bytes go out as they are.
    size_t run = 0;
    for (size_t i = 0; i < length; ++i) {
        char byte = bytes[i];
        const char* replacement = nullptr;
        size_t replacement_length = 0;
        if (byte == '\n' && (termios_.oflag & onlcr)) {
            replacement = "\r\n";
            replacement_length = 2;
        } else if (byte == '\r' && (termios_.oflag & ocrnl)) {
            replacement = (termios_.oflag & onlret) ? "" : "\n";
            replacement_length = (termios_.oflag & onlret) ? 0 : 1;
        }
        if (replacement == nullptr) continue;
        if (i > run) device_.output(bytes + run, i - run);
        if (replacement_length > 0) device_.output(replacement, replacement_length);
        run = i + 1;
    }
    if (length > run) device_.output(bytes + run, length - run);
}

}  // namespace tty
