/*
 * libFuzzer harness for the hypercall layer: the real hv/hypercall.c,
 * event.c, grant.c, guest_memory.c and partition_info.c on the fake machine
 * of tests/hypercall_world.h (three pv partitions, id 1 privileged).
 *
 * The input is a program of operations, each one byte and what it needs:
 *   0x00-0xdf  a hypercall: caller = op % 3 + 1, vCPU = bit 2; then a byte
 *              that picks the call number and six bytes (each perhaps with
 *              a payload) that pick the arguments, see pick_number() and
 *              pick_argument()
 *   0xe0-0xe7  partition op % 3 + 1 restarts (grants, ports and timer go)
 *   0xe8-0xef  partition op % 3 + 1 is destroyed
 *   0xf0-0xff  bytes for guest RAM: partition, 16-bit offset, length, bytes
 *
 * After every hypercall the harness aborts unless: the result is >= 0 or an
 * HC_E* value; a privileged call from another partition got HC_EPERM and an
 * unknown number HC_ENOSYS; no other partition's RAM changed and the
 * caller's changed only where the call writes; at most one interrupt was
 * delivered, never an exception vector; and world_check() finds the port
 * and grant tables consistent with each other and with the fake EPTs (no
 * mapping in the grantee's own RAM or past 1 << 39, every mapping inside the
 * granter's RAM and accounted for by exactly one mapped grant, every unmap
 * flushed before the call returned).
 *
 * The seeds in tests/fuzz/corpus/hypercall/ reach each call once. Before
 * changing any of the files above, run it long:
 *   make test-fuzz FUZZ_RUNS=-1 FUZZ_TIME=3600
 * and copy any small, interesting new inputs into the seed corpus.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/hypercall_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPERATIONS 256
#define HISTORY        8

struct input {
    const uint8_t *data;
    size_t size, at;
    uint64_t history[HISTORY]; /* recent results: ports and grant references */
    unsigned history_next;
};

static uint8_t shadow[WORLD_PARTITIONS][WORLD_RAM_SIZE];

static const uint8_t real_calls[] = {
    HC_NULL,
    HC_VERSION,
    HC_CONSOLE_WRITE,
    HC_YIELD,
    HC_BLOCK,
    HC_SELF_INFO,
    HC_EVENT_BIND,
    HC_EVENT_CONNECT,
    HC_EVENT_SEND,
    HC_EVENT_UNBIND,
    HC_EVENT_MASK,
    HC_EVENT_UNMASK,
    HC_GRANT_CREATE,
    HC_GRANT_MAP,
    HC_GRANT_UNMAP,
    HC_GRANT_REVOKE,
    HC_TIMER_SET,
    HC_PARTITION_LIST,
    HC_PARTITION_STOP,
    HC_PARTITION_START,
    HC_PARTITION_RESTART,
    HC_PARTITION_DESTROY,
    HC_PARTITION_SHUTDOWN,
    HC_LOG_READ,
    HC_MACHINE_CONTROL,
    HC_IOREQ_SERVER,
    HC_IOREQ_CLAIM,
    HC_IOREQ_COMPLETE,
    HC_IRQ_LINE,
    HC_IRQ_MSI,
    HC_IOREQ_CLAIM_MMIO,
    HC_CONSOLE_TAKE,
    HC_CONSOLE_SERVER,
    HC_CONSOLE_RELEASE,
    HC_DEVICE_IRQ_BIND,
    HC_DEVICE_IRQ_UNMASK,
    HC_IOREQ_COPY,
    HC_CONSOLE_WRITE_FOR,
};
#define REAL_CALLS (sizeof(real_calls) / sizeof(real_calls[0]))

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t value = 0;

    for (unsigned i = 0; i < bytes && in->at < in->size; i++)
        value |= (uint64_t)in->data[in->at++] << (8 * i);
    return value;
}

/* Mostly real calls; some holes, the numbers just past the table, and
 * anything at all. */
static uint64_t pick_number(struct input *in)
{
    uint8_t b = (uint8_t)take(in, 1);

    if (b < 176)
        return real_calls[b % REAL_CALLS];
    if (b < 224)
        return b - 176u;
    if (b < 255)
        return HC_CALL_COUNT + (b - 224u);
    return take(in, 8);
}

