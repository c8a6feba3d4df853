/* A test-and-test-and-set spinlock. The log lock also remembers its owner so
 * that a CPU which faults while printing can still report the fault. */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <stdbool.h>

struct spinlock {
    volatile int locked;
};

/* The CPU's spin-wait hint (PAUSE), from the compiler: the lock sits below
 * the arch contract, which itself holds locks (hv/arch.h). */
static inline void spin_relax(void)
{
    __builtin_ia32_pause();
}

/* Each CPU of the core counts the locks it holds, in its per-CPU block
 * (GS, arch/x86_64/percpu.h): a hypervisor fault on a CPU that holds none
 * can be contained to the partition whose exit it handled. Code built for
 * the host or the boot stub has no per-CPU block and counts nothing. */
#define SPIN_HELD_COUNT_OFFSET 16
#ifdef BULKHEAD_CORE
static inline void spin_count_held(int change)
{
    *(volatile __seg_gs int *)SPIN_HELD_COUNT_OFFSET += change;
}
#else
static inline void spin_count_held(int change)
{
    (void)change;
}
#endif

static inline bool spin_try_lock(struct spinlock *lock)
{
    if (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        return false;
    spin_count_held(1);
    return true;
}

static inline void spin_lock(struct spinlock *lock)
{
    while (!spin_try_lock(lock)) {
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            spin_relax();
    }
}

static inline void spin_unlock(struct spinlock *lock)
{
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
    spin_count_held(-1);
}

#endif
