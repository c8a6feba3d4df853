#include "guests/lib/event.h"

#include "arch/x86_64/cpu.h"
#include "guests/lib/exceptions.h"
#include "guests/lib/hypercall.h"

#define APIC_BASE_X2APIC_ENABLE (1ull << 10)
#define MSR_X2APIC_EOI          0x80b
#define MSR_X2APIC_SVR          0x80f
#define SVR_APIC_ENABLE         (1u << 8)
#define SPURIOUS_VECTOR         0xff

static event_handler handlers[256];

void event_enable_x2apic(void)
{
    cpu_write_msr(MSR_IA32_APIC_BASE, cpu_read_msr(MSR_IA32_APIC_BASE) | APIC_BASE_X2APIC_ENABLE);
    cpu_write_msr(MSR_X2APIC_SVR, SVR_APIC_ENABLE | SPURIOUS_VECTOR);
}

void event_eoi(void)
{
    cpu_write_msr(MSR_X2APIC_EOI, 0);
}

static void dispatch_event(uint8_t vector)
{
    handlers[vector](vector);
    event_eoi();
}

void event_set_handler(uint8_t vector, event_handler handler)
{
    handlers[vector] = handler;
    interrupt_set_handler(vector, dispatch_event);
}

int64_t event_bind(uint8_t vector, uint32_t peer_id, event_handler handler)
{
    event_set_handler(vector, handler);
    return hc_event_bind(vector, peer_id);
}

uint64_t tsc_after(uint64_t ticks)
{
    return cpu_rdtsc_ordered() + ticks;
}

int64_t event_connect_retrying(uint32_t peer_id, uint32_t peer_port, unsigned attempts)
{
    int64_t port = hc_event_connect(peer_id, peer_port);

    for (unsigned i = 1; i < attempts && port < 0; i++) {
        hc_block(tsc_after(HC_RETRY_PAUSE_TICKS));
        cpu_interrupt_window(); /* or a pending event cuts every pause short */
        port = hc_event_connect(peer_id, peer_port);
    }
    return port;
}

static bool deadline_passed(uint64_t tsc_deadline)
{
    return tsc_deadline != 0 && cpu_rdtsc_ordered() >= tsc_deadline;
}

bool event_wait(volatile uint32_t *count, uint32_t at_least, uint64_t tsc_deadline)
{
    bool requests = false;

    cpu_disable_interrupts();
    while (*count < at_least && !requests && !deadline_passed(tsc_deadline)) {
        requests = hc_block(tsc_deadline) == HC_BLOCK_REQUESTS;
        cpu_interrupt_window(); /* the handler of what woke us runs here */
    }
    cpu_enable_interrupts();
    return *count >= at_least || requests;
}