/* The high nibble picks a kind of value, the low one a small number. */
static uint64_t pick_argument(struct input *in)
{
    uint8_t b = (uint8_t)take(in, 1);
    uint64_t n = b & 15;

    switch (b >> 4) {
    case 0:
        return 0;
    case 1:
        return n;
    case 2:
        return take(in, 1); /* vectors among them */
    case 3:
        return in->history[n % HISTORY];
    case 4:
        return n % 5; /* partition ids, 0 and 4 missing */
    case 5:
        return WORLD_RAM_SIZE + n - 8;
    case 6:
        return n * WORLD_PAGE; /* a page of RAM */
    case 7:
        return WORLD_RAM_SIZE + take(in, 1) * WORLD_PAGE; /* just above RAM */
    case 8:
        return WORLD_RAM_SIZE + HC_GRANT_WINDOW_SIZE - n * WORLD_PAGE;
    case 9:
        return UINT64_MAX - n;
    case 10:
        return 0 - (n + 1) * WORLD_PAGE; /* page-aligned, wraps when added to */
    case 11:
        return 1ull << (32 + n);
    case 12:
        return take(in, 2);
    case 13:
        return take(in, 4);
    case 14:
        return take(in, 8);
    default:
        return take(in, 2) % WORLD_RAM_SIZE; /* anywhere in RAM */
    }
}

static void poke_ram(struct input *in)
{
    unsigned id = (unsigned)take(in, 1) % WORLD_PARTITIONS + 1;
    uint64_t offset = take(in, 2) % WORLD_RAM_SIZE;
    uint64_t length = take(in, 1);
    uint64_t left = in->size - in->at;

    if (length > left)
        length = left;
    if (length > WORLD_RAM_SIZE - offset)
        length = WORLD_RAM_SIZE - offset;
    memcpy(world_ram(id) + offset, in->data + in->at, length);
    memcpy(shadow[id - 1] + offset, in->data + in->at, length);
    in->at += length;
}

static unsigned interrupts_delivered(void)
{
    unsigned total = 0;

    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++)
        total += world_record(id)->interrupt_total;
    return total;
}

static bool is_privileged_call(uint64_t number)
{
    return (number >= HC_PARTITION_LIST && number <= HC_CONSOLE_TAKE) ||
           (number >= HC_IOREQ_SERVER && number <= HC_CONSOLE_RELEASE) ||
           number == HC_DEVICE_IRQ_BIND || number == HC_DEVICE_IRQ_UNMASK ||
           number == HC_IOREQ_COPY || number == HC_CONSOLE_WRITE_FOR;
}

static bool is_known_call(uint64_t number)
{
    for (unsigned i = 0; i < REAL_CALLS; i++) {
        if (real_calls[i] == number)
            return true;
    }
    return false;
}

/* Where in its RAM the call may have written: [*from, *from + *length),
 * and for HC_LOG_READ also the span at args[3]. */
static void writable_window(uint64_t number, const uint64_t *args, int64_t result, uint64_t *from,
                            uint64_t *length)
{
    *from = args[0];
    *length = 0;
    if (number == HC_LOG_READ && result >= 0)
        *length = (uint64_t)result;
    else if (number == HC_SELF_INFO && result == 0)
        *length = sizeof(struct hc_self_info);
    else if (number == HC_PARTITION_LIST && result >= 0)
        *length = (uint64_t)result * sizeof(struct hc_partition_entry);
    else if (number == HC_PARTITION_LIST && result == HC_EFAULT)
        *length = WORLD_PARTITIONS * sizeof(struct hc_partition_entry); /* the entries before */
    else if (number == HC_IOREQ_SERVER && result == 0)
        *length = sizeof(struct hc_ioreq_page); /* the ring's head starts at 0 */
    else if (number == HC_IOREQ_COPY && result == 0 && !(args[4] & HC_IOREQ_COPY_TO_PARTITION)) {
        *from = args[2];
        *length = args[3];
    }
}

/* HC_IOREQ_COPY into a served partition writes its RAM, only there. */
static bool copied_into(unsigned id, uint64_t number, const uint64_t *args, int64_t result)
{
    if (number != HC_IOREQ_COPY || result != 0 || !(args[4] & HC_IOREQ_COPY_TO_PARTITION) ||
        args[0] != id)
        return false;
    for (uint64_t i = 0; i < WORLD_RAM_SIZE; i++) {
        if (world_ram(id)[i] != shadow[id - 1][i] && (i < args[1] || i - args[1] >= args[3]))
            return false;
    }
    memcpy(shadow[id - 1], world_ram(id), WORLD_RAM_SIZE);
    return true;
}

