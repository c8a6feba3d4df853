/*
 * dom0, the management partition (privileged, pv). It serves the I/O
 * requests of full partitions: it emulates a 16550 UART at COM1 for each of
 * them and prints their lines with their names in front; it is the console
 * backend of pv partitions, printing the lines of their console rings the
 * same way (guests/dom0/console.c); it runs the management commands of its
 * boot script (the config's `script` line). It ends once every other
 * partition has stopped.
 *
 * Everything in the request page is treated as hostile: each slot is copied
 * before it is looked at, and one that does not make sense is answered with
 * all ones and counted.
 */
#include "guests/dom0/console.h"
#include "guests/dom0/operator.h"
#include "guests/dom0/shell.h"
#include "guests/dom0/uart.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

#define REQUEST_VECTOR  0x40
#define CONSOLE_VECTOR  0x41
#define MAX_PARTITIONS  8
#define IDLE_POLL_TICKS 20000000ull
/* Typed bytes that do not interrupt must be taken before the UART's
 * 16-byte FIFO overflows. */
#define OPERATOR_POLL_TICKS 500000ull
/* A memory-mapped 16550 (registers a byte apart) for full partitions, in a
 * page no PC device uses, interrupting on IRQ3. */
#define MMIO_UART_BASE 0xfe000000ull
#define MMIO_UART_PAGE 4096
#define MMIO_UART_IRQ  3

static struct hc_ioreq_page requests __attribute__((aligned(4096)));
static struct uart uarts[MAX_PARTITIONS + 1];      /* at COM1, by partition id */
static struct uart mmio_uarts[MAX_PARTITIONS + 1]; /* at MMIO_UART_BASE */
static struct hc_partition_entry partitions[MAX_PARTITIONS];
static unsigned partition_count;
static volatile uint32_t wakeups, console_events;
static unsigned rejected;

/* An I/O request came, or a byte typed at the operator's console. */
static void on_wakeup(uint8_t vector)
{
    (void)vector;
    wakeups++;
}

static void on_console(uint8_t vector)
{
    (void)vector;
    console_events++;
    wakeups++;
}

static void refresh_partitions(void)
{
    int64_t count = hc_partition_list(partitions, MAX_PARTITIONS);

    partition_count = count > 0 ? (unsigned)count : 0;
}

static const char *name_of(uint32_t id)
{
    for (unsigned i = 0; i < partition_count; i++) {
        if (partitions[i].id == id)
            return partitions[i].name;
    }
    return "?";
}

/* The model a request reaches, with the register offset and interrupt
 * line: COM1's ports, or the page of the memory-mapped UART. 0 for a
 * request that makes no sense. */
static struct uart *model_of(const struct hc_ioreq *r, unsigned *offset, unsigned *irq)
{
    if (r->partition_id < 1 || r->partition_id > MAX_PARTITIONS ||
        !(r->size == 1 || r->size == 2 || r->size == 4))
        return 0;
    if (r->kind == HC_IOREQ_PORT && r->port >= UART_COM1_BASE &&
        r->port < UART_COM1_BASE + UART_PORTS) {
        *offset = r->port - UART_COM1_BASE;
        *irq = UART_COM1_IRQ;
        return &uarts[r->partition_id];
    }
    if (r->kind == HC_IOREQ_MMIO && r->address >= MMIO_UART_BASE &&
        r->address < MMIO_UART_BASE + UART_PORTS) {
        *offset = (unsigned)(r->address - MMIO_UART_BASE);
        *irq = MMIO_UART_IRQ;
        return &mmio_uarts[r->partition_id];
    }
    return 0;
}

/* One request, on a private copy: returns the value a read gets. */
static uint32_t emulate(const struct hc_ioreq *r, struct uart *uart, unsigned offset)
{
    bool line_done;

    if (!r->write)
        return uart_read(uart, offset);
    uart_write(uart, offset, (uint8_t)r->data, &line_done);
    if (line_done) {
        refresh_partitions();
        printf("[%s] %s\n", name_of(r->partition_id), uart->line);
        uart_line_taken(uart);
    }
    return 0;
}

/* The guest's PIC sees every change of the UART's interrupt output, before
 * the vCPU resumes, so an edge is never lost. */
static void report_interrupt_line(uint32_t partition_id, struct uart *uart, unsigned irq)
{
    bool line = uart_interrupt_line(uart);

    if (line != uart->irq_line && hc_irq_line(partition_id, irq, line) == 0)
        uart->irq_line = line;
}

