/*
 * The two 16550s as dom0 models: COM1 (ports 0x3f8-0x3ff, IRQ 4) and a
 * memory-mapped one (registers a byte apart) in a page no PC device uses,
 * interrupting on IRQ3. A partition's lines reach the log as its own,
 * under its name. Every access reaches one byte register, whatever its
 * width, as the bus of a byte-wide part answers.
 */
#include "guests/dom0/uart_models.h"

#include "drivers/uart16550.h"
#include "guests/dom0/console.h"
#include "guests/dom0/operator.h"
#include "guests/dom0/uart.h"

#define MMIO_UART_BASE 0xfe000000ull
#define MMIO_UART_PAGE 4096
#define MMIO_UART_IRQ  3

static struct uart com1_uarts[MODEL_MAX_PARTITION + 1];
static struct uart mmio_uarts[MODEL_MAX_PARTITION + 1];

static void reset(void *state)
{
    uart_reset(state);
}

static uint32_t read(void *state, unsigned offset, unsigned size)
{
    (void)size; /* a byte-wide part: every access reaches one register */
    return uart_read(state, offset);
}

static void write(void *state, uint32_t partition_id, unsigned offset, uint32_t value,
                  unsigned size)
{
    struct uart *uart = state;
    bool line_done;

    (void)size;
    uart_write(uart, offset, (uint8_t)value, &line_done);
    if (line_done) {
        console_print_for(partition_id, uart->line.text);
        uart_line_taken(uart);
    }
}

static bool interrupt_line(const void *state)
{
    return uart_interrupt_line(state);
}

const struct dom0_model uart_com1_model = {
    .kind = HC_IOREQ_PORT,
    .base = UART_COM1_BASE,
    .claim_length = UART_PORTS,
    .registers = UART_PORTS,
    .irq = UART_COM1_IRQ,
    /* The transmitter (or the divisor's low byte) and the scratch register:
     * a byte written there raises nothing at once. */
    .posted_writes = 1u << UART_DATA | 1u << UART_SCRATCH,
    .states = com1_uarts,
    .state_size = sizeof(com1_uarts[0]),
    .reset = reset,
    .read = read,
    .write = write,
    .interrupt_line = interrupt_line,
};

const struct dom0_model uart_mmio_model = {
    .kind = HC_IOREQ_MMIO,
    .base = MMIO_UART_BASE,
    .claim_length = MMIO_UART_PAGE,
    .registers = UART_PORTS,
    .irq = MMIO_UART_IRQ,
    .states = mmio_uarts,
    .state_size = sizeof(mmio_uarts[0]),
    .reset = reset,
    .read = read,
    .write = write,
    .interrupt_line = interrupt_line,
};

/* The operator types at an attached full partition: its COM1 receives. */
bool dom0_serial_input(uint32_t partition_id, uint8_t byte)
{
    if (partition_id < 1 || partition_id > MODEL_MAX_PARTITION)
        return false;
    bool taken = uart_receive(&com1_uarts[partition_id], byte);
    model_state_changed(&uart_com1_model, partition_id);
    return taken;
}