static void check_memory(unsigned caller, uint64_t number, const uint64_t *args, int64_t result)
{
    uint64_t from, length;

    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++) {
        if (id != caller && memcmp(world_ram(id), shadow[id - 1], WORLD_RAM_SIZE) &&
            !copied_into(id, number, args, result))
            abort(); /* a call wrote into someone else's RAM */
    }
    const uint8_t *ram = world_ram(caller), *before = shadow[caller - 1];
    if (!memcmp(ram, before, WORLD_RAM_SIZE))
        return;
    writable_window(number, args, result, &from, &length);
    for (uint64_t i = 0; i < WORLD_RAM_SIZE; i++) {
        bool in_span = number == HC_LOG_READ && result >= 0 && args[3] && i >= args[3] &&
                       i - args[3] < sizeof(struct hc_log_span);
        if (ram[i] != before[i] && (i < from || i - from >= length) && !in_span)
            abort(); /* written outside the buffer it was given */
    }
    memcpy(shadow[caller - 1], ram, WORLD_RAM_SIZE);
}

static void check_result(unsigned caller, unsigned vcpu, uint64_t number, const uint64_t *args,
                         int64_t result)
{
    if (result < HC_ENOSYS)
        abort();
    if (!is_known_call(number) && result != HC_ENOSYS)
        abort();
    if (is_privileged_call(number) && caller != WORLD_DOM0 && result != HC_EPERM)
        abort();
    if (number == HC_CONSOLE_WRITE && result >= 0 && (uint64_t)result != args[1])
        abort();
    if (number == HC_SELF_INFO && result == 0) {
        struct hc_self_info info;
        memcpy(&info, world_ram(caller) + args[0], sizeof(info));
        if (info.partition_id != caller || info.vcpu_index != vcpu ||
            info.memory_bytes != WORLD_RAM_SIZE)
            abort();
    }
    if (number == HC_PARTITION_LIST && result > WORLD_PARTITIONS)
        abort();
    if (number == HC_LOG_READ && result >= 0 &&
        ((uint64_t)result > args[1] || result > HC_LOG_READ_MAX))
        abort();
}

/* Enough log for the ring to have wrapped, so reads meet both edges. */
static void fill_log(void)
{
    static const char line[] = "bulkhead: a line of the fuzzer's log\n";

    for (unsigned i = 0; i < 2 * LOG_RING_SIZE / (sizeof(line) - 1); i++)
        log_ring_append(&world.log, line, sizeof(line) - 1);
}

static void run_call(struct input *in, uint8_t op)
{
    unsigned caller = op % WORLD_PARTITIONS + 1, vcpu = (op >> 2) & 1;
    uint64_t number = pick_number(in), args[6];

    for (unsigned i = 0; i < 6; i++)
        args[i] = pick_argument(in);
    while (!partition_by_id(caller))
        caller = caller % WORLD_PARTITIONS + 1; /* the dead make no calls */

    unsigned delivered = interrupts_delivered();
    int64_t result = world_call(caller, vcpu, number, args);

    check_result(caller, vcpu, number, args, result);
    check_memory(caller, number, args, result);
    if (interrupts_delivered() - delivered > 1 || world_check())
        abort();
    if (result >= 0) {
        in->history[in->history_next] = (uint64_t)result;
        in->history_next = (in->history_next + 1) % HISTORY;
    }
}

static bool anyone_alive(void)
{
    for (unsigned id = 1; id <= WORLD_PARTITIONS; id++) {
        if (partition_by_id(id))
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {.data = data, .size = size};

    world_reset();
    fill_log();
    memset(shadow, 0, sizeof(shadow));
    for (unsigned n = 0; n < MAX_OPERATIONS && in.at < in.size && anyone_alive(); n++) {
        uint8_t op = (uint8_t)take(&in, 1);
        if (op >= 0xf0)
            poke_ram(&in);
        else if (op >= 0xe8 && partition_by_id(op % WORLD_PARTITIONS + 1))
            world_destroy(op % WORLD_PARTITIONS + 1);
        else if (op >= 0xe0 && partition_by_id(op % WORLD_PARTITIONS + 1))
            world_restart(op % WORLD_PARTITIONS + 1);
        else if (op < 0xe0)
            run_call(&in, op);
        if (world_check())
            abort();
    }
    return 0;
}
