/* Event ports and the one-shot timer, raised on this partition itself. */
#include "guests/hc-conformance/conformance.h"
#include "guests/lib/event.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"

#define EVENT_VECTOR 0x40
#define TIMER_VECTOR 0x41
#define SPARE_VECTOR 0x42

static volatile uint32_t events, timer_events;

static void on_event(uint8_t vector)
{
    (void)vector;
    events++;
}

static void on_timer(uint8_t vector)
{
    (void)vector;
    timer_events++;
}

/* Sleeps for SHORT_TICKS with interrupts on, so whatever is due arrives. */
static void pause_briefly(void)
{
    uint64_t deadline = tsc_after(SHORT_TICKS);

    cpu_enable_interrupts();
    while (cpu_rdtsc_ordered() < deadline)
        hc_block(deadline);
}

static void check_bad_binds(void)
{
    EXPECT_EQ(hypercall(HC_EVENT_BIND, 0, 0, 0, 0), HC_EINVAL);
    EXPECT_EQ(hypercall(HC_EVENT_BIND, 31, 0, 0, 0), HC_EINVAL);
    EXPECT_EQ(hypercall(HC_EVENT_BIND, 256, 0, 0, 0), HC_EINVAL);
    EXPECT_EQ(hypercall(HC_EVENT_BIND, UINT64_MAX, 0, 0, 0), HC_EINVAL);
}

/* A local event reaches us once per send; while masked it waits, and
 * unmasking delivers it exactly once however many sends came. */
static void check_local_event(uint32_t port)
{
    EXPECT_EQ(hc_event_send(port), 0);
    EXPECT_TRUE(event_wait(&events, 1, tsc_after(TIMEOUT_TICKS)));
    pause_briefly();
    EXPECT_EQ(events, 1);

    EXPECT_EQ(hc_event_mask(port), 0);
    EXPECT_EQ(hc_event_send(port), 0);
    EXPECT_EQ(hc_event_send(port), 0);
    pause_briefly();
    EXPECT_EQ(events, 1);
    EXPECT_EQ(hc_event_unmask(port), 0);
    EXPECT_TRUE(event_wait(&events, 2, tsc_after(TIMEOUT_TICKS)));
    pause_briefly();
    EXPECT_EQ(events, 2);
}

static void check_unbound_ports(uint32_t port)
{
    EXPECT_EQ(hc_event_unbind(port), 0);
    EXPECT_EQ(hc_event_send(port), HC_ENOENT);
    EXPECT_EQ(hc_event_mask(port), HC_ENOENT);
    EXPECT_EQ(hc_event_unmask(port), HC_ENOENT);
    EXPECT_EQ(hc_event_unbind(port), HC_ENOENT);
    EXPECT_EQ(hc_event_send(HC_EVENT_PORTS), HC_ENOENT);
    EXPECT_EQ(hypercall(HC_EVENT_SEND, UINT64_MAX, 0, 0, 0), HC_ENOENT);
    EXPECT_EQ(hypercall(HC_EVENT_UNBIND, 1ull << 32, 0, 0, 0), HC_ENOENT);
}

/* A port bound with peer 0 is offered to nobody; a partition or port that
 * does not exist cannot be connected to. */
static void check_connect(const struct hc_self_info *self)
{
    int64_t private_port = event_bind(SPARE_VECTOR, 0, on_event);

    EXPECT_TRUE(private_port >= 0);
    EXPECT_EQ(hc_event_connect(self->partition_id, (uint32_t)private_port), HC_EPERM);
    EXPECT_EQ(hc_event_connect(NO_SUCH_PARTITION, 0), HC_ENOENT);
    EXPECT_EQ(hc_event_connect(CONFORMANCE_PEER_ID, HC_EVENT_PORTS), HC_ENOENT);
    EXPECT_EQ(hc_event_unbind((uint32_t)private_port), 0);
}

/* Exactly HC_EVENT_PORTS ports, all different, then HC_ENOSPC. */
static void check_port_limit(void)
{
    int64_t ports[HC_EVENT_PORTS];
    unsigned bound = 0, freed = 0;
    int64_t result;

    while ((result = event_bind(SPARE_VECTOR, 0, on_event)) >= 0 && bound < HC_EVENT_PORTS)
        ports[bound++] = result;
    EXPECT_EQ(bound, HC_EVENT_PORTS);
    EXPECT_EQ(result, HC_ENOSPC);
    for (unsigned i = 0; i < bound; i++)
        freed += ports[i] < HC_EVENT_PORTS && hc_event_unbind((uint32_t)ports[i]) == 0;
    EXPECT_EQ(freed, HC_EVENT_PORTS);
}

void check_events(void)
{
    struct hc_self_info self;

    event_enable_x2apic();
    check_bad_binds();
    int64_t port = event_bind(EVENT_VECTOR, 0, on_event);
    EXPECT_TRUE(port >= 0 && port < HC_EVENT_PORTS);
    if (port < 0)
        return;
    check_local_event((uint32_t)port);
    check_unbound_ports((uint32_t)port);
    EXPECT_EQ(hc_self_info(&self), 0);
    check_connect(&self);
    check_port_limit();
}

void check_timer(void)
{
    int64_t port = event_bind(TIMER_VECTOR, 0, on_timer);

    EXPECT_TRUE(port >= 0);
    if (port < 0)
        return;
    /* One-shot: one event at the deadline and none after. */
    EXPECT_EQ(hc_timer_set(tsc_after(SHORT_TICKS), (uint32_t)port), 0);
    EXPECT_TRUE(event_wait(&timer_events, 1, tsc_after(TIMEOUT_TICKS)));
    pause_briefly();
    pause_briefly();
    EXPECT_EQ(timer_events, 1);
    /* Cancelled before its deadline: nothing, even after the deadline. Both
     * calls come before any printing, which is slow on a serial console. */
    uint64_t cancelled_deadline = tsc_after(SHORT_TICKS);
    int64_t set = hc_timer_set(cancelled_deadline, (uint32_t)port);
    int64_t cancel = hc_timer_set(0, (uint32_t)port);
    EXPECT_EQ(set, 0);
    EXPECT_EQ(cancel, 0);
    while (cpu_rdtsc_ordered() < cancelled_deadline)
        pause_briefly();
    pause_briefly();
    EXPECT_EQ(timer_events, 1);
    EXPECT_EQ(hc_timer_set(tsc_after(SHORT_TICKS), HC_EVENT_PORTS), HC_ENOENT);
    /* A deadline that has passed returns at once; a near one after it. */
    EXPECT_EQ(hc_block(1), 0);
    uint64_t deadline = tsc_after(SHORT_TICKS);
    EXPECT_EQ(hc_block(deadline), 0);
    EXPECT_TRUE(cpu_rdtsc_ordered() >= deadline);
    EXPECT_EQ(hc_event_unbind((uint32_t)port), 0);
}
