/*
 * A full-virtualization guest with an interactive serial console: it takes
 * what is typed at COM1 by the received-data interrupt (through the
 * emulated PIC), and answers each line. "quit" ends it with exit status 0
 * through the isa-debug-exit port. Someone has to type: dom0's `console`
 * command attaches the operator's serial line to it.
 */
#include <stdbool.h>

#include "drivers/pic8259.h"
#include "guests/lib/com1.h"
#include "arch/x86_64/cpu.h"
#include "guests/lib/exceptions.h"
#include "guests/lib/runtime.h"
#include "lib/format.h"
#include "include/bulkhead/guest_abi.h"
#include "lib/string.h"

#define PIC_VECTOR_BASE 0x20
#define LINE_MAX        64

static char typed[LINE_MAX + 1];
static volatile unsigned typed_length;
static volatile bool line_complete;

static void on_com1(uint8_t vector)
{
    (void)vector;
    while (cpu_inb(COM1_LSR) & UART_LSR_DATA_READY) {
        char c = (char)cpu_inb(COM1_DATA);
        if (line_complete)
            continue; /* the last line is not taken yet */
        if (c == '\r' || c == '\n')
            line_complete = typed_length > 0;
        else if (typed_length < LINE_MAX)
            typed[typed_length++] = c;
    }
    pic8259_end_of_interrupt(COM1_IRQ);
}

/* Sleeps until a whole line came in; returns it and makes room for the next. */
static void next_line(char *line)
{
    while (!line_complete)
        cpu_wait_for_interrupt();
    typed[typed_length] = '\0';
    memcpy(line, typed, typed_length + 1);
    typed_length = 0;
    line_complete = false;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    char line[LINE_MAX + 1], answer[LINE_MAX + 32];

    (void)info;
    exceptions_init();
    interrupt_set_handler(PIC_VECTOR_BASE + COM1_IRQ, on_com1);
    com1_init(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    pic8259_init(PIC_VECTOR_BASE, 1u << COM1_IRQ);
    cpu_outb(COM1_IER, UART_IER_RX_DATA);
    com1_print("uart-echo: ready, type a line (quit ends)\n");
    for (;;) {
        next_line(line);
        format(answer, sizeof(answer), "uart-echo: got '%s'\n", line);
        com1_print(answer);
        if (strncmp(line, "quit", sizeof(line)) == 0)
            break;
    }
    cpu_outb(ISA_DEBUG_EXIT, 0);
    return 0;
}