bool dom0_serial_input(uint32_t partition_id, uint8_t byte)
{
    if (partition_id < 1 || partition_id > MAX_PARTITIONS)
        return false;
    struct uart *uart = &uarts[partition_id];
    bool taken = uart_receive(uart, byte);
    report_interrupt_line(partition_id, uart, UART_COM1_IRQ);
    return taken;
}

static void serve_slot(unsigned slot)
{
    struct hc_ioreq request;

    memcpy(&request, (const void *)&requests.slots[slot], sizeof(request));
    if (request.state != HC_IOREQ_PENDING)
        return;
    uint32_t value = 0xffffffffu;
    unsigned offset, irq;
    struct uart *uart = model_of(&request, &offset, &irq);
    if (uart) {
        value = emulate(&request, uart, offset);
        report_interrupt_line(request.partition_id, uart, irq);
    } else
        rejected++;
    requests.slots[slot].state = HC_IOREQ_FREE;
    hc_ioreq_complete(slot, value);
}

static bool others_running(const struct bulkhead_boot_info *info)
{
    refresh_partitions();
    for (unsigned i = 0; i < partition_count; i++) {
        if (partitions[i].id != info->partition_id && partitions[i].state == HC_PARTITION_RUNNING)
            return true;
    }
    return false;
}

static void serve_requests(void)
{
    for (unsigned slot = 0; slot < HC_IOREQ_SLOTS; slot++)
        serve_slot(slot);
}

/* With a fresh partition list: names, and the rings of partitions gone. */
static void serve_consoles(void)
{
    refresh_partitions();
    console_backend_serve(partitions, partition_count);
}

void dom0_serve_until(uint64_t tsc_deadline)
{
    uint32_t seen = wakeups;

    serve_requests();
    serve_consoles();
    operator_console_show_log();
    event_wait(&wakeups, seen + 1, tsc_deadline);
}

static bool start_serving(const struct bulkhead_boot_info *info)
{
    event_enable_x2apic();
    if (!console_backend_start(info->memory_bytes, CONSOLE_VECTOR, on_console))
        return false;
    int64_t port = event_bind(REQUEST_VECTOR, 0, on_wakeup);
    if (port < 0 || hc_ioreq_server(&requests, (uint32_t)port) != 0 ||
        hc_ioreq_claim(UART_COM1_BASE, UART_PORTS) != 0 ||
        hc_ioreq_claim_mmio(MMIO_UART_BASE, MMIO_UART_PAGE) != 0)
        return false;
    for (unsigned id = 0; id <= MAX_PARTITIONS; id++) {
        uart_reset(&uarts[id]);
        uart_reset(&mmio_uarts[id]);
    }
    return true;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    exceptions_init();
    EXPECT_TRUE(start_serving(info));
    printf("dom0: serving a 16550 at COM1 for full partitions\n");
    printf("dom0: console backend for %u pv partition(s)\n", console_backend_rings());
    /* Events that came meanwhile are taken (their handlers only count), so
     * that they do not cut short every pause of the script's waits. */
    cpu_enable_interrupts();
    bool interactive = operator_console_start(info, on_wakeup);
    uint64_t poll_ticks =
        interactive && !operator_console_input_interrupts() ? OPERATOR_POLL_TICKS : IDLE_POLL_TICKS;
    shell_run_script(info->script);
    /* The rings are looked at when one of them raised an event, and on
     * every idle round; whether anyone is left, only on idle rounds: an I/O
     * request pays for neither. */
    uint32_t consoles_seen = console_events - 1;
    bool idle = false, running = others_running(info);
    /* With the operator's console it serves until told to power off. */
    while (running || interactive) {
        uint32_t seen = wakeups;
        serve_requests();
        if (idle || console_events != consoles_seen) {
            consoles_seen = console_events;
            serve_consoles();
        }
        operator_console_poll();
        idle = !event_wait(&wakeups, seen + 1, tsc_after(poll_ticks));
        if (idle)
            running = others_running(info);
    }
    serve_consoles(); /* what the last of them wrote before it stopped */
    printf("dom0: every other partition has stopped; %u bad requests refused\n", rejected);
    printf("dom0: console rings: %u lines printed, %u bad indices reset\n", console_backend_lines(),
           console_backend_bad_indices());
    operator_console_show_log(); /* the screen shows these lines too */
    return guest_exit_status();
}
