// The serial console (COM1, /dev/console 5:1) as a terminal. Its input
// comes from the UART's receive interrupt (IRQ 4 through the I/O APIC):
// the handler feeds the line discipline, so ^C reaches the foreground
// group even when nobody reads; the signals themselves are sent from
// thread context (sched/deferred.h). The console is the controlling
// terminal of session 0, init's, so a shell run as init has job control.
#include "arch/x86_64/idt.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/timer.h"
#include "lib/allocator.h"
#include "sched/deferred.h"
#include "tty/terminal.h"

namespace tty {
namespace {

constexpr uint8_t com1_irq = 4;

class SerialConsole final : public Terminal {
public:
    SerialConsole() {
        session_ = 0;
        foreground_ = 0;
    }

protected:
    void device_output(const char* bytes, size_t length) override { arch::serial::write_raw(bytes, length); }
};

SerialConsole* console = nullptr;

void deliver_console_signals() {
    console->deliver_signals();
}

sched::DeferredWork console_signals{deliver_console_signals, false};

void on_receive(arch::TrapFrame&) {
    char bytes[16];
    size_t count = 0;
    // Drain the FIFO; a burst longer than the buffer is fed in pieces.
    while (arch::serial::input_ready()) {
        bytes[count++] = arch::serial::read_byte();
        if (count == sizeof bytes) {
            console->input(bytes, count);
            count = 0;
        }
    }
    if (count > 0) console->input(bytes, count);
    sched::defer(console_signals);
    arch::acknowledge_interrupt();
}

}  // namespace

lib::Status start_console() {
    console = lib::make<SerialConsole>();
    if (console == nullptr) return lib::Error::no_memory;
    arch::set_irq_handler(arch::serial_vector, on_receive);
    arch::route_isa_interrupt(com1_irq, arch::serial_vector);
    arch::serial::enable_receive_interrupt();
    return lib::ok();
}

lib::ErrorOr<object::File*> open_console(fs::Vnode& node, int flags) {
    if (console == nullptr) return lib::Error::no_device_or_address;
    object::File* file = lib::make<TerminalFile>(node, flags, *console);
    if (file == nullptr) return lib::Error::no_memory;
    return file;
}

}  // namespace tty
