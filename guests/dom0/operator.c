/*
 * The console dom0 drives itself once it has taken it over: the log is
 * read from the hypervisor's ring (HC_LOG_READ) and written to the UART
 * with drivers/uart16550.c, the same driver the hypervisor uses, and drawn
 * on the framebuffer when dom0 owns it (guests/dom0/screen.c); input is
 * read from the UART when its interrupt says a byte came (or polled, on a
 * UART without an IRQ), and from dom0's PS/2 keyboard when it owns one:
 * with no serial console (`serial = none`) the screen and the keyboard are
 * the operator's console. Typed characters are echoed, and a command runs
 * when Enter is pressed.
 */
#include "guests/dom0/operator.h"

#include "drivers/uart16550.h"
#include "guests/dom0/console.h"
#include "guests/dom0/keyboard.h"
#include "guests/dom0/screen.h"
#include "guests/dom0/virtio_models.h"
#include "guests/dom0/shell.h"
#include "guests/lib/guest.h"
#include "lib/format.h"
#include "lib/string.h"

#define COMMAND_LEN  128
#define INPUT_VECTOR 0x42
#define PROMPT       "dom0> "
#define BACKSPACE    0x08
#define DELETE       0x7f

static uint16_t port;      /* 0: dom0 does not have the serial console */
static unsigned input_irq; /* 0: typed bytes are polled for */
static bool screen_on;     /* dom0 draws the console on its framebuffer */
static bool keyboard_on;   /* the operator types on dom0's PS/2 keyboard */
static uint64_t log_position;
static char command[COMMAND_LEN];
static unsigned command_length;
static struct hc_partition_entry attached; /* id 0: none */
static bool prompt_shown;                  /* the prompt line is the last on screen */

/* The same text on every output of the console: a screen mirrors the
 * serial line. */
static void console_out(const char *text, unsigned length)
{
    if (port)
        uart16550_write(port, text, length);
    screen_write(text, length);
}

static void write_text(const char *text)
{
    console_out(text, (unsigned)strlen(text));
}

/* The prompt and what has been typed of the command so far. */
static void show_prompt(void)
{
    write_text(PROMPT);
    console_out(command, command_length);
    prompt_shown = true;
}

/* The log that came since the last call, to the UART and the screen. Log lines
 * that come while the operator types go on lines of their own, and the
 * prompt with the command typed so far is shown again after them. A reader
 * that fell too far behind says how much it missed. */
static void print_log(void)
{
    static char chunk[HC_LOG_READ_MAX];
    struct hc_log_span span;
    int64_t count;
    bool interrupted = false;

    while ((count = hc_log_read(chunk, sizeof(chunk), log_position, &span)) > 0) {
        if (prompt_shown) {
            write_text("\n");
            prompt_shown = false;
            interrupted = true;
        }
        if (span.start > log_position) {
            char note[64];
            format(note, sizeof(note), "dom0: (%llu bytes of the log were lost)\n",
                   (unsigned long long)(span.start - log_position));
            write_text(note);
        }
        console_out(chunk, (unsigned)count);
        log_position = span.start + (uint64_t)count;
    }
    if (interrupted)
        show_prompt();
}

/* The hypervisor's serial port, if it is one of dom0's: the hypervisor
 * stops printing its log there, and says from where on dom0 prints it.
 * Its index among dom0's devices goes to *device. */
static uint16_t take_serial_console(const struct bulkhead_boot_info *info, uint64_t *from,
                                    unsigned *device)
{
    for (unsigned i = 0; i < info->device_count && i < GUEST_MAX_DEVICES; i++) {
        const struct guest_device *d = &info->devices[i];
        int64_t taken = d->kind == GUEST_DEVICE_SERIAL ? hc_console_take((uint16_t)d->id) : -1;
        if (taken >= 0) {
            *from = (uint64_t)taken;
            *device = i;
            return (uint16_t)d->id;
        }
    }
    return 0;
}

/* Typed bytes raise the UART's interrupt, when the console's UART has an
 * IRQ: the UART asks for it on received data only, and on a PC only with
 * OUT2 set. The handler wakes dom0, which then reads what came. */
