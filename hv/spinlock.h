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

static inline bool spin_try_lock(struct spinlock *lock)
{
    return !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
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
}

#endif
