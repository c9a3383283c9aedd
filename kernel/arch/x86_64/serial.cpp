#include "arch/x86_64/serial.h"

#include "arch/x86_64/io.h"

namespace arch::serial {
namespace {

constexpr uint16_t com1 = 0x3F8;
constexpr uint8_t line_status_transmit_empty = 0x20;

void put(char c) {
    while ((inb(com1 + 5) & line_status_transmit_empty) == 0) {
    }
    outb(com1, static_cast<uint8_t>(c));
}

}  // namespace

void init() {
    outb(com1 + 1, 0x00);  // no interrupts yet
    outb(com1 + 3, 0x80);  // DLAB on to set the divisor
    outb(com1 + 0, 0x01);  // 115200 baud
    outb(com1 + 1, 0x00);
    outb(com1 + 3, 0x03);  // 8N1, DLAB off
    outb(com1 + 2, 0xC7);  // FIFO on, cleared
    outb(com1 + 4, 0x03);  // DTR, RTS
}

void write(const char* bytes, size_t length) {
    for (size_t i = 0; i < length; ++i) {
        // Terminals expect CRLF; the log reader strips the CR.
        if (bytes[i] == '\n') put('\r');
        put(bytes[i]);
    }
}

}  // namespace arch::serial

namespace arch::serial {

namespace {
constexpr uint8_t line_status_data_ready = 0x01;
}

bool input_ready() {
    return (inb(com1 + 5) & line_status_data_ready) != 0;
}

char read_byte() {
    return static_cast<char>(inb(com1));
}

void write_raw(const char* bytes, size_t length) {
    for (size_t i = 0; i < length; ++i) put(bytes[i]);
}

void enable_receive_interrupt() {
    constexpr uint8_t data_terminal_ready = 0x01, request_to_send = 0x02, out2 = 0x08;
    outb(com1 + 4, data_terminal_ready | request_to_send | out2);  // OUT2 gates the IRQ line on PCs
    outb(com1 + 1, 0x01);                                           // received data available
}

}  // namespace arch::serial