static unsigned bind_input_interrupt(unsigned irq, event_handler wake)
{
    if (!irq)
        return 0;
    event_set_handler(INPUT_VECTOR, wake);
    if (hc_device_irq_bind(irq, INPUT_VECTOR) != 0)
        return 0;
    cpu_outb(port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    cpu_outb(port + UART_IER, UART_IER_RX_DATA);
    return irq;
}

static unsigned count_lines(const char *text, int64_t length)
{
    unsigned lines = 0;

    for (int64_t i = 0; i < length; i++)
        lines += text[i] == '\n';
    return lines;
}

/* The log before `end` on the screen only (the hypervisor printed it on
 * the serial line itself), or all of it so far when end is ~0. The screen
 * starts with the whole of the ring, the boot of the machine included.
 * Returns where it stopped; says what the drawing cost, in TSC ticks. */
static uint64_t draw_earlier_log(uint64_t end)
{
    static char chunk[HC_LOG_READ_MAX];
    struct hc_log_span span;
    uint64_t at = 0, start = cpu_rdtsc_ordered();
    unsigned lines = 0;
    int64_t count;

    while (at < end &&
           (count = hc_log_read(chunk, end - at < sizeof(chunk) ? end - at : sizeof(chunk), at,
                                &span)) > 0) {
        /* Where the ring overwrote what was asked for, the bytes start later
         * and may reach past end: those are printed from end on anyway. */
        if (span.start >= end)
            break;
        if ((uint64_t)count > end - span.start)
            count = (int64_t)(end - span.start);
        screen_write(chunk, (unsigned)count);
        lines += count_lines(chunk, count);
        at = span.start + (uint64_t)count;
    }
    uint64_t ticks = cpu_rdtsc_ordered() - start;
    printf("dom0: framebuffer: drew %u lines of the log in %llu ticks (%llu a line)\n", lines,
           (unsigned long long)ticks, (unsigned long long)(lines ? ticks / lines : 0));
    return at;
}

static void report_serial_input(void)
{
    if (input_irq)
        printf("dom0: console input: IRQ %u\n", input_irq);
    else
        printf("dom0: console input: polled (the UART has no IRQ)\n");
}

bool operator_console_start(const struct bulkhead_boot_info *info, event_handler wake)
{
    unsigned device = 0;

    screen_on = screen_start(info);
    log_position = 0;
    port = take_serial_console(info, &log_position, &device);
    if (screen_on && port)
        draw_earlier_log(log_position);
    else if (screen_on)
        log_position = draw_earlier_log(~0ull);
    keyboard_on = keyboard_start(info, wake);
    if (!port && !keyboard_on) {
        if (screen_on)
            print_log();
        return false;
    }
    if (port)
        input_irq = bind_input_interrupt(info->device_irqs[device], wake);
    printf("dom0: the console is dom0's now: type 'help' for the commands\n");
    if (port)
        report_serial_input();
    print_log();
    show_prompt();
    return true;
}

bool operator_console_input_interrupts(void)
{
    return (!port || input_irq != 0) && (!keyboard_on || keyboard_interrupts());
}

static void run_typed_command(void)
{
    command[command_length] = '\0';
    command_length = 0;
    write_text("\n");
    prompt_shown = false;
    shell_run_command(command);
    print_log(); /* its output comes before the next prompt */
    if (!attached.id)
        show_prompt();
}

static void edit_command(uint8_t byte)
{
    if (byte == '\r' || byte == '\n') {
        run_typed_command();
    } else if (byte == BACKSPACE || byte == DELETE) {
        if (command_length) {
            command_length--;
            write_text("\b \b");
        }
    } else if (byte >= 0x20 && byte < 0x7f && command_length + 1 < COMMAND_LEN) {
        command[command_length++] = (char)byte;
        char echo[2] = {(char)byte, '\0'};
        write_text(echo);
    }
}

void operator_console_attach(const struct hc_partition_entry *p)
{
    if (!port && !keyboard_on) {
        printf("dom0: console: the serial console is not dom0's (give it the [hypervisor] "
               "serial port in its devices) and it has no keyboard\n");
        return;
    }
    if (p->mode != GUEST_MODE_FULL && !console_backend_has_ring(p->id)) {
        printf("dom0: console %s: it has no console ring to type into\n", p->name);
        return;
    }
    attached = *p;
    printf("dom0: console attached to %s: Ctrl-] detaches\n", p->name);
}

static void detach(void)
{
    printf("dom0: console detached from %s\n", attached.name);
    attached.id = 0;
    print_log();
    show_prompt();
}

static void forward(uint8_t byte)
{
    if (byte == OPERATOR_DETACH_KEY)
        detach();
    else if (!virtio_console_input(attached.id, byte) &&
             !(attached.mode == GUEST_MODE_FULL ? dom0_serial_input(attached.id, byte)
                                                : console_backend_input(attached.id, (char)byte)))
        printf("dom0: console %s: its UART dropped a byte\n", attached.name);
}

void operator_console_show_log(void)
{
    if (port || screen_on)
        print_log();
}

static void take_typed(uint8_t byte)
{
    if (attached.id)
        forward(byte);
    else
        edit_command(byte);
}

void operator_console_poll(void)
{
    uint8_t byte;
    char c;

    operator_console_show_log();
    while (port && uart16550_read(port, &byte))
        take_typed(byte);
    while (keyboard_on && keyboard_read(&c))
        take_typed((uint8_t)c);
}
