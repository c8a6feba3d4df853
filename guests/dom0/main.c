/*
 * dom0, the management partition (privileged, pv). It serves the I/O
 * requests of full partitions with the device models of models.c (a 16550
 * at COM1 and a memory-mapped one, and an IDE disk, for each partition
 * that names them),
 * handing their lines to the hypervisor as theirs; it is the console
 * backend of pv partitions, handing on the lines of their console rings the
 * same way (guests/dom0/console.c); it runs the management commands of its
 * boot script (the config's `script` line). It ends once every other
 * partition has stopped.
 *
 * Everything in the request page is treated as hostile: each slot is copied
 * before it is looked at, and one that does not make sense is answered with
 * all ones and counted. Requests wake dom0 without an interrupt: HC_BLOCK
 * returns when they wait, and their bits in the page say which slots.
 */
#include "guests/dom0/console.h"
#include "guests/dom0/ide_models.h"
#include "guests/dom0/models.h"
#include "guests/dom0/operator.h"
#include "guests/dom0/virtio_models.h"
#include "guests/dom0/shell.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

#define CONSOLE_VECTOR  0x41
#define MAX_PARTITIONS  8
#define IDLE_POLL_TICKS 20000000ull
/* Typed bytes that do not interrupt must be taken before the UART's
 * 16-byte FIFO overflows. */
#define OPERATOR_POLL_TICKS 500000ull

static struct hc_ioreq_page requests __attribute__((aligned(4096)));
static struct hc_partition_entry partitions[MAX_PARTITIONS];
static unsigned partition_count;
static volatile uint32_t wakeups, console_events, nmis;
static uint32_t nmis_reported;
static unsigned rejected, served, blocks;

/* A byte typed at the operator's console. */
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

/* The platform's NMIs come to dom0, which owns the platform: each is
 * counted and named on the console, and dom0 goes on. */
static void on_nmi(uint8_t vector)
{
    (void)vector;
    nmis++;
    wakeups++;
}

static void report_nmis(void)
{
    while (nmis_reported != nmis)
        printf("dom0: NMI %u taken\n", ++nmis_reported);
}

static void refresh_partitions(void)
{
    int64_t count = hc_partition_list(partitions, MAX_PARTITIONS);

    partition_count = count > 0 ? (unsigned)count : 0;
}

static void serve_slot(unsigned slot)
{
    struct hc_ioreq request;
    uint32_t value = 0xffffffffu;

    memcpy(&request, (const void *)&requests.slots[slot], sizeof(request));
    if (!models_serve(&request, &value))
        rejected++;
    served++;
    blocks += request.count != 0;
    hc_ioreq_complete(slot, value, request.sequence);
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

/* Every posted write came before any request whose bit was taken first:
 * the hypervisor publishes a write before it sets a later bit. */
static void serve_posted(void)
{
    uint64_t head = __atomic_load_n(&requests.posted_head, __ATOMIC_ACQUIRE);
    uint64_t tail = requests.posted_tail;

    if (head - tail > HC_IOREQ_POSTED)
        tail = head - HC_IOREQ_POSTED; /* never from an honest hypervisor */
    for (; tail != head; tail++) {
        struct hc_ioreq request;
        uint32_t ignored;
        memcpy(&request, (const void *)&requests.posted[tail % HC_IOREQ_POSTED], sizeof(request));
        if (!models_serve(&request, &ignored))
            rejected++;
        __atomic_store_n(&requests.posted_tail, tail + 1, __ATOMIC_RELEASE);
    }
}

/* The bits first, then the posted writes, then the slots whose bits were
 * taken; a request that comes meanwhile is found by the next round, before
 * dom0 sleeps. */
static void serve_requests(void)
{
    bool any;

    do {
        uint64_t taken[HC_IOREQ_SLOTS / 64];
        any = false;
        for (unsigned word = 0; word < HC_IOREQ_SLOTS / 64; word++) {
            taken[word] = __atomic_exchange_n(&requests.pending[word], 0, __ATOMIC_ACQUIRE);
            any |= taken[word] != 0;
        }
        serve_posted();
        for (unsigned word = 0; word < HC_IOREQ_SLOTS / 64; word++) {
            for (uint64_t bits = taken[word]; bits; bits &= bits - 1)
                serve_slot(word * 64 + (unsigned)__builtin_ctzll(bits));
        }
    } while (any);
}

/* With a fresh partition list: names, and the rings of partitions gone. */
static void serve_consoles(void)
{
    refresh_partitions();
    console_backend_serve(partitions, partition_count);
}

/* The rings are looked at when one of them raised an event, and on every
 * idle round (a wait that timed out): an I/O request pays for neither. */
static uint32_t consoles_seen;

static void serve_consoles_if(bool idle)
{
    if (!idle && console_events == consoles_seen)
        return;
    consoles_seen = console_events;
    serve_consoles();
}

/* A round of the script's waits: as the main loop's, and the screen shows
 * the log once nothing is asked of dom0. */
void dom0_serve_until(uint64_t tsc_deadline)
{
    static bool idle = true;
    uint32_t seen = wakeups;

    serve_requests();
    serve_consoles_if(idle);
    if (idle)
        operator_console_show_log();
    idle = !event_wait(&wakeups, seen + 1, tsc_deadline);
}

static bool start_serving(const struct bulkhead_boot_info *info)
{
    event_enable_x2apic();
    if (!console_backend_start(info->memory_bytes, CONSOLE_VECTOR, on_console))
        return false;
    if (hc_ioreq_server(&requests) != 0 || !models_claim())
        return false;
    models_reset();
    return true;
}

int guest_main(const struct bulkhead_boot_info *info)
{
    exceptions_init();
    interrupt_set_handler(VECTOR_NMI, on_nmi);
    EXPECT_TRUE(start_serving(info));
    printf("dom0: serving a 16550 at COM1 for full partitions\n");
    if (info->disk_count) {
        unsigned ide = ide_attach_disks(info), virtio = virtio_attach_disks(info);
        printf("dom0: serving %u of %u disk(s): %u IDE, %u virtio\n", ide + virtio,
               info->disk_count, ide, virtio);
    }
    printf("dom0: console backend for %u pv partition(s)\n", console_backend_rings());
    /* Events that came meanwhile are taken (their handlers only count), so
     * that they do not cut short every pause of the script's waits. */
    cpu_enable_interrupts();
    bool interactive = operator_console_start(info, on_wakeup);
    uint64_t poll_ticks =
        interactive && !operator_console_input_interrupts() ? OPERATOR_POLL_TICKS : IDLE_POLL_TICKS;
    shell_use_tsc(info->tsc_hz);
    shell_run_script(info->script);
    /* Whether anyone is left is asked only on idle rounds, too. */
    bool idle = true, running = others_running(info);
    /* With the operator's console it serves until told to power off. */
    while (running || interactive) {
        uint32_t seen = wakeups;
        serve_requests();
        serve_consoles_if(idle);
        operator_console_poll();
        report_nmis();
        idle = !event_wait(&wakeups, seen + 1, tsc_after(poll_ticks));
        if (idle)
            running = others_running(info);
    }
    serve_requests(); /* writes they posted before they stopped */
    serve_consoles(); /* what the last of them wrote before it stopped */
    printf("dom0: every other partition has stopped; %u bad requests refused\n", rejected);
    printf("dom0: %u requests answered, %u of them string blocks\n", served, blocks);
    virtio_report();
    printf("dom0: console rings: %u lines printed, %u bad indices reset\n", console_backend_lines(),
           console_backend_bad_indices());
    operator_console_show_log(); /* the screen shows these lines too */
    return guest_exit_status();
}
