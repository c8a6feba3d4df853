/*
 * The privileged calls, driven from a privileged pv partition: it lists the
 * partitions, then stops, starts, restarts and finally destroys its
 * neighbour (partition VICTIM_ID, a guest that spins forever), checking the
 * state the list reports after each step. Before that it checks the
 * arguments of HC_LOG_READ and HC_MACHINE_CONTROL, which only a privileged
 * partition gets past the privilege check with.
 */
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "lib/string.h"

#define VICTIM_ID      2
#define MAX_PARTITIONS 8
#define POLL_TICKS     1000000ull
#define POLLS          400

static const char *state_name(uint32_t state)
{
    static const char *const names[] = {"running", "stopped", "crashed", "destroyed"};

    return state < 4 ? names[state] : "?";
}

/* The victim's entry in the list; false when the list does not hold it. */
static bool victim_entry(struct hc_partition_entry *victim)
{
    struct hc_partition_entry entries[MAX_PARTITIONS];
    int64_t count = hc_partition_list(entries, MAX_PARTITIONS);

    for (int64_t i = 0; i < count; i++) {
        if (entries[i].id == VICTIM_ID) {
            *victim = entries[i];
            return true;
        }
    }
    return false;
}

static int64_t victim_state(void)
{
    struct hc_partition_entry victim;

    return victim_entry(&victim) ? (int64_t)victim.state : -1;
}

/* Port writes the victim made so far: its console output shows as I/O
 * exits, and they keep counting across its runs. */
static uint64_t victim_port_writes(void)
{
    struct hc_partition_entry victim;

    return victim_entry(&victim) ? victim.exits[HC_EXITS_IO] : 0;
}

/* Commands act asynchronously: poll the list, pausing in HC_BLOCK. */
static bool wait_for_state(int64_t state)
{
    for (unsigned i = 0; i < POLLS; i++) {
        if (victim_state() == state)
            return true;
        hc_block(tsc_after(POLL_TICKS));
    }
    return false;
}

/* A (re)started victim has really run once it has printed again. */
static bool wait_for_output_after(uint64_t port_writes)
{
    for (unsigned i = 0; i < POLLS; i++) {
        if (victim_port_writes() > port_writes)
            return true;
        hc_block(tsc_after(POLL_TICKS));
    }
    return false;
}

static void list_partitions(void)
{
    struct hc_partition_entry entries[MAX_PARTITIONS];
    int64_t count = hc_partition_list(entries, MAX_PARTITIONS);

    EXPECT_TRUE(count >= 2);
    for (int64_t i = 0; i < count; i++)
        printf("hc-control: partition %u %s %s, %u cpu(s), %llu exits\n", entries[i].id,
               entries[i].name, state_name(entries[i].state), entries[i].cpu_count,
               (unsigned long long)entries[i].exits[HC_EXITS_TOTAL]);
}

/* HC_LOG_READ from the privileged partition: the log starts with the
 * hypervisor's lines, and every buffer must lie in RAM. */
static void check_log_read(uint64_t ram_end)
{
    static char text[64];
    static struct hc_log_span span;

    EXPECT_EQ(hc_log_read(text, 10, 0, &span), 10);
    EXPECT_EQ(memcmp(text, "bulkhead: ", 10), 0);
    EXPECT_EQ(span.start, 0);
    EXPECT_TRUE(span.end > 10);
    EXPECT_EQ(hc_log_read(text, sizeof(text), span.end + 1000, 0), HC_EINVAL);
    EXPECT_EQ(hypercall(HC_LOG_READ, ram_end, 8, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_LOG_READ, ram_end - 4, 8, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_LOG_READ, UINT64_MAX - 4, 8, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_LOG_READ, (uint64_t)text, UINT64_MAX, 0, 0), HC_EFAULT);
    EXPECT_EQ(hypercall(HC_LOG_READ, (uint64_t)text, 8, 0, ram_end - 8), HC_EFAULT);
    EXPECT_EQ(hc_machine_control(0), HC_EINVAL);
    EXPECT_EQ(hypercall(HC_MACHINE_CONTROL, UINT64_MAX, 0, 0, 0), HC_EINVAL);
}

int guest_main(const struct bulkhead_boot_info *info)
{
    EXPECT_TRUE(info->mode == GUEST_MODE_PV);
    check_log_read(info->memory_bytes);
    list_partitions();
    EXPECT_EQ(hc_partition_stop(info->partition_id), HC_EINVAL);
    EXPECT_EQ(hc_partition_stop(99), HC_ENOENT);

    EXPECT_EQ(hc_partition_stop(VICTIM_ID), 0);
    EXPECT_TRUE(wait_for_state(HC_PARTITION_STOPPED));
    uint64_t writes = victim_port_writes();
    EXPECT_EQ(hc_partition_start(VICTIM_ID), 0);
    EXPECT_TRUE(wait_for_output_after(writes));
    EXPECT_EQ(hc_partition_start(VICTIM_ID), HC_EBUSY);
    writes = victim_port_writes();
    EXPECT_EQ(hc_partition_restart(VICTIM_ID), 0);
    EXPECT_TRUE(wait_for_output_after(writes));
    EXPECT_EQ(hc_partition_destroy(VICTIM_ID), 0);
    EXPECT_TRUE(wait_for_state(-1)); /* destroyed partitions leave the list */
    EXPECT_EQ(hc_partition_start(VICTIM_ID), HC_ENOENT);
    printf("hc-control: done\n");
    return guest_exit_status();
}
